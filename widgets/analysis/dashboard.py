"""The analyst's dashboard: filters, then each program question as a chart and its table.

Works in JupyterLab and under Voila: charts are inline SVG in HTML widgets, so no
plotting backend or front-end extension is needed. Displayed, the app also leaves the
whole analysis as an ordinary HTML output (:mod:`widgets.analysis.report`), hidden
while the widgets are live, so the executed notebook converted to HTML is a complete
report that needs no network. With no responses in the data root it says so and shows
a small made-up program instead, so the dashboard can be tried (and tested) anywhere.

Analysts and trainees both read this page. Analysts (real data, usual view) see where
the data came from and how to make a program export; a room of trainees (training
mode or projector view) sees the same charts with tables in plain words and no paths,
commands or column names (:mod:`widgets.analysis.plain_tables`).
"""

from __future__ import annotations

import html
import os
import tempfile
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ipywidgets as w
import pandas as pd

from widgets.analysis.filters import filter_sessions
from widgets.analysis.long_table import load_responses
from widgets.analysis.metrics import all_metrics
from widgets.analysis.report import STATIC_CLASS, MetricPage, metric_pages, static_report
from widgets.analysis.validation import InvalidValuesWarning, validation_report
from widgets.analysis.wide_table import wide_sessions
from widgets.apps.timing import (
    DEFAULT_TOLERANCE,
    DEFAULT_WINDOW,
    OverrunTolerance,
    RecommendedWindow,
    load_overrun_tolerance,
    load_windows,
)
from widgets.instrument.instrument import Instrument
from widgets.instrument.yaml_loading import load_instrument
from widgets.shell.chrome import PRESENT_CLASS, page_header, page_nav
from widgets.shell.context import AppContext, app_context
from widgets.shell.style import stylesheet
from widgets.shell.ui_text import counted

__all__ = [
    "ANALYSIS_INTRO",
    "AnalysisData",
    "load_analysis_data",
    "build_analysis_app",
    "AnalysisApp",
    "left_out_html",
    "selection_summary",
]

SYNTHETIC_ENGAGEMENTS = 60
REPORT_SOURCES_ENV = "ALIGNMENT_KIT_REPORT_SOURCES"
ANALYSIS_INTRO = (
    "Program questions across many engagements, from structured answers only: when "
    "meetings happen, how long each agenda part takes, goal alignment, asks of the "
    "manager, how coachees feel afterwards, checkpoints and second meetings. Pick "
    "programs, cohorts or dates to filter; each tab shows a chart and the table behind it."
)
# For analysts only: how to share data across the program (see the README).
_EXPORT_NOTE = (
    "<details class='kit-analyst-note'><summary>Sharing data across the program</summary>"
    "<p>Make a redacted export (no names, pseudonymous IDs, free text only with consent): "
    "<code>python -m widgets.analysis.export --out DIR [sources...]</code> with the key in "
    "<code>ALIGNMENT_KIT_EXPORT_KEY</code>, or "
    "<code>widgets.analysis.export.program.export_program(out, *sources, key=...)</code> "
    "from a notebook.</p></details>"
)


@dataclass(frozen=True)
class AnalysisData:
    """The sessions to analyse, a sentence saying where they came from, and the loaded
    values left out because they do not fit the codebook (``validation_report`` rows)."""

    sessions: pd.DataFrame
    note: str
    synthetic: bool
    left_out: pd.DataFrame = field(default_factory=pd.DataFrame)


