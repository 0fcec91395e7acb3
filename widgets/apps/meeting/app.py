"""The live meeting app: the 30-minute agenda a coach runs, often while sharing the screen.

Three promises shape it:

* **Nothing private on screen.** The facilitator card is built from the shareable part
  of the prep only, and once an engagement is open the picker (with every other
  coachee's name in its list) is closed, not hidden, so no other name stays in the page.
* **Never lose a note.** Every keystroke, tick and clock action is written to a draft at
  once (:mod:`widgets.apps.meeting.drafts`); a reload or a kernel restart restores
  notes, ticks and the clock, whose times are always computed from stored timestamps
  (:mod:`widgets.apps.meeting.timer`).
* **Readable at a glance.** Big elapsed and remaining figures, the current part's time
  left, and its state in words and colour (:mod:`widgets.apps.meeting.clock_html`). A
  hidden ``Play`` widget in the browser asks the kernel to refresh once a second; it
  never counts time itself.

End writes the final rows through the store (form ``meeting``,
:mod:`widgets.apps.meeting.rows`); reopening an ended meeting shows it read-only, and
notes can be corrected as a new revision.
"""

from __future__ import annotations

import html
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import ipywidgets as w

from widgets.apps.meeting.card import SharedPrep, facilitator_card, load_shared_prep
from widgets.apps.meeting.clock_html import agenda_html, clock_html, timings_html
from widgets.apps.meeting.drafts import (
    MeetingDraft,
    meeting_draft_key,
    save_meeting_draft,
    tick_stamp,
)
from widgets.apps.meeting.followup import FOLLOWUP_CONTEXT, earlier_notes
from widgets.apps.meeting.plan import meeting_plan, meeting_total_seconds
from widgets.apps.meeting.rows import corrected_answers, meeting_answers
from widgets.apps.meeting.screen import MeetingScreen
from widgets.apps.meeting.sections import MeetingSections
from widgets.apps.meeting.timer import MeetingTimer, TimerError
from widgets.apps.meeting.views import CheckpointView, PromptView, close_tree
from widgets.ids import InvalidEngagementId
from widgets.instrument.model import MEETING_FORM, Instrument, load_instrument
from widgets.shell.context import app_context
from widgets.shell.page import app_page
from widgets.shell.picker import EngagementPicker, meeting_from_link
from widgets.shell.ticker import Ticker, in_kernel
from widgets.shell.ui_text import local_time
from widgets.store.drafts import DraftStore
from widgets.store.registry import Engagement, EngagementRegistry, UnknownEngagement
from widgets.store.responses import ResponseStore, StoreError, Submission, utc_now

__all__ = ["FOLLOWUP_CONTEXT", "MeetingApp", "build_meeting_app"]

Clock = Callable[[], datetime]

DEBRIEF_NOTEBOOK = "debrief.ipynb"
# How long the kernel keeps nudging a browser clock that has not ticked (a reloaded
# page whose Play widget was created before its view existed). Bounded, so a closed
# tab stops producing traffic and the kernel can still be culled as idle.
_KICK_AFTER_SECONDS = 3.0
_MAX_KICKS = 15


