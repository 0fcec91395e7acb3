"""The analyst's dashboard: filters, then each program question as a chart and its table.

Works in JupyterLab and under Voila (charts are drawn to PNG images, so no plotting
backend or front-end extension is needed). With no responses in the data root it says
so and shows a small made-up program instead, so the dashboard can be tried (and
tested) anywhere.
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ipywidgets as w
import pandas as pd

from widgets.analysis.charts import (
    chart_checkpoints,
    chart_common_asks,
    chart_feeling,
    chart_meetings_by_month,
    chart_section_timing,
)
from widgets.analysis.filters import filter_sessions
from widgets.analysis.long_table import load_responses
from widgets.analysis.metrics import METRICS, all_metrics
from widgets.analysis.wide_table import wide_sessions
from widgets.apps.timing import DEFAULT_WINDOW, RecommendedWindow, load_window
from widgets.instrument.instrument import Instrument
from widgets.instrument.yaml_loading import load_instrument
from widgets.shell.chrome import home_link, page_header
from widgets.shell.context import app_context

__all__ = ["AnalysisData", "load_analysis_data", "build_analysis_app", "AnalysisApp"]

SYNTHETIC_ENGAGEMENTS = 60


@dataclass(frozen=True)
class AnalysisData:
    """The sessions to analyse and a sentence saying where they came from."""

    sessions: pd.DataFrame
    note: str
    synthetic: bool


def load_analysis_data(
    *sources: str | os.PathLike[str],
    instrument: Instrument | None = None,
    synthetic_engagements: int = SYNTHETIC_ENGAGEMENTS,
) -> AnalysisData:
    """Load ``sources`` (default: the data root); fall back to a made-up program if empty."""
    instrument = instrument or load_instrument()
    long = load_responses(*sources, instrument=instrument)
    if len(long):
        sessions = wide_sessions(long, instrument=instrument)
        where = ", ".join(str(s) for s in sources) if sources else "the kit's data folder"
        return AnalysisData(sessions, f"{len(sessions)} sessions loaded from {where}.", False)
    from widgets.training.demo import write_program

    folder = Path(tempfile.mkdtemp(prefix="alignment-kit-synthetic-"))
    write_program(folder, synthetic_engagements, seed=1, instrument=instrument)
    long = load_responses(folder, instrument=instrument, cache=False)
    sessions = wide_sessions(long, instrument=instrument)
    note = (
        "No responses were found in the data folder, so this shows a small made-up "
        f"program ({synthetic_engagements} fictional engagements) to show how it works."
    )
    return AnalysisData(sessions, note, True)


def _png(figure: Any) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=96)
    plt.close(figure)
    return buffer.getvalue()


def _table_html(table: pd.DataFrame) -> str:
    formatted = table.copy()
    for column in formatted.columns:
        if column.endswith(("rate", "share")):
            formatted[column] = formatted[column].map(lambda v: "" if pd.isna(v) else f"{v:.0%}")
        elif formatted[column].dtype.kind == "f":
            formatted[column] = formatted[column].map(lambda v: "" if pd.isna(v) else f"{v:.1f}")
    return formatted.to_html(index=False, border=0, classes="kit-table", escape=True)


def _options(values: pd.Series) -> list[str]:
    return sorted({str(v) for v in values.dropna().astype(object) if str(v)})


class AnalysisApp(w.VBox):
    """Filters on top; one tab per question with its chart and the table behind it."""

    def __init__(
        self,
        data: AnalysisData,
        *,
        window: RecommendedWindow = DEFAULT_WINDOW,
        instrument: Instrument | None = None,
    ) -> None:
        self.data = data
        self.window = window
        self.instrument = instrument or load_instrument()
        sessions = data.sessions
        self.programs = w.SelectMultiple(
            options=_options(sessions["program"]), description="Program", rows=4
        )
        self.cohorts = w.SelectMultiple(
            options=_options(sessions["cohort"]), description="Cohort", rows=4
        )
        self.start = w.DatePicker(description="From")
        self.end = w.DatePicker(description="To")
        self.meeting = w.Dropdown(options=[1, 2], value=1, description="Meeting")
        self.summary = w.HTML()
        self.tabs = w.Tab()
        for control in (self.programs, self.cohorts, self.start, self.end, self.meeting):
            control.observe(self._changed, names="value")
        note = w.HTML(f"<p class='kit-note'>{data.note}</p>")
        filters = w.HBox(
            [w.VBox([self.programs, self.cohorts]), w.VBox([self.start, self.end, self.meeting])]
        )
        super().__init__(
            children=[w.HTML("<h2>Program analysis</h2>"), note, filters, self.summary, self.tabs]
        )
        self.refresh()

    def _changed(self, _change: dict[str, Any]) -> None:
        self.refresh()

    def selected(self) -> pd.DataFrame:
        """The sessions the filters keep (all when nothing is picked)."""
        return filter_sessions(
            self.data.sessions,
            programs=self.programs.value or None,
            cohorts=self.cohorts.value or None,
            start=self.start.value,
            end=self.end.value,
        )

    def refresh(self) -> None:
        sessions = self.selected()
        tables = all_metrics(sessions, window=self.window, instrument=self.instrument)
        number = int(self.meeting.value)
        engagements = sessions["engagement_id"].nunique()
        self.summary.value = f"<p>{engagements} engagements, {len(sessions)} sessions selected.</p>"
        charts = {
            "meetings_by_month": chart_meetings_by_month(tables["meetings_by_month"], self.window),
            "section_timing": chart_section_timing(tables["section_timing"], number),
            "common_asks": chart_common_asks(tables["common_asks"]),
            "feeling_distribution": chart_feeling(tables["feeling_distribution"], number),
            "checkpoint_completion": chart_checkpoints(tables["checkpoint_completion"], number),
        }
        titles = {
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
        pages = []
        for name in METRICS:
            parts: list[w.Widget] = []
            if name in charts:
                parts.append(w.Image(value=_png(charts[name]), format="png"))
            parts.append(w.HTML(_table_html(tables[name])))
            pages.append(w.VBox(parts))
        self.tables = tables
        self.tabs.children = pages
        for index, name in enumerate(METRICS):
            self.tabs.set_title(index, titles[name])


def build_analysis_app(
    *sources: str | os.PathLike[str], params: dict[str, str] | None = None
) -> AnalysisApp:
    """The dashboard for ``sources`` (default: the page's data root), with its window.

    Opened in training mode (``?training=1`` or ``make train``) it reads the training
    folder and carries the training banner, so practice data and real program data are
    never shown as one another.
    """
    context = app_context(params)
    if not sources:
        sources = (context.root,)
    data = load_analysis_data(*sources)
    first = Path(sources[0])
    app = AnalysisApp(data, window=load_window(first if first.is_dir() else context.root))
    if context.training:
        header = page_header(
            "Program analysis", "Made-up engagements from the training folder.", context
        )
        app.children = (header, *app.children[1:])
    else:
        app.children = (home_link(context), *app.children)
    return app
