"""One meeting, one writer: what a meeting tab does when another tab wrote its draft.

A coach may have the meeting open twice (the laptop and the room's screen, or a tab
left open). Each tab's :class:`~widgets.store.drafts.DraftWriter` refuses a save once
another tab has written, so the tabs never overwrite each other; this module is what
the refused tab then shows and does: it stops saving and locks its clock and ticks (its
notes stay on screen and open to typing), says why at the top of the page, and offers
"Take over here" (which keeps everything typed here), or, when the meeting was
ended elsewhere, "Show the saved meeting". An ended meeting is never reopened as in
progress: the draft it leaves behind is marked finished.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from widgets.apps.meeting.drafts import MeetingDraft, meeting_draft_key, merge_drafts
from widgets.apps.meeting.screen import MeetingScreen
from widgets.shell.takeover import DraftClaim, TakeOverNotice
from widgets.store.drafts import Draft, DraftStore, DraftWriter, StaleDraft

__all__ = ["TabGuard"]


class TabGuard(DraftClaim):
    """This tab's claim on one meeting's draft, with its notice first on the page.

    ``on_stale`` locks the session's screen; ``reopen`` rebuilds it from the files
    (after a take-over, or to show a meeting ended in another tab).
    """

    def __init__(
        self,
        screen: MeetingScreen,
        drafts: DraftStore,
        engagement_id: str,
        meeting_number: int,
        *,
        on_stale: Callable[[], None],
        reopen: Callable[[], None],
    ) -> None:
        self.screen = screen
        self.writer: DraftWriter = drafts.writer(engagement_id, meeting_draft_key(meeting_number))
        self.stale: StaleDraft | None = None
        self._on_stale = on_stale
        self._reopen = reopen
        self._mine: Callable[[], MeetingDraft] | None = None
        self.notice = TakeOverNotice()
        screen.widget.children = (self.notice.widget, *screen.widget.children)

    def open(self) -> tuple[str, dict] | None:
        """The draft of a meeting in progress, as ``(saved_at, data)``, if there is one.

        A finished draft (the meeting was ended) is none: it is never brought back.
        """
        found = self.writer.open()
        return None if found is None or found.data is None else (found.saved_at, found.data)

    def save(self, draft: MeetingDraft) -> str | None:
        """Save, or (another tab wrote) lock this tab and return ``None``."""
        return self._save(draft.to_data())

    def check(self) -> bool:
        """Whether this tab may still write; notices another tab's write (on a tick)."""
        if self.stale is not None:
            return False
        problem = self.writer.stale()
        if problem is not None:
            self.went_stale(problem)
        return problem is None

    @contextmanager
    def finishing(self) -> Iterator[None]:
        """Around End's save: refused if stale; afterwards the draft is marked finished."""
        with self._finishing(self.writer):
            yield

    def went_stale(self, problem: StaleDraft) -> None:
        """Stop saving, lock the clock and ticks (notes stay open) and say why on top."""
        self.stale = problem
        ended = problem.current is not None and problem.current.finished
        text = str(problem)
        if ended:
            text = (
                f"{problem.what} Nothing more is saved from this tab. What you typed here "
                "stays on screen until you press the button: copy what you still need, "
                "then use Correct notes on the saved meeting."
            )
        self.notice.show(
            text,
            button="Show the saved meeting" if ended else "Take over here",
            on_press=self.take_over,
        )
        self.screen.say_status("Not saving: this meeting is open in another tab.", "error")
        self._on_stale()

    def keep_mine(self, mine: Callable[[], MeetingDraft]) -> None:
        """How to read this tab's notes when it takes over (the session's draft)."""
        self._mine = mine

    def take_over(self) -> None:
        """Carry on in this tab: its notes kept, the clock as the other tab left it."""
        if self.stale is None:
            return
        mine = self._mine() if self._mine is not None else None
        current: Draft | None = self.writer.take_over()
        self.stale = None
        self.notice.hide()
        self.screen.say_action()
        if mine is not None and current is not None and current.data is not None:
            merged = merge_drafts(MeetingDraft.from_data(current.data), mine)
            try:
                self.writer.save(merged.to_data())
            except StaleDraft as problem:  # a third tab wrote in this very moment
                self._reopen()
                self.went_stale(problem)
                return
        self._reopen()

    def close(self) -> None:
        self.screen.widget.children = tuple(
            c for c in self.screen.widget.children if c is not self.notice.widget
        )
        self.notice.widget.close()
