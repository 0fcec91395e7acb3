"""One engagement's meeting while it is open on the page: clock, notes, draft, End.

:class:`~widgets.apps.meeting.app.MeetingApp` is the page (which engagement, which
meeting, the browser's tick); it opens a session for the engagement the coach picks and
closes it when they pick another, so nothing of one coachee's meeting outlives it on
screen. A session opens on whichever is newest: a draft in progress (restored with its
clock, from :mod:`widgets.apps.meeting.drafts`), the saved meeting (read-only, with
"Correct notes"), or a new meeting waiting for Start.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from datetime import datetime

from widgets.apps.meeting.budgets import BudgetChoice, program_budget_choice, with_budgets
from widgets.apps.meeting.card import facilitator_card, load_shared_prep
from widgets.apps.meeting.clock_html import agenda_html, clock_html, elsewhere_clock_html
from widgets.apps.meeting.drafts import MeetingDraft, tick_stamp
from widgets.apps.meeting.followup import earlier_notes
from widgets.apps.meeting.plan import meeting_plan, meeting_total_seconds
from widgets.apps.meeting.role import meeting_role
from widgets.apps.meeting.rows import meeting_answers
from widgets.apps.meeting.saved import SavedMeeting
from widgets.apps.meeting.screen import MeetingScreen
from widgets.apps.meeting.sections import MeetingSections
from widgets.apps.meeting.tab_guard import TabGuard
from widgets.apps.meeting.timer import MeetingTimer, TimerError, format_seconds
from widgets.clock import local_time
from widgets.errors import StoreError
from widgets.instrument.instrument import Instrument
from widgets.instrument.rules import MEETING_FORM, fill_name
from widgets.shell.connection_watch import set_page_scope
from widgets.shell.context import AppContext
from widgets.shell.ui_text import counted
from widgets.store.drafts import DraftStore, StaleDraft
from widgets.store.records import Submission
from widgets.store.registry import Engagement
from widgets.store.responses import ResponseStore

__all__ = ["DEBRIEF_NOTEBOOK", "MeetingSession"]

DEBRIEF_NOTEBOOK = "debrief.ipynb"


class MeetingSession(SavedMeeting):
    """The meeting of ``engagement`` (first or second) on ``screen``.

    ``on_act`` hears every clock action the coach presses; ``on_refresh`` hears, after
    each redraw, whether the clock is running (the page keeps the browser's tick in step).
    """

    def __init__(
        self,
        screen: MeetingScreen,
        *,
        context: AppContext,
        instrument: Instrument,
        store: ResponseStore,
        drafts: DraftStore,
        engagement: Engagement,
        meeting_number: int,
        clock: Callable[[], datetime],
        lock: threading.RLock,
        on_act: Callable[[], None],
        on_refresh: Callable[[bool], None],
    ):
        self.screen = screen
        self.context = context
        self.instrument = instrument
        self.form = instrument.form(MEETING_FORM)
        self.store = store
        self.drafts = drafts
        self.engagement = engagement
        self.meeting_number = meeting_number
        self.clock = clock
        self._lock = lock
        self._on_act = on_act
        self._on_refresh = on_refresh
        self._correcting = False
        # One writer per draft: another tab's save makes this one read-only.
        self.guard = TabGuard(
            screen,
            drafts,
            engagement.engagement_id,
            meeting_number,
            on_stale=self._lock_stale,
            reopen=self._reopen,
        )
        self.guard.keep_mine(self._draft)
        set_page_scope(MEETING_FORM, engagement.engagement_id, meeting_number)
        self._reopen()
        screen.body.layout.display = ""

    def _reopen(self) -> None:
        if hasattr(self, "sections"):
            self.sections.close()
        self._loading = True
        try:
            self._open()
        finally:
            self._loading = False
        self.refresh()

    def _open(self) -> None:
        eid, name = self.engagement.engagement_id, self.engagement.first_name
        prep_form = self.instrument.form("prep")
        self.shared_prep = load_shared_prep(self.store, prep_form, eid, self.meeting_number)
        self.role = meeting_role(self.instrument, self.shared_prep, name)
        banner = self.role.banner()
        self.screen.set_card(
            facilitator_card(name, prep_form, self.shared_prep, card_rows=self.instrument.card),
            *((banner,) if banner is not None else ()),
        )
        second = self.meeting_number == 2
        earlier = earlier_notes(self.store, self.instrument, eid) if second else {}
        self.saved: Submission | None = self.store.latest(eid, MEETING_FORM, self.meeting_number)
        draft = self.guard.open()
        if draft is not None and (self.saved is None or draft[0] > self.saved.recorded_at):
            restored = MeetingDraft.from_data(draft[1])
            self.timer = self._restore_timer(draft[0], restored)
            pending = restored.pending_values()
        else:
            draft = None
            self.timer = self._new_timer()
            pending = dict(self.saved.values()) if self.saved is not None else {}
        self.sections = MeetingSections(
            self.form,
            self.meeting_number,
            self.timer,
            name=name,
            pending=pending,
            earlier=earlier,
            followup=self.instrument.followup_context,
            huddle=self.instrument.huddle_reminder,
            stamp=lambda: tick_stamp(self.clock()),
            on_change=self._autosave,
            locked=self._locked,
            box=self.screen.sections_box,
            dress_prompt=self.role.dress_prompt,
        )
        self.budget_choice: BudgetChoice | None = None
        if draft is None and self.saved is None:
            self._offer_budgets()
        if draft is None and self.saved is not None:
            self._show_saved(self.saved)
        elif draft is None:
            self.screen.say_status(
                "Press Start when everyone has joined. Notes and times are kept as you go."
            )

    def _new_timer(self) -> MeetingTimer:
        plan = meeting_plan(self.form, self.meeting_number, self.shared_prep)
        return MeetingTimer(plan, total_seconds=meeting_total_seconds(self.form), clock=self.clock)

    def _offer_budgets(self) -> None:
        plan = meeting_plan(self.form, self.meeting_number, self.shared_prep)
        self.budget_choice = program_budget_choice(self.store, plan, self.meeting_number)
        if self.budget_choice is not None:
            self.screen.card_box.children = (
                *self.screen.card_box.children,
                self.budget_choice.widget,
            )

    def _accept_budgets(self, timer: MeetingTimer) -> None:
        if self.budget_choice is None or timer.started:
            return
        budgets = self.budget_choice.budgets()
        plan = with_budgets(meeting_plan(self.form, self.meeting_number, self.shared_prep), budgets)
        self.timer = MeetingTimer(
            plan, total_seconds=meeting_total_seconds(self.form), clock=self.clock
        )
        self.sections.timer = self.timer
        self.budget_choice.lock()

    def _restore_timer(self, saved_at: str, draft: MeetingDraft) -> MeetingTimer:
        try:
            timer = draft.restore_timer(self.clock)
        except (KeyError, TimerError) as exc:
            self.screen.say_status(
                f"The saved meeting clock could not be read ({exc}); notes restored."
            )
            return self._new_timer()
        self.screen.say_status(
            f"Restored the meeting in progress as it was at "
            f"{local_time(saved_at, '%H:%M:%S')}; the clock counts from when it started."
        )
        return timer

    def _locked(self) -> bool:
        return self.saved is not None or (self.timer.ended and not self._correcting)

    def close(self) -> None:
        """Close the parts' widgets, so this meeting's notes leave the page."""
        self.sections.close()
        self.guard.close()
        set_page_scope()

    def _lock_stale(self) -> None:
        # Notes stay open: the keystrokes typed as the other tab wrote are not dropped.
        self.sections.set_marks_disabled(True)
        self.refresh()

    # -- drafts -------------------------------------------------------------------------
    def _draft(self) -> MeetingDraft:
        sections = self.sections
        prompts = [pid for _sid, pid in sections.items("prompt")]
        return MeetingDraft(
            timer=self.timer.to_dict(),
            notes={pid: sections.notes(pid) for pid in prompts},
            asked={pid: sections.asked(pid) for pid in prompts},
            ticks={cid: sections.ticked_at(cid) for _sid, cid in sections.items("checkpoint")},
        )

    def _autosave(self) -> None:
        if self._loading or self._correcting:
            return
        if self.saved is not None and not self.timer.started:
            return  # an ended meeting shown read-only: nothing to draft
        try:
            stamp = self.guard.save(self._draft())
        except OSError as exc:
            self.screen.say_status(
                f"Could not keep your notes ({exc}). Keep this page open.", "error"
            )
            return
        if stamp is not None and self.timer.in_progress:
            self.screen.say_status(f"Kept as you type ({local_time(stamp, '%H:%M:%S')}).")

    # -- clock actions ------------------------------------------------------------------
    def _act(self, action: Callable[[MeetingTimer], None]) -> bool:
        self._on_act()
        if not self.guard.check():
            return False
        try:
            with self._lock:
                action(self.timer)
        except TimerError as exc:
            self.screen.say_action(f"{exc}.", "error")
            return False
        self.screen.say_action()
        self._autosave()
        self.refresh()
        return True

    def start(self) -> bool:
        self._accept_budgets(self.timer)
        return self._act(lambda t: t.start())

    def next(self) -> bool:
        return self._moved(self._act(lambda t: t.next()))

    def back(self) -> bool:
        return self._moved(self._act(lambda t: t.back()))

    def _moved(self, done: bool) -> bool:
        if done and self.timer.current is not None and self.timer.in_progress:
            self.screen.reveal_part(self.timer.current.id)
        return done

    def extend(self, seconds: int) -> bool:
        """More time for the part running now; the draft keeps it, End records it."""
        if not self._act(lambda t: t.extend(seconds)):
            return False
        current = self.timer.current
        assert current is not None
        self.screen.say_action(
            f"{current.title}: {seconds // 60} min added "
            f"({format_seconds(self.timer.extended_seconds())} in all).",
            "ok",
        )
        return True

    def end(self) -> bool:
        """Stop the clock and save every row; nothing is ended while a note cannot be saved."""
        if not self.guard.check():
            return False
        if not self.timer.ended:
            sections = self.sections
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
                self.screen.say_action(
                    f"Not ended yet: {counted(len(problems), 'note')} cannot be saved as they are "
                    "(marked in red). Fix them, then press End again; the clock keeps running.",
                    "error",
                )
                return False
            if not self._act(lambda t: t.end()):
                return False
        return self._submit()

    def _submit(self) -> bool:
        try:
            # Under the draft's lock: a stale tab cannot end, and no tab can draft
            # between the save and the draft's finished marker.
            with self.guard.finishing():
                submission = self.store.submit(
                    engagement_id=self.engagement.engagement_id,
                    form=MEETING_FORM,
                    meeting_number=self.meeting_number,
                    answers=meeting_answers(
                        self.form,
                        self.meeting_number,
                        instrument_version=self.instrument.version,
                        timer=self.timer,
                        notes=self.sections,
                    ),
                    instrument_version=self.instrument.version,
                )
        except StaleDraft:
            return False
        except (StoreError, ValueError) as exc:
            self.screen.say_action(
                f"The meeting has ended but is not saved yet: {exc} Every note is still kept "
                "on this machine; press End again to retry.",
                "error",
            )
            self.refresh()
            return False
        self.saved = submission
        self._show_saved(submission, just_ended=True)
        return True

    # -- display ------------------------------------------------------------------------
    def _debrief_link(self) -> str:
        """The next step once the meeting is saved, shown in the bar so it is always in view."""
        link = self.context.link(
            DEBRIEF_NOTEBOOK,
            engagement=self.engagement.engagement_id,
            meeting=self.meeting_number,
        )
        huddle = self.instrument.huddle_reminder
        return (
            f"{html.escape(fill_name(huddle.after_end, self.engagement.first_name))} "
            f"<a class='kit-action-debrief' href='{html.escape(link)}'>"
            f"{html.escape(huddle.debrief_link)} →</a>"
        )

    def refresh(self) -> None:
        """Redraw the clock, the agenda and the buttons from the timer's stored times."""
        if self.guard.stale is None and self.timer.in_progress and not self._loading:
            self.guard.check()  # about once a second while the clock runs
        timer = self.timer
        ended_saved = self.saved is not None and (timer.ended or not timer.started)
        ended = self.saved.values() if self.saved is not None and ended_saved else None
        after = self._debrief_link() if ended is not None else ""
        with self._lock:
            self.screen.clock_html.value = clock_html(timer, ended, after=after)
            self.screen.agenda_html.value = agenda_html(timer, ended)
        self.screen.start_button.disabled = ended_saved or not timer.can_start()
        self.screen.back_button.disabled = not timer.can_back()
        self.screen.next_button.disabled = not timer.can_next()
        for button in self.screen.extend_buttons.values():
            button.disabled = not timer.in_progress
        self.screen.end_button.disabled = ended_saved or not (
            timer.can_end() or (timer.ended and self.saved is None)
        )
        self.screen.end_button.description = (
            "Save the ended meeting" if timer.ended and self.saved is None else "End meeting"
        )
        self.screen.meeting_toggle.disabled = timer.in_progress
        if self.guard.stale is not None:
            screen = self.screen
            for button in (screen.start_button, screen.back_button, screen.next_button):
                button.disabled = True
            screen.end_button.disabled = screen.correct_button.disabled = True
            if timer.in_progress:
                screen.clock_html.value = elsewhere_clock_html()
            self._on_refresh(False)
            return
        if self.saved is None:
            current = timer.current.id if timer.current and timer.in_progress else None
            for planned in timer.running:
                sid = planned.id
                show = sid == current or (timer.ended and timer.visited(sid))
                if show or sid in self.sections.blocks:
                    self.sections.show(sid, show)
            self.sections.set_disabled(timer.ended)
        self._on_refresh(timer.in_progress)
