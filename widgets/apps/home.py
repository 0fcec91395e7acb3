"""The home page: every engagement, where it stands, and the way into each step.

A coach may share this screen, so it shows first names and step states only, never an
answer. The table is one HTML widget of plain links (``ctx.link`` keeps training mode)
rather than a button per cell: 40 engagements x 7 steps would otherwise be 280 widgets
to build and sync, and a link opens the step's page in the usual way (middle-click opens
it in a new tab). Search and filters work on statuses read once, so narrowing a long
list is instant; Refresh reads them again.
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as w

from widgets.apps.journey import (
    DONE,
    JOURNEY_STEPS,
    EngagementStatus,
    StepStatus,
    engagement_status,
)
from widgets.apps.timing import DEFAULT_WINDOW, ProgramSettingsError, load_window
from widgets.errors import StoreError
from widgets.shell.chrome import page_header
from widgets.shell.context import AppContext, app_context
from widgets.shell.page import app_page_of
from widgets.shell.picker import EngagementPicker
from widgets.shell.ui_text import status_html
from widgets.store.drafts import DraftStore
from widgets.store.registry import Engagement, EngagementRegistry
from widgets.store.responses import ResponseStore

__all__ = ["HomeApp", "build_home_app", "matches", "render_table"]

_ALL = ""


def _filter(description: str, everything: str, css_class: str) -> w.Dropdown:
    """A labelled filter, first offering everything (a screen reader reads the label)."""
    dropdown = w.Dropdown(
        description=description,
        options=[(everything, _ALL)],
        value=_ALL,
        style={"description_width": "initial"},
        layout=w.Layout(width="auto"),
    )
    dropdown.add_class(css_class)
    return dropdown


def matches(status: EngagementStatus, *, search: str, program: str, cohort: str) -> bool:
    """True when an engagement passes the search box and both filters.

    Every word typed must appear in the first name, program, cohort or ID, so
    "amira leaders" narrows as a coach expects.
    """
    engagement = status.engagement
    if program and engagement.program != program:
        return False
    if cohort and engagement.cohort != cohort:
        return False
    haystack = " ".join(
        (engagement.first_name, engagement.program, engagement.cohort, engagement.engagement_id)
    ).casefold()
    return all(word in haystack for word in search.casefold().split())


def _timing_cell(status: EngagementStatus) -> str:
    check = status.timing
    if status.meeting_date is None or check is None:
        return "<td class='kit-home-timing kit-timing-none'>No meeting date yet</td>"
    when = f"{status.meeting_date:%d %b %Y}"
    kind = "held" if status.meeting_held else "planned"
    verdict = {
        "in_window": f"month {check.month}, in the window",
        "early": f"month {check.month}, earlier than the window",
        "late": f"month {check.month}, later than the window",
        "before_start": "before the engagement start: check the date",
        "implausible": "years after the engagement start: check the year",
    }[check.status]
    return (
        f"<td class='kit-home-timing kit-timing-{check.status}' "
        f"title='{html.escape(check.message)}'>Meeting 1 {kind} {when}<br>"
        f"<span class='kit-home-verdict'>{html.escape(verdict)}</span></td>"
    )


def _step_cell(context: AppContext, eid: str, status: StepStatus, is_next: bool) -> str:
    step = status.step
    link = context.link(step.notebook, **step.link_params(eid))
    classes = f"kit-step kit-step-{status.state} kit-step-{step.key}"
    if is_next:
        classes += " kit-step-next"
    action = "Open" if status.state != "not_started" else "Start"
    parts = [
        f"<span class='kit-step-state'>{html.escape(status.label)}</span>",
        f"<a class='kit-action-open-{step.key}' href='{html.escape(link)}'>{action}</a>",
    ]
    if step.form == "debrief" and status.state == DONE:
        summary = context.link(step.notebook, **step.link_params(eid), view="summary")
        parts.append(
            f"<a class='kit-action-open-summary-{step.meeting_number}' "
            f"href='{html.escape(summary)}'>Summary</a>"
        )
    # The step's name rides along for projector view, where the table stacks into cards
    # and the column headers are out of sight (present.css shows it).
    return f"<td class='{classes}' data-step='{html.escape(step.title)}'>{' '.join(parts)}</td>"


def render_table(
    context: AppContext, statuses: list[EngagementStatus], *, empty: str = "No engagement matches."
) -> str:
    """The engagements table as HTML; every shown text is escaped. ``empty`` fills a
    table with no rows."""
    head = "".join(f"<th>{html.escape(step.title)}</th>" for step in JOURNEY_STEPS)
    rows = []
    for status in statuses:
        engagement = status.engagement
        eid = engagement.engagement_id
        where = " · ".join(p for p in (engagement.program, engagement.cohort) if p)
        following = status.next_step
        cells = "".join(
            _step_cell(context, eid, s, following is not None and s is following)
            for s in status.steps
        )
        rows.append(
            f"<tr class='kit-home-row' data-engagement='{eid}'>"
            f"<td class='kit-home-who'><span class='kit-home-name'>"
            f"{html.escape(engagement.first_name)}</span><br><span class='kit-home-meta'>"
            f"{html.escape(where)}</span></td>"
            f"{_timing_cell(status)}{cells}</tr>"
        )
    if not rows:
        rows.append(
            f"<tr><td colspan='{len(JOURNEY_STEPS) + 2}' class='kit-home-empty'>"
            f"{html.escape(empty)}</td></tr>"
        )
    return (
        "<table class='kit-home-table'><thead><tr><th>Coachee</th><th>Timing</th>"
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


class HomeApp:
    """Build with :func:`build_home_app`; ``widget`` is what the notebook displays."""

    def __init__(self, *, root: Path | None = None, params: dict[str, str] | None = None):
        self.context = app_context(params or {}, root=root)
        self.root = self.context.root
        self.registry = EngagementRegistry(self.root)
        self.store = ResponseStore(self.root)
        self.drafts = DraftStore(self.root)
        self.statuses: list[EngagementStatus] = []
        self.message = w.HTML()
        self.message.add_class("kit-home-message")
        try:
            self.window = load_window(self.root)
        except ProgramSettingsError as exc:
            self.window = DEFAULT_WINDOW
            self.message.value = status_html(f"{exc}. Using the default window (month 2).", "error")

        # The picker's own creation fields and checks; choosing is what the table is for.
        self.picker = EngagementPicker(self.registry, choose=False, create=True)
        self.picker.on_pick(self._created)

        self.search = w.Text(
            description="Search",
            style={"description_width": "initial"},
            placeholder="first name, program, cohort or ID",
            continuous_update=True,
            layout=w.Layout(width="320px"),
        )
        self.search.add_class("kit-home-search")
        # Labelled, not only self-describing by their first option: a screen reader
        # announces a select by its label.
        self.program = _filter("Filter by program", "All programs", "kit-home-program")
        self.cohort = _filter("Filter by cohort", "All cohorts", "kit-home-cohort")
        self.refresh_button = w.Button(description="Refresh", icon="refresh")
        self.refresh_button.add_class("kit-action-refresh")
        self.refresh_button.on_click(lambda _b: self.reload())
        self.count = w.HTML()
        self.count.add_class("kit-home-count")
        self.table = w.HTML()
        self.table.add_class("kit-home-table-box")
        filters = w.HBox(
            [self.search, self.program, self.cohort, self.refresh_button],
            layout=w.Layout(flex_flow="row wrap", align_items="center"),
        )
        filters.add_class("kit-home-filters")
        self.widget = w.VBox(
            [
                page_header(
                    "Your engagements",
                    "Where each engagement stands, and the way into each step. Only first "
                    "names and progress are shown here, so it is safe to share this screen.",
                    self.context,
                    on_data_changed=self.reload,
                    home=False,
                ),
                self.message,
                self.picker.widget,
                filters,
                self.count,
                self.table,
            ]
        )
        self.widget.add_class("kit-app")
        self.widget.add_class("kit-home-app")
        self.search.observe(lambda _c: self.render(), names="value")
        self.program.observe(self._program_changed, names="value")
        self.cohort.observe(lambda _c: self.render(), names="value")
        self.reload()

    # -- data ---------------------------------------------------------------------------
    def reload(self) -> None:
        """Read every engagement's status again (another tab may have saved)."""
        try:
            self.statuses = [
                engagement_status(e, self.store, self.drafts, self.window)
                for e in self.registry.all()
            ]
        except StoreError as exc:
            self.message.value = status_html(str(exc), "error")
            self.statuses = []
        programs = sorted({s.engagement.program for s in self.statuses} - {""})
        self._set_options(self.program, "All programs", programs)
        self._update_cohorts()
        self.render()

    def _set_options(self, dropdown: w.Dropdown, everything: str, values: list[str]) -> None:
        current = dropdown.value
        dropdown.options = [(everything, _ALL), *[(v, v) for v in values]]
        dropdown.value = current if current in values else _ALL

    def _update_cohorts(self) -> None:
        program = self.program.value
        cohorts = sorted(
            {
                s.engagement.cohort
                for s in self.statuses
                if not program or s.engagement.program == program
            }
            - {""}
        )
        self._set_options(self.cohort, "All cohorts", cohorts)

    def _program_changed(self, _change: object) -> None:
        self._update_cohorts()
        self.render()

    # -- screen -------------------------------------------------------------------------
    def visible(self) -> list[EngagementStatus]:
        return [
            s
            for s in self.statuses
            if matches(
                s, search=self.search.value, program=self.program.value, cohort=self.cohort.value
            )
        ]

    def render(self) -> None:
        shown = self.visible()
        total = len(self.statuses)
        if total == 0:
            self.count.value = (
                "<p class='kit-home-note'>No engagements yet. Create the first one above.</p>"
            )
        else:
            self.count.value = f"<p class='kit-home-note'>Showing {len(shown)} of {total}.</p>"
        # With no engagement at all, the note above says what to do; the table only
        # shows where rows will go, rather than a second "nothing here".
        empty = (
            "Each engagement you create gets a row here."
            if total == 0
            else "No engagement matches."
        )
        self.table.value = render_table(self.context, shown, empty=empty)

    def _created(self, engagement: Engagement | None) -> None:
        if engagement is None:
            return
        # Show the new engagement even if the filters would hide it.
        self.search.value = ""
        self.program.value = _ALL
        self.cohort.value = _ALL
        self.reload()


def build_home_app(*, root: Path | None = None, params: dict[str, str] | None = None) -> w.Widget:
    """Build the home page for the page's query string (or ``params``)."""
    return app_page_of(HomeApp, params=params, root=root)
