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

This module is the page: which engagement and which meeting are open, and the
browser's tick. The open meeting itself (clock actions, drafts, End through the store,
the read-only view of an ended meeting and its corrections) is a
:class:`~widgets.apps.meeting.session.MeetingSession`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import ipywidgets as w

from widgets.apps.meeting.card import SharedPrep
from widgets.apps.meeting.cue import PartCue
from widgets.apps.meeting.screen import MeetingScreen
from widgets.apps.meeting.session import MeetingSession
from widgets.apps.meeting.timer import MeetingTimer
from widgets.apps.meeting.views import CheckpointView, PromptView, close_tree
from widgets.clock import utc_now
from widgets.ids import InvalidEngagementId
from widgets.instrument.instrument import Instrument
from widgets.instrument.yaml_loading import load_instrument
from widgets.shell.context import app_context
from widgets.shell.page import app_page_of
from widgets.shell.picker import EngagementPicker, meeting_from_link
from widgets.shell.ticker import Ticker, in_kernel
from widgets.store.drafts import DraftStore
from widgets.store.records import Submission
from widgets.store.registry import Engagement, EngagementRegistry, UnknownEngagement
from widgets.store.responses import ResponseStore

__all__ = ["MeetingApp", "build_meeting_app"]

Clock = Callable[[], datetime]

# How long the kernel keeps nudging a browser clock that has not ticked (a reloaded
# page whose Play widget was created before its view existed). Bounded, so a closed
# tab stops producing traffic and the kernel can still be culled as idle.
_KICK_AFTER_SECONDS = 3.0
_MAX_KICKS = 15


