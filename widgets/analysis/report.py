"""The analysis as plain HTML: each question's chart (inline SVG), its table and a CSV link.

The same pages fill the dashboard's tabs and the static report printed under it, so
``jupyter nbconvert --to html --execute notebooks/analysis.ipynb`` (or ``make report``)
is a complete, shareable file: no widget code, no network, each table downloadable
from a ``data:`` link that works offline. The live dashboard hides the static copy
with a style of its own; where no widget can be drawn (an HTML file opened offline)
that style never arrives, and the static copy is what is read.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from widgets.analysis.charts import CHARTS, choice_labels, codebook_labels, figure_svg
from widgets.analysis.plain_tables import plain_table
from widgets.apps.timing import DEFAULT_WINDOW, RecommendedWindow
from widgets.instrument.instrument import Instrument

__all__ = [
    "STATIC_CLASS",
    "TITLES",
    "MetricPage",
    "metric_pages",
    "table_html",
    "csv_link",
    "static_report",
]

STATIC_CLASS = "kit-static-report"
TITLES = {
    "meetings_by_month": "Timing",
    "section_timing": "Agenda time",
    "goal_alignment_uptake": "Goal alignment",
    "common_asks": "Asks",
    "coach_role_choices": "Coach's role",
    "feeling_distribution": "Feeling",
    "debrief_rates": "Debrief",
    "checkpoint_completion": "Checkpoints",
    "second_meeting_share": "Second meetings",
}
# Metrics whose tables count both meetings of an engagement by definition.
_BOTH_MEETINGS = {"second_meeting_share": "Counts first and second meetings together."}


@dataclass(frozen=True)
class MetricPage:
    """One question: its name, tab title, chart as SVG and the table drawn, with the
    codebook's wording of the item ids the table may hold (``labels``)."""

    name: str
    title: str
    svg: str
    table: pd.DataFrame
    labels: Mapping[str, str] = field(default_factory=dict)

    def html(self, *, plain: bool = False) -> str:
        """The chart, the table and its CSV link, as one block; ``plain`` shows the
        table in words (:mod:`widgets.analysis.plain_tables`) for a room of trainees."""
        note = _BOTH_MEETINGS.get(self.name, "")
        table = (
            plain_table(self.table, self.labels).to_html(
                index=False, border=0, classes="kit-table", escape=True
            )
            if plain
            else table_html(self.table)
        )
        return (
            f"<div class='kit-chart'>{self.svg}</div>"
            + (f"<p class='kit-note'>{html.escape(note)}</p>" if note else "")
            + table
            + f"<p>{csv_link(self.table, self.name, plain=plain)}</p>"
        )


def metric_pages(
    tables: Mapping[str, pd.DataFrame],
    *,
    meeting_number: int,
    instrument: Instrument,
    windows: Mapping[int, RecommendedWindow | None] | None = None,
) -> list[MetricPage]:
    """A page per metric for one meeting number: every table narrowed to that meeting."""
    wording = codebook_labels(instrument)
    window = (windows or {1: DEFAULT_WINDOW}).get(meeting_number)
    pages = []
    for name, table in tables.items():
        shown = table
        if "meeting_number" in table.columns:
            shown = table[table["meeting_number"] == meeting_number].reset_index(drop=True)
        chart = CHARTS[name]
        if name == "meetings_by_month":
            figure = chart(shown, window, meeting_number)  # type: ignore[operator]
        elif name == "feeling_distribution":
            figure = chart(shown, meeting_number, choice_labels(instrument, "feeling"))  # type: ignore[operator]
        elif name in ("section_timing", "debrief_rates", "checkpoint_completion"):
            figure = chart(shown, meeting_number, wording)  # type: ignore[operator]
        elif name in ("goal_alignment_uptake", "coach_role_choices"):
            figure = chart(shown, meeting_number)  # type: ignore[operator]
        else:
            figure = chart(shown)  # type: ignore[operator]
        svg = figure_svg(figure)
        pages.append(MetricPage(name, TITLES.get(name, name), svg, shown, wording))
    return pages


def table_html(table: pd.DataFrame) -> str:
    """The table as HTML, shares as percentages, floats to one decimal."""
    formatted = table.copy()
    for column in formatted.columns:
        if column.endswith(("rate", "share")):
            formatted[column] = formatted[column].map(
                lambda v: "" if pd.isna(v) else f"{v * 100:.1f} %"
            )
        elif formatted[column].dtype.kind == "f":
            formatted[column] = formatted[column].map(lambda v: "" if pd.isna(v) else f"{v:.1f}")
    return formatted.to_html(index=False, border=0, classes="kit-table", escape=True)


def csv_link(table: pd.DataFrame, name: str, *, plain: bool = False) -> str:
    """A link that downloads ``table`` as ``name.csv``, held in the page itself; the
    file's name is said only to analysts (not ``plain``)."""
    payload = base64.b64encode(table.to_csv(index=False).encode("utf-8")).decode("ascii")
    text = "Download this table (CSV)" if plain else f"Download this table as CSV ({name}.csv)"
    return (
        f"<a download='{html.escape(name)}.csv' "
        f"href='data:text/csv;charset=utf-8;base64,{payload}'>{html.escape(text)}</a>"
    )


def static_report(
    pages_by_meeting: Mapping[int, list[MetricPage]],
    summary: str,
    warning: str = "",
    *,
    plain: bool = False,
) -> str:
    """Every question for every meeting as one HTML block, for pages without widgets;
    ``warning`` (HTML) goes under the summary (values left out, see the dashboard) and
    ``plain`` shows the tables in words, as :meth:`MetricPage.html` does."""
    parts = [f"<div class='{STATIC_CLASS}'>", "<h2>Program analysis</h2>"]
    parts.append(f"<p>{html.escape(summary)}</p>{warning}")
    for number, pages in pages_by_meeting.items():
        for page in pages:
            if page.name in _BOTH_MEETINGS and number != min(pages_by_meeting):
                continue  # the same for every meeting: shown once
            once = page.name in _BOTH_MEETINGS
            heading = page.title if once else f"{page.title}, meeting {number}"
            parts.append(f"<h3>{html.escape(heading)}</h3>{page.html(plain=plain)}")
    parts.append("</div>")
    return "\n".join(parts)
