"""The debrief: fifteen minutes for coach and coachee, right after the manager leaves.

It follows the preparation app (picker, generated form, draft on every change, Submit
with messages beside the fields, corrections as revisions) and adds a 15-minute clock.
The clock (:mod:`widgets.apps.debrief_clock`) is a stored start time plus an injectable
``clock()``, so a reload, a restarted kernel or a test with a fake clock all see the
same time. The start time lives in the draft until Submit, which saves the answers with
``debrief_started_at``, ``debrief_ended_at`` and ``debrief_seconds``. After Submit the
coachee's summary opens at the top of the page, where the pair's eyes already are when
they have just finished: the form they filled in moves below it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import ipywidgets as w

from widgets.apps.debrief_clock import Clock, DebriefClock, clock_stamp
from widgets.apps.summary.view import SummaryView, build_summary_view
from widgets.clock import utc_now
from widgets.errors import StoreError
from widgets.forms.fields import hook_class
from widgets.forms.form_view import FormView
from widgets.instrument.codebook import ensure_codebook
from widgets.instrument.derived_items import derived_meeting_items
from widgets.instrument.instrument import Instrument
from widgets.instrument.yaml_loading import load_instrument
from widgets.shell.chrome import page_header
from widgets.shell.connection_watch import set_page_scope
from widgets.shell.context import app_context
from widgets.shell.focus import PageFocus
from widgets.shell.form_writer import FormWriter, not_saved_text, saved_text
from widgets.shell.page import app_page_of
from widgets.shell.picker import EngagementPicker, meeting_number_toggle, open_from_link
from widgets.shell.ticker import Ticker
from widgets.shell.ui_text import counted, status_html
from widgets.store.drafts import DraftStore
from widgets.store.records import Answer, Submission
from widgets.store.registry import Engagement, EngagementRegistry
from widgets.store.responses import ResponseStore

__all__ = ["DebriefApp", "build_debrief_app"]

FORM = "debrief"


class DebriefApp:
    """Build with :func:`build_debrief_app`; ``widget`` is what the notebook displays.

    ``clock`` and ``tick_seconds`` exist for tests: a fake clock, and ``None`` for no
    background redraws.
    """

    def __init__(
        self,
        *,
        root: Path | None = None,
        params: dict[str, str] | None = None,
        instrument: Instrument | None = None,
        clock: Clock = utc_now,
        tick_seconds: float | None = 1.0,
        today: Callable[[], date] = date.today,
    ):
        self.context = app_context(params or {}, root=root)
        self.root = self.context.root
        self.instrument = instrument or load_instrument()
        self.form = self.instrument.form(FORM)
        self.now = clock
        self.today = today
        self.registry = EngagementRegistry(self.root)
        ensure_codebook(self.root, self.instrument)
        self.store = ResponseStore(self.root)
        self.drafts = DraftStore(self.root)
        self.view: FormView | None = None
        self.engagement: Engagement | None = None
        self.meeting_number = 1
        self.clock = DebriefClock(self.form, clock=clock)
        self.summary: SummaryView | None = None
        self._loading = False
        self.writer = FormWriter(
            self.drafts, lock=self._lock, current=self._draft_data, say=self._set_status
        )
        self._ticker = (
            Ticker(self.refresh_clock, interval=tick_seconds, name="debrief-clock")
            if tick_seconds
            else None
        )

        self.picker = EngagementPicker(self.registry, choose=True, create=False)
        self.meeting_toggle = meeting_number_toggle("Debrief of", "debrief")
        self.clock_html = w.HTML()
        self.clock_html.add_class("kit-debrief-clock")
        self.start_button = w.Button(description="Start the 15 minutes", icon="play")
        self.start_button.add_class("kit-action-start-clock")
        self.start_button.on_click(lambda _b: self.start_clock())
        clock_bar = w.HBox([self.clock_html, self.start_button])
        clock_bar.add_class("kit-dclock-bar")
        self.status = w.HTML()
        self.status.add_class("kit-status")
        self.form_box = w.VBox()
        self.submit_button = w.Button(description="Submit", button_style="primary", icon="check")
        self.submit_button.add_class("kit-action-submit")
        self.submit_button.on_click(lambda _b: self.submit())
        self.submit_message = w.HTML()
        self.submit_message.add_class("kit-submit-message")
        self.summary_button = w.Button(
            description="Prepare the coachee's summary",
            icon="file-text",
            layout=w.Layout(display="none", width="auto"),
        )
        self.summary_button.add_class("kit-action-summary")
        self.summary_button.on_click(lambda _b: self.show_summary())
        self.summary_box = w.VBox()
        self.summary_box.add_class("kit-summary-box")
        self.focus = PageFocus()
        actions = w.VBox([self.submit_button, self.submit_message, self.summary_button])
        actions.add_class("kit-actions")
        self.body = w.VBox(
            [self.meeting_toggle, self.summary_box, clock_bar, self.status, self.form_box, actions],
            layout=w.Layout(display="none"),
        )
        self.widget = w.VBox(
            [
                self.writer.notice.widget,
                page_header(
                    self.form.title,
                    self.form.intro,
                    self.context,
                    on_data_changed=self.picker.refresh,
                ),
                self.picker.widget,
                self.body,
                self.focus,
            ]
        )
        self.widget.add_class("kit-app")
        self.widget.add_class("kit-debrief-app")
        self.picker.on_pick(self._picked)
        self.meeting_toggle.observe(self._meeting_changed, names="value")
        self._apply_params(self.context.params)

    # -- opening ------------------------------------------------------------------------
    def _apply_params(self, params: dict[str, str]) -> None:
        if open_from_link(self.picker, self.meeting_toggle, params):
            if params.get("view") == "summary" and self._saved() is not None:
                self.show_summary()

    def _picked(self, engagement: Engagement | None) -> None:
        self.open(engagement, self.meeting_toggle.value)

    def _meeting_changed(self, change: dict) -> None:
        self.open(self.engagement, int(change["new"]))

    def _draft_key(self) -> str:
        return f"{FORM}-{self.meeting_number}"

    def _saved(self) -> Submission | None:
        if self.engagement is None:
            return None
        return self.store.latest(self.engagement.engagement_id, FORM, self.meeting_number)

    def open(self, engagement: Engagement | None, meeting_number: int = 1) -> None:
        """Show the debrief of one meeting, filled with its draft or saved answers."""
        self.engagement = engagement
        self.meeting_number = meeting_number
        self.submit_message.value = ""
        self.summary = None
        self.summary_box.children = ()
        self.clock = DebriefClock(self.form, meeting_number=meeting_number, clock=self.now)
        if engagement is None:
            set_page_scope()
            self.view = None
            self.form_box.children = ()
            self.body.layout.display = "none"
            self._stop_ticking()
            return
        set_page_scope(FORM, engagement.engagement_id, meeting_number)
        self.view = FormView(self.form, meeting_number=meeting_number, name=engagement.first_name)
        self.form_box.children = (self.view.widget,)
        self._restore()
        self.view.on_change(self._autosave)
        self.body.layout.display = ""
        self.refresh_clock()

    def _restore(self) -> None:
        assert self.engagement is not None and self.view is not None
        eid = self.engagement.engagement_id
        saved = self._saved()
        draft = self.writer.open(eid, self._draft_key())
        self._loading = True
        try:
            shown = self.writer.restore(
                draft[0] if draft else None, saved.recorded_at if saved else ""
            )
            if draft and shown == "draft":
                self.view.set_values(draft[1].get(FORM, {}))
                self.clock.restore(draft[1].get("clock"))
            elif saved is not None and shown == "saved":
                values = saved.values()
                self.view.set_values(values)
                self.clock.restore(
                    {
                        "started_at": values.get(f"{FORM}_started_at"),
                        "ended_at": values.get(f"{FORM}_ended_at"),
                    }
                )
        finally:
            self._loading = False
        self.summary_button.layout.display = "" if saved is not None else "none"

    # -- the clock ----------------------------------------------------------------------
    def start_clock(self) -> None:
        """Start the 15 minutes (once) and keep the start in the draft at once."""
        if self.engagement is None:
            return
        if self.clock.start():
            self._save_draft()
        self.refresh_clock()

    def refresh_clock(self) -> None:
        self.clock_html.value = self.clock.html()
        self.start_button.layout.display = "none" if self.clock.started_at else ""
        if self.clock.running and self._ticker is not None:
            self._ticker.start()
        elif not self.clock.running:
            self._stop_ticking()

    def _stop_ticking(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()

    # -- as the pair talks --------------------------------------------------------------
    def _autosave(self) -> None:
        if self._loading or self.engagement is None:
            return
        # Answering is the surest sign the debrief has begun, Start pressed or not.
        self.clock.start()
        self._save_draft()
        self.refresh_clock()

    def _save_draft(self) -> None:
        assert self.engagement is not None
        self.writer.keep(self._draft_data())

    def _draft_data(self) -> dict:
        return {FORM: self.view.values() if self.view else {}, "clock": self.clock.state()}

    def _lock(self, locked: bool) -> None:
        """While another tab holds the draft only Submit and the clock wait: the fields
        stay open, so nothing typed as the other tab wrote is dropped, and Take over
        here saves it."""
        self.submit_button.disabled = self.start_button.disabled = locked

    # -- saving -------------------------------------------------------------------------
    def _timing_answers(self) -> list[Answer]:
        """The derived rows, named by the instrument (not spelled out here)."""
        self.clock.stop()
        assert self.clock.started_at is not None and self.clock.ended_at is not None
        values = {
            "started_at": clock_stamp(self.clock.started_at),
            "ended_at": clock_stamp(self.clock.ended_at),
            "seconds": str(round(self.clock.elapsed())),
        }
        answers = []
        for entry in derived_meeting_items(self.form, self.meeting_number):
            suffix = entry.item_id.removeprefix(f"{FORM}_")
            answers.append(Answer(entry.section, entry.item_id, entry.type, values[suffix]))
        return answers

    def submit(self) -> bool:
        """Check every answer, then save them with the clock's times; else save nothing."""
        if self.engagement is None or self.view is None:
            self.submit_message.value = status_html("Choose an engagement first.", "error")
            return False
        problems = self.view.validate()
        if problems:
            self.focus.show("." + hook_class(FORM, next(iter(problems))))
            labels = [self.view.fields[item_id].label for item_id in problems]
            self.submit_message.value = status_html(
                f"Not saved yet: {counted(len(labels), 'answer')} need attention (marked in red): "
                + "; ".join(labels),
                "error",
            )
            return False
        eid = self.engagement.engagement_id
        earlier = self._saved() is not None
        was = (self.clock.started_at, self.clock.ended_at)
        try:
            with self.writer.finishing():
                found = self.store.submit_many(
                    engagement_id=eid,
                    meeting_number=self.meeting_number,
                    forms={FORM: [*self.view.answers(), *self._timing_answers()]},
                    instrument_version=self.instrument.version,
                )
        except StoreError as exc:
            self.clock.started_at, self.clock.ended_at = was  # keep the clock running
            self.submit_message.value = status_html(not_saved_text(exc), "error")
            return False
        text = saved_text(found[0].recorded_at if found else None, earlier=earlier)
        self.submit_message.value = status_html(text, "ok")
        self._set_status(text, "ok")
        if not found:
            return True
        self.refresh_clock()
        self.summary_button.layout.display = ""
        self.show_summary()
        return True

    # -- after saving -------------------------------------------------------------------
    def show_summary(self) -> SummaryView | None:
        """Open the coachee's summary of this meeting (rebuilt from what is saved)."""
        if self.engagement is None:
            return None
        self.summary = build_summary_view(
            root=self.root,
            store=self.store,
            instrument=self.instrument,
            engagement_id=self.engagement.engagement_id,
            first_name=self.engagement.first_name,
            meeting_number=self.meeting_number,
            produced_on=self.today(),
        )
        self.summary_box.children = (self.summary.widget,)
        self.focus.show(".kit-summary")
        return self.summary

    def _set_status(self, text: str, kind: str = "") -> None:
        self.status.value = status_html(text, kind)


def build_debrief_app(
    *, root: Path | None = None, params: dict[str, str] | None = None
) -> w.Widget:
    """Build the debrief app for the page's query string (or ``params``)."""
    return app_page_of(DebriefApp, params=params, root=root)