class MeetingApp(MeetingScreen):
    """Build with :func:`build_meeting_app`; ``widget`` is what the notebook displays.

    ``clock`` gives every time the meeting records (tests pass a fake one). The open
    meeting's state and actions are the session's; the names below pass them on, so
    a test (or a trainer's script) drives the page as a coach would.
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
        self.clock = clock
        self.registry = EngagementRegistry(self.root)
        self.store = ResponseStore(self.root)
        self.drafts = DraftStore(self.root)
        self.engagement: Engagement | None = None
        self.meeting_number = 1
        self.session: MeetingSession | None = None
        self.picker: EngagementPicker | None = None
        self._loading = False
        self._lock = threading.RLock()
        self._last_browser_tick = time.monotonic()
        self._kicks = 0
        self._cue = PartCue()
        self._kicker = Ticker(self._kick_stalled_play, interval=1.0, name="meeting-clock")
        super().__init__(self.context, self.instrument.form("meeting").intro)
        for button, action in (
            (self.start_button, self.start),
            (self.back_button, self.back),
            (self.next_button, self.next),
            (self.end_button, self.ask_to_end),
            (self.confirm_end_button, self.confirm_end),
            (self.keep_going_button, self.keep_going),
            (self.correct_button, self.begin_corrections),
            (self.save_corrections_button, self.save_corrections),
        ):
            button.on_click(lambda _b, action=action: action())
        for seconds, button in self.extend_buttons.items():
            button.on_click(lambda _b, seconds=seconds: self.extend(seconds))
        self.play.observe(self._browser_tick, names="value")
        self.meeting_toggle.observe(self._meeting_changed, names="value")
        self._apply_params(self.context.params)

    # -- the open meeting ---------------------------------------------------------------
    @property
    def timer(self) -> MeetingTimer | None:
        return self.session.timer if self.session else None

    @property
    def saved(self) -> Submission | None:
        return self.session.saved if self.session else None

    @property
    def shared_prep(self) -> SharedPrep | None:
        return self.session.shared_prep if self.session else None

    @property
    def prompts(self) -> dict[str, PromptView]:
        return self.session.sections.prompts if self.session else {}

    @property
    def checkpoints(self) -> dict[str, CheckpointView]:
        return self.session.sections.checkpoints if self.session else {}

    @property
    def blocks(self) -> dict[str, w.VBox]:
        return self.session.sections.blocks if self.session else {}

    def _open_session(self) -> MeetingSession:
        if self.session is None:
            raise LookupError("no meeting is open: choose an engagement first")
        return self.session

    def prompt(self, item_id: str) -> PromptView:
        """The prompt's view, built with its part if that part has not been shown yet."""
        return self._open_session().sections.prompt(item_id)

    def checkpoint(self, item_id: str) -> CheckpointView:
        return self._open_session().sections.checkpoint(item_id)

    def section_block(self, section_id: str) -> w.VBox:
        """One agenda part's widgets, made on first use and filled from pending values."""
        return self._open_session().sections.block(section_id)

    def start(self) -> bool:
        return self.session.start() if self.session else False

    def next(self) -> bool:
        return self.session.next() if self.session else False

    def back(self) -> bool:
        return self.session.back() if self.session else False

    def extend(self, seconds: int) -> bool:
        """Give the part running now more time ("+1 min", "+5 min"), kept in the draft."""
        return self.session.extend(seconds) if self.session else False

    def end(self) -> bool:
        """Stop the clock and save every row; nothing is ended while a note cannot be saved."""
        self.ask_to_end(False)
        return self.session.end() if self.session else False

    def ask_to_end(self, asking: bool = True) -> None:
        """End's first click: ask to confirm, since an ended meeting cannot be resumed.

        A meeting already ended whose save failed is saved at once: there is nothing
        left to lose by pressing again.
        """
        timer = self.timer
        if asking and timer is not None and timer.ended:
            self.end()
            return
        MeetingScreen.ask_to_end(self, asking)

    def confirm_end(self) -> bool:
        """End, then put the keyboard on the next step (the debrief link), not the page."""
        ended = self.end()
        if ended:
            self.focus.show("a.kit-action-debrief")
        return ended

    def keep_going(self) -> None:
        """Back to the meeting, the keyboard on End where it was."""
        self.ask_to_end(False)
        self.focus.show(".kit-action-end")

    def begin_corrections(self) -> None:
        """Let the coach fix notes after the meeting; times and ticks stay as recorded."""
        if self.session:
            self.session.begin_corrections()

    def save_corrections(self) -> bool:
        """Save the corrected notes as the next revision of the same meeting."""
        return self.session.save_corrections() if self.session else False

    def refresh(self) -> None:
        """Redraw the clock, the agenda and the buttons from the timer's stored times."""
        if self.session:
            self.session.refresh()

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
        change = self.show_engagement(engagement.first_name, meeting_number)
        change.on_click(lambda _b: self.show_picker())
        self.session = MeetingSession(
            self,
            context=self.context,
            instrument=self.instrument,
            store=self.store,
            drafts=self.drafts,
            engagement=engagement,
            meeting_number=meeting_number,
            clock=self.clock,
            lock=self._lock,
            on_act=self._clock_acted,
            on_refresh=self._refreshed,
        )
        self.refresh()  # the first redraw ran before the session was the page's: again

    def _clear_meeting(self) -> None:
        """Close everything of the engagement shown before (its notes leave the page)."""
        self.play.playing = False
        if self.session is not None:
            self.session.close()
        for child in self.chooser.children:
            if self.picker is None or child is not self.picker.widget:
                close_tree(child)
        self.session, self.engagement = None, None
        self.clear()

    # -- the browser's tick -------------------------------------------------------------
    def _browser_tick(self, _change: object = None) -> None:
        self._last_browser_tick = time.monotonic()
        self._kicks = 0
        self.refresh()

    def tick(self) -> None:
        """What one tick of the browser's clock does: redraw from stored times."""
        self._browser_tick()

    def _clock_acted(self) -> None:
        self._kicks = 0  # the coach is here: nudge a stalled browser clock afresh

    def _refreshed(self, running: bool) -> None:
        timer = self.timer
        if timer is not None:
            ended = timer.ended or self.saved is not None
            # A tab that lost the meeting to another stops ticking (``running`` off) but
            # keeps the running layout: its notes stay in view while the coach types.
            in_progress = running or timer.in_progress
            self.set_phase("running" if in_progress else ("ended" if ended else "waiting"))
            cue = self._cue.update(timer, sound=self.sound.value)
            if cue is not None:
                self.cue_html.value = cue
        self._keep_ticking(running)

    def _keep_ticking(self, running: bool) -> None:
        if self.play.playing != running:
            self.play.playing = running
        if running and in_kernel():
            self._kicker.start()

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
    return app_page_of(MeetingApp, params=params, root=root)