def left_out_html(left_out: pd.DataFrame, *, plain: bool = False) -> str:
    """A warning, where the analyst looks, that some values were left out, and which.

    The loader's warning goes to the kernel's error stream, which a served page never
    shows, so the page says it itself: how many, an example, and (for analysts) the
    first few with their file, so that the figures below are never read as complete.
    """
    if left_out.empty:
        return ""
    count = len(left_out)
    does, left = ("does", "is") if count == 1 else ("do", "are")
    if plain:
        return (
            f"<p class='kit-notice kit-notice-error kit-left-out' role='alert'>"
            f"{counted(count, 'answer')} {does} not fit the questions' allowed values and "
            f"{left} left out of every chart and table.</p>"
        )
    first = left_out.iloc[0]
    shown = left_out.head(5).assign(source=lambda t: t["source"].map(lambda s: Path(s).name))
    rows = shown[["source", "form", "meeting_number", "item_id", "value", "problem"]].to_html(
        index=False, border=0, classes="kit-table", escape=True
    )
    more = f"<p>… and {count - 5} more.</p>" if count > 5 else ""
    return (
        f"<div class='kit-notice kit-notice-error kit-left-out' role='alert'><p>"
        f"{counted(count, 'loaded value')} {does} not fit the codebook and {left} left out "
        f"of every chart and table (for example {html.escape(str(first['item_id']))} = "
        f"{html.escape(repr(str(first['value'])))}: {html.escape(str(first['problem']))}). "
        "Correct them in their files and load again; "
        "<code>validation_report(load_responses(...))</code> lists every one.</p>"
        f"<details><summary>Show the first {min(count, 5)}</summary>{rows}{more}</details></div>"
    )


def load_analysis_data(
    *sources: str | os.PathLike[str],
    instrument: Instrument | None = None,
    synthetic_engagements: int = SYNTHETIC_ENGAGEMENTS,
    where: str = "",
) -> AnalysisData:
    """Load ``sources`` (default: the data root); fall back to a made-up program if empty.

    ``where`` names the data in the note ("your training space"); by default the note
    gives the sources' paths, which an analyst wants and a trainee need not see.
    """
    instrument = instrument or load_instrument()
    with warnings.catch_warnings():
        # Said on the page instead (left_out_html): a page never shows the kernel's stderr.
        warnings.simplefilter("ignore", InvalidValuesWarning)
        long = load_responses(*sources, instrument=instrument)
    left_out = validation_report(long)
    if len(long):
        sessions = wide_sessions(long, instrument=instrument)
        if not where:
            where = ", ".join(str(s) for s in sources) if sources else "the kit's data folder"
        engagements = counted(sessions["engagement_id"].nunique(), "engagement")
        note = f"{counted(len(sessions), 'session')} of {engagements} loaded from {where}."
        return AnalysisData(sessions, note, False, left_out)
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


def selection_summary(sessions: pd.DataFrame, meeting_number: int) -> str:
    """What the filters keep, in words: engagements, sessions, and those of the meeting
    shown (the tabs count only that meeting's), with a way out when nothing is left."""
    if sessions.empty:
        return (
            "Nothing matches these filters: 0 engagements. Clear a program, cohort or date "
            "to see more."
        )
    of_meeting = sessions[sessions["meeting_number"] == meeting_number]
    return (
        f"{counted(sessions['engagement_id'].nunique(), 'engagement')}, "
        f"{counted(len(sessions), 'session')} selected; meeting {meeting_number}: "
        f"{counted(of_meeting['engagement_id'].nunique(), 'engagement')}, "
        f"{counted(len(of_meeting), 'session')}."
    )


def _options(values: pd.Series) -> list[str]:
    return sorted({str(v) for v in values.dropna().astype(object) if str(v)})