class MeetingApp(MeetingScreen):
    """Build with :func:`build_meeting_app`; ``widget`` is what the notebook displays.

    ``clock`` gives every time the meeting records (tests pass a fake one).
    """

    def __init__(
        self,
        *,
        root: Path | None = None,
        params: dict[str, str] | None = None,
        instrument: Instrument | None = None,
        clock: Clock = utc_now,
    ):
        self.context = app_context(params or {}, root=root)
        self.root = self.context.root
        self.instrument = instrument or load_instrument()
        self.form = self.instrument.form(MEETING_FORM)
        self.prep_form = self.instrument.form("prep")
        self.clock = clock
        self.registry = EngagementRegistry(self.root)
        self.store = ResponseStore(self.root)
        self.drafts = DraftStore(self.root)
        self.engagement: Engagement | None = None
        self.meeting_number = 1
        self.timer: MeetingTimer | None = None
        self.shared_prep: SharedPrep | None = None
        self.saved: Submission | None = None
        self.sections: MeetingSections | None = None
        self.picker: EngagementPicker | None = None
        self._loading = False
        self._correcting = False
        self._lock = threading.RLock()
        self._last_browser_tick = time.monotonic()
        self._kicks = 0
        self._kicker = Ticker(self._kick_stalled_play, interval=1.0, name="meeting-clock")
        super().__init__(self.context, self.form.intro)
        for button, action in (
            (self.start_button, self.start),
            (self.back_button, self.back),
            (self.next_button, self.next),
            (self.end_button, self.end),
            (self.correct_button, self.begin_corrections),
            (self.save_corrections_button, self.save_corrections),
        ):
            button.on_click(lambda _b, action=action: action())
        self.play.observe(self._browser_tick, names="value")
        self.meeting_toggle.observe(self._meeting_changed, names="value")
        self._apply_params(self.context.params)

    # -- the parts on screen (built when first shown) -----------------------------------
    @property
    def prompts(self) -> dict[str, PromptView]:
        return self.sections.prompts if self.sections else {}

    @property
    def checkpoints(self) -> dict[str, CheckpointView]:
        return self.sections.checkpoints if self.sections else {}

    @property
    def blocks(self) -> dict[str, w.VBox]:
        return self.sections.blocks if self.sections else {}

    def _open_sections(self) -> MeetingSections:
        assert self.sections is not None
        return self.sections

    def prompt(self, item_id: str) -> PromptView:
        """The prompt's view, built with its part if that part has not been shown yet."""
        return self._open_sections().prompt(item_id)

    def checkpoint(self, item_id: str) -> CheckpointView:
        return self._open_sections().checkpoint(item_id)

    def section_block(self, section_id: str) -> w.VBox:
        """One agenda part's widgets, made on first use and filled from pending values."""
        return self._open_sections().block(section_id)

    # -- opening ------------------------------------------------------------------------
    def _apply_params(self, params: dict[str, str]) -> None:
        number, problem = meeting_from_link(params)
        if number is not None:
            self.meeting_toggle.value = number
        engagement_id = params.get("engagement", "")
        if engagement_id:
            try:
                engagement = self.registry.get(engagement_id)
            except (InvalidEngagementId, UnknownEngagement):
                picker = self.show_picker()
                picker.pick(engagement_id)  # says why, in the picker's message
                return
            self.open(engagement, self.meeting_toggle.value)
            return
        picker = self.show_picker()
        if problem:
            picker.say(problem, "error")

    def show_picker(self) -> EngagementPicker:
        """Offer the engagement list again (after "Change", or when nothing is open)."""
        self._clear_meeting()
        if self.picker is None:
            self.picker = EngagementPicker(self.registry)
            self.picker.on_pick(self._picked)
        self.chooser.children = (self.picker.widget,)
        return self.picker

    def _close_picker(self) -> None:
        # Closed, not hidden: its dropdown holds every coachee's name.
        if self.picker is not None:
            close_tree(self.picker.widget)
            self.picker = None

    def _picked(self, engagement: Engagement | None) -> None:
        if engagement is not None:
            self.open(engagement, self.meeting_toggle.value)

    def _meeting_changed(self, change: dict[str, Any]) -> None:
        if self.engagement is not None and not self._loading:
            self.open(self.engagement, int(change["new"]))

    def open(self, engagement: Engagement, meeting_number: int = 1) -> None:
        """Show the meeting for an engagement: a draft in progress, the saved one, or new."""
        self._clear_meeting()
        self._close_picker()
        self.engagement = engagement
        self.meeting_number = meeting_number
        if self.meeting_toggle.value != meeting_number:
            self._loading = True
            self.meeting_toggle.value = meeting_number
            self._loading = False
        eid = engagement.engagement_id
        name = engagement.first_name
        self.shared_prep = load_shared_prep(self.store, self.prep_form, eid, meeting_number)
        self.card_box.children = (facilitator_card(name, self.prep_form, self.shared_prep),)
        self.change_button = self.show_engagement(name, meeting_number)
        self.change_button.on_click(lambda _b: self.show_picker())

        earlier = earlier_notes(self.store, self.instrument, eid) if meeting_number == 2 else {}
        self.saved = self.store.latest(eid, MEETING_FORM, meeting_number)
        draft = self.drafts.load(eid, meeting_draft_key(meeting_number))
        in_progress = draft is not None and (
            self.saved is None or draft[0] > self.saved.recorded_at
        )
        self._loading = True
        try:
            if draft is not None and in_progress:
                restored = MeetingDraft.from_data(draft[1])
                self.timer = self._restore_timer(draft[0], restored)
                pending = restored.pending_values()
            else:
                self.timer = self._new_timer()
                pending = dict(self.saved.values()) if self.saved is not None else {}
            self.sections = MeetingSections(
                self.form,
                meeting_number,
                self.timer,
                name=name,
                pending=pending,
                earlier=earlier,
                stamp=lambda: tick_stamp(self.clock()),
                on_change=self._autosave,
                locked=self._locked,
                box=self.sections_box,
            )
            if self.saved is not None and not in_progress:
                self._show_saved(self.saved)
            elif not in_progress:
                self.say_status(
                    "Press Start when everyone has joined. Notes and times are kept as a "
                    "draft as you go."
                )
        finally:
            self._loading = False
        self.body.layout.display = ""
        self.refresh()

    def _new_timer(self) -> MeetingTimer:
        plan = meeting_plan(self.form, self.meeting_number, self.shared_prep)
        return MeetingTimer(plan, total_seconds=meeting_total_seconds(self.form), clock=self.clock)

    def _restore_timer(self, saved_at: str, draft: MeetingDraft) -> MeetingTimer:
        try:
            timer = draft.restore_timer(self.clock)
        except (KeyError, TimerError) as exc:
            self.say_status(f"The saved meeting clock could not be read ({exc}); notes restored.")
            return self._new_timer()
        self.say_status(
            f"Restored the meeting in progress from the draft saved at "
            f"{local_time(saved_at, '%H:%M:%S')}; times are counted from the stored start."
        )
        return timer

    def _locked(self) -> bool:
        assert self.timer is not None
        return self.saved is not None or (self.timer.ended and not self._correcting)

    def _clear_meeting(self) -> None:
        """Close everything of the engagement shown before (its notes leave the page)."""
        self.play.playing = False
        if self.sections is not None:
            self.sections.close()
        for child in self.chooser.children:
            if self.picker is None or child is not self.picker.widget:
                close_tree(child)
        self.sections = None
        self.engagement, self.timer, self.saved, self.shared_prep = None, None, None, None
        self._correcting = False
        self.clear()

    # -- drafts -------------------------------------------------------------------------
    def _draft(self) -> MeetingDraft:
        assert self.timer is not None
        sections = self._open_sections()
        prompts = [pid for _sid, pid in sections.items("prompt")]
        return MeetingDraft(
            timer=self.timer.to_dict(),
            notes={pid: sections.notes(pid) for pid in prompts},
            asked={pid: sections.asked(pid) for pid in prompts},
            ticks={cid: sections.ticked_at(cid) for _sid, cid in sections.items("checkpoint")},
        )

    def _autosave(self) -> None:
        if self._loading or self._correcting or self.engagement is None or self.timer is None:
            return
        if self.saved is not None and not self.timer.started:
            return  # an ended meeting shown read-only: nothing to draft
        try:
            stamp = save_meeting_draft(
                self.drafts, self.engagement.engagement_id, self.meeting_number, self._draft()
            )
        except OSError as exc:
            self.say_status(f"Could not save the draft ({exc}). Keep this page open.", "error")
            return
        if self.timer.in_progress:
            self.say_status(f"Draft saved {local_time(stamp, '%H:%M:%S')}.")

    # -- clock actions ------------------------------------------------------------------
    def _act(self, action: Callable[[MeetingTimer], None]) -> bool:
        if self.timer is None:
            return False
        self._kicks = 0
        try:
            with self._lock:
                action(self.timer)
        except TimerError as exc:
            self.say_action(f"{exc}.", "error")
            return False
        self.say_action()
        self._autosave()
        self.refresh()
        return True

    def start(self) -> bool:
        return self._act(lambda t: t.start())

    def next(self) -> bool:
        return self._act(lambda t: t.next())

    def back(self) -> bool:
        return self._act(lambda t: t.back())

    def end(self) -> bool:
        """Stop the clock and save every row; nothing is ended while a note cannot be saved."""
        timer = self.timer
        if timer is None or self.engagement is None:
            return False
        if not timer.ended:
            sections = self._open_sections()
            problems = {}
            for _sid, pid in sections.items("prompt"):
                if pid not in sections.prompts and not sections.pending.get(pid):
                    continue
                view = sections.prompt(pid)
                problem = view.field.problem()
                view.field.show_problem(problem)
                if problem:
                    problems[pid] = view.field.label
            if problems:
                self.say_action(
                    f"Not ended yet: {len(problems)} note(s) cannot be saved as they are "
                    "(marked in red). Fix them, then press End again; the clock keeps running.",
                    "error",
                )
                return False
            if not self._act(lambda t: t.end()):
                return False
        return self._submit()

    def _submit(self) -> bool:
        assert self.engagement is not None and self.timer is not None
        eid = self.engagement.engagement_id
        try:
            submission = self.store.submit(
                engagement_id=eid,
                form=MEETING_FORM,
                meeting_number=self.meeting_number,
                answers=meeting_answers(
                    self.form,
                    self.meeting_number,
                    instrument_version=self.instrument.version,
                    timer=self.timer,
                    notes=self._open_sections(),
                ),
                instrument_version=self.instrument.version,
            )
        except (StoreError, ValueError) as exc:
            self.say_action(
                f"The meeting has ended but is not saved yet: {exc} Everything is still in the "
                "draft; press End again to retry.",
                "error",
            )
            self.refresh()
            return False
        self.drafts.clear(eid, meeting_draft_key(self.meeting_number))
        self.saved = submission
        self._show_saved(submission, just_ended=True)
        return True

    # -- ended meetings -----------------------------------------------------------------
    def _show_saved(self, submission: Submission, *, just_ended: bool = False) -> None:
        """The ended meeting, read-only: notes, ticks, and actual time against budget."""
        assert self.engagement is not None and self.timer is not None
        sections = self._open_sections()
        values = submission.values()
        for planned in self.timer.running:
            sections.block(planned.id)
        sections.set_disabled(True)
        for block in sections.blocks.values():
            block.layout.display = ""
        name = self.engagement.first_name
        link = self.context.link(
            DEBRIEF_NOTEBOOK,
            engagement=self.engagement.engagement_id,
            meeting=self.meeting_number,
        )
        when = local_time(submission.recorded_at, "%d %b %H:%M")
        lead = (
            f"Meeting ended and saved at {when}."
            if just_ended
            else f"This meeting ended and was saved on {when} (revision {submission.revision}). "
            "It is shown read-only."
        )
        parts = [
            (s.id, s.title)
            for s in self.form.sections_for(self.meeting_number)
            if f"{s.id}_budget_seconds" in values
        ]
        self.ended_html.value = (
            f"<div class='kit-notice kit-notice-ok' role='status'>{html.escape(lead)} "
            f"Stay on with {html.escape(name)} for the huddle, then "
            f"<a class='kit-action-debrief' href='{html.escape(link)}'>open the debrief</a>."
            "</div>" + timings_html(parts, values, meeting_total_seconds(self.form))
        )
        self.say_status(lead, "ok")
        self.corrections.layout.display = ""
        self.correct_button.disabled = False
        self.save_corrections_button.disabled = True
        self.refresh()

    def begin_corrections(self) -> None:
        """Let the coach fix notes after the meeting; times and ticks stay as recorded."""
        if self.saved is None:
            return
        self._correcting = True
        self._open_sections().set_notes_disabled(False)
        self.correct_button.disabled = True
        self.save_corrections_button.disabled = False
        self.say_action(
            "Correcting notes: times and ticks stay as recorded. Press Save corrections to "
            "save a new revision; the earlier one is kept."
        )

    def save_corrections(self) -> bool:
        """Save the corrected notes as the next revision of the same meeting."""
        if self.saved is None or self.engagement is None or not self._correcting:
            return False
        sections = self._open_sections()
        for view in sections.prompts.values():
            view.field.show_problem(view.field.problem())
        if any(view.field.problem() for view in sections.prompts.values()):
            self.say_action("Not saved: fix the notes marked in red first.", "error")
            return False
        answers = corrected_answers(self.saved.answers, self.form, list(sections.prompts), sections)
        try:
            submission = self.store.submit(
                engagement_id=self.engagement.engagement_id,
                form=MEETING_FORM,
                meeting_number=self.meeting_number,
                answers=answers,
                instrument_version=self.instrument.version,
            )
        except (StoreError, ValueError) as exc:
            self.say_action(f"Not saved: {exc}", "error")
            return False
        self._correcting = False
        self.saved = submission
        self.say_action(
            f"Corrections saved as revision {submission.revision}; the earlier version is kept.",
            "ok",
        )
        self._show_saved(submission)
        return True

    # -- display ------------------------------------------------------------------------
    def refresh(self) -> None:
        """Redraw the clock, the agenda and the buttons from the timer's stored times."""
        timer = self.timer
        if timer is None:
            return
        ended = self.saved.values() if self.saved is not None and not timer.started else None
        with self._lock:
            self.clock_html.value = clock_html(timer, ended)
            self.agenda_html.value = agenda_html(timer, ended)
        ended_saved = self.saved is not None and (timer.ended or not timer.started)
        self.start_button.disabled = ended_saved or not timer.can_start()
        self.back_button.disabled = not timer.can_back()
        self.next_button.disabled = not timer.can_next()
        self.end_button.disabled = ended_saved or not (
            timer.can_end() or (timer.ended and self.saved is None)
        )
        self.end_button.description = (
            "Save the ended meeting" if timer.ended and self.saved is None else "End meeting"
        )
        self.meeting_toggle.disabled = timer.in_progress
        if self.saved is None and self.sections is not None:
            current = timer.current.id if timer.current and timer.in_progress else None
            for planned in timer.running:
                sid = planned.id
                show = sid == current or (timer.ended and timer.visited(sid))
                if show or sid in self.sections.blocks:
                    self.sections.show(sid, show)
            self.sections.set_disabled(timer.ended)
        playing = timer.in_progress
        if self.play.playing != playing:
            self.play.playing = playing
        if playing and in_kernel():
            self._kicker.start()

    # -- the browser's tick -------------------------------------------------------------
    def _browser_tick(self, _change: object = None) -> None:
        self._last_browser_tick = time.monotonic()
        self._kicks = 0
        self.refresh()

    def tick(self) -> None:
        """What one tick of the browser's clock does: redraw from stored times."""
        self._browser_tick()

    def _kick_stalled_play(self) -> None:
        # The browser's Play only starts when its view sees `playing` turn on; a page
        # reloaded mid-meeting gets a Play that was already on. Nudge it a few times.
        timer = self.timer
        if timer is None or not timer.in_progress or self._kicks >= _MAX_KICKS:
            return
        if time.monotonic() - self._last_browser_tick < _KICK_AFTER_SECONDS:
            return
        with self._lock:
            self._kicks += 1
            self.play.playing = False
            self.play.playing = True

    def close(self) -> None:
        """Stop the clock thread and close every widget (tests, or a kernel shutting down)."""
        self._kicker.stop()
        self.play.playing = False
        close_tree(self.widget)


def build_meeting_app(
    *, root: Path | None = None, params: dict[str, str] | None = None
) -> w.Widget:
    """Build the meeting app for the page's query string (or ``params``)."""
    return app_page(
        lambda context: MeetingApp(root=context.root, params=context.params).widget,
        params=params,
        root=root,
    )