class AnalysisApp(w.VBox):
    """Filters on top; one tab per question with its chart and the table behind it.

    The meeting selector narrows every chart and table to that meeting (asks are
    counted from that meeting's preps); only the second-meeting share counts both.
    ``plain`` shows the tables in words, for trainees (see the module docstring).
    """

    def __init__(
        self,
        data: AnalysisData,
        *,
        window: RecommendedWindow = DEFAULT_WINDOW,
        windows: Mapping[int, RecommendedWindow | None] | None = None,
        tolerance: OverrunTolerance = DEFAULT_TOLERANCE,
        instrument: Instrument | None = None,
        plain: bool = False,
    ) -> None:
        self.data = data
        self.plain = plain
        self.windows = dict(windows) if windows is not None else {1: window, 2: None}
        self.window = self.windows.get(1) or window
        self.tolerance = tolerance
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
        self.tabs = w.Tab(layout=w.Layout(width="100%"))
        for control in (self.programs, self.cohorts, self.start, self.end, self.meeting):
            control.observe(self._changed, names="value")
        # Live widgets hide the static copy of the report printed under them.
        note = w.HTML(
            f"<style>.{STATIC_CLASS} {{display: none;}}</style>"
            f"<p class='kit-note'>{html.escape(data.note)}</p>"
            + left_out_html(data.left_out, plain=plain)
        )
        filters = w.HBox(
            [w.VBox([self.programs, self.cohorts]), w.VBox([self.start, self.end, self.meeting])]
        )
        heading = w.HTML(
            f"<h2>Program analysis</h2><p class='kit-intro'>{html.escape(ANALYSIS_INTRO)}</p>"
        )
        super().__init__(
            children=[heading, note, filters, self.summary, self.tabs],
            layout=w.Layout(width="100%"),
        )
        self.add_class("kit-analysis-app")
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

    def pages(self, sessions: pd.DataFrame, meeting_number: int) -> list[MetricPage]:
        """Every question for one meeting number over ``sessions``."""
        tables = all_metrics(
            sessions, windows=self.windows, tolerance=self.tolerance, instrument=self.instrument
        )
        return metric_pages(
            tables, meeting_number=meeting_number, instrument=self.instrument, windows=self.windows
        )

    def refresh(self) -> None:
        sessions = self.selected()
        number = int(self.meeting.value)
        self.summary.value = f"<p class='kit-selection'>{selection_summary(sessions, number)}</p>"
        pages = self.pages(sessions, number)
        self.tables = {page.name: page.table for page in pages}
        self.tabs.children = [w.HTML(page.html(plain=self.plain)) for page in pages]
        for index, page in enumerate(pages):
            self.tabs.set_title(index, page.title)

    def static_html(self) -> str:
        """The whole analysis of the current selection, every meeting, as plain HTML."""
        sessions = self.selected()
        numbers = [int(n) for n in self.meeting.options]
        summary = self.data.note
        if len(sessions) != len(self.data.sessions):
            summary += (
                f" Selected: {counted(sessions['engagement_id'].nunique(), 'engagement')}, "
                f"{counted(len(sessions), 'session')}."
            )
        return static_report(
            {n: self.pages(sessions, n) for n in numbers},
            summary,
            left_out_html(self.data.left_out, plain=self.plain),
            plain=self.plain,
        )

    def _ipython_display_(self) -> None:
        """The live widget, then the static report as an ordinary output beneath it."""
        from IPython.display import HTML, display

        display(self._repr_mimebundle_(), raw=True)
        display(HTML(self.static_html()))


def _where(context: AppContext, sources: tuple[str | os.PathLike[str], ...]) -> str:
    """How the note names the data: paths for an analyst, plain words for a room."""
    if context.training:
        return "your training space" if context.space else "the training folder"
    if context.present:
        return "the kit's data folder" if sources == (context.root,) else "the chosen folders"
    return ""


def build_analysis_app(
    *sources: str | os.PathLike[str], params: dict[str, str] | None = None
) -> AnalysisApp:
    """The dashboard for ``sources`` (default: the page's data root), with its window.

    Opened in training mode (``?training=1`` or ``make train``) it reads the training
    folder and carries the training banner, so practice data and real program data are
    never shown as one another.
    """
    context = app_context(params)
    where = ""
    # A report file is read by people who never see the notebook: tables in words.
    report = False
    if not sources:
        # ``make report DATA="a b"`` names the folders here (absolute paths: the kernel
        # runs in notebooks/); read at call time, never at import.
        named = os.environ.get(REPORT_SOURCES_ENV, "").split()
        if named and not context.training:
            sources = tuple(named)
            # A report is sent on: its note names the folders, not the analyst's disk.
            where = ", ".join(Path(name).name or name for name in named)
            report = True
        else:
            sources = (context.root,)
    data = load_analysis_data(*sources, where=where or _where(context, sources))
    first = Path(sources[0])
    settings = first if first.is_dir() else context.root
    app = AnalysisApp(
        data,
        windows=load_windows(settings),
        tolerance=load_overrun_tolerance(settings),
        plain=context.training or context.present or report,
    )
    if context.training:
        header = page_header("Program analysis", ANALYSIS_INTRO, context)
        app.children = (header, *app.children[1:])
    else:
        extra = [] if context.present else [w.HTML(_EXPORT_NOTE)]
        app.children = (
            stylesheet(),
            page_nav(context),
            *app.children[:1],
            *extra,
            *app.children[1:],
        )
    if context.present:
        app.add_class(PRESENT_CLASS)
    return app
