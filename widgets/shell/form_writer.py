"""One writer per form draft, for the pages with a form and a Submit (prep, debrief).

Two tabs on one form used to overwrite each other's draft on every keystroke. Each
page now writes through a :class:`~widgets.store.drafts.DraftWriter`; when another tab
has written since, the save is refused and this page turns read-only (its text stays
on screen), says so at the top of the page and offers "Take over here", which saves
this page's text as the draft and makes the other tab stop saving in turn. Submit is
refused from a stale page, and after a submission the draft is marked finished, so a
stale page can never reopen a submitted form as a draft in progress.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from widgets.clock import local_time
from widgets.errors import StoreError
from widgets.shell.takeover import DraftClaim, TakeOverNotice
from widgets.store.drafts import DraftStore, DraftWriter, StaleDraft

__all__ = ["FormWriter", "not_saved_text", "saved_text"]


def saved_text(recorded_at: str | None, *, earlier: bool) -> str:
    """What Submit says once the store answered: saved (at ``recorded_at``) or unchanged."""
    if recorded_at is None:
        return "Nothing changed since the last save, so nothing new was saved."
    when = local_time(recorded_at)
    if earlier:
        return f"Saved your changes on {when}; the earlier answers stay in the history."
    return f"Saved on {when}."


def not_saved_text(problem: StoreError) -> str:
    """What Submit says when the store refused: a stale page, or the files."""
    if isinstance(problem, StaleDraft):
        return f"Not saved: {problem}"
    return f"Not saved: {problem} Your answers are still here."


class FormWriter(DraftClaim):
    """A form page's claim on its draft; ``notice.widget`` goes first on the page.

    ``lock(True)`` holds what must wait while another tab writes (Submit), ``lock(False)``
    releases it;
    ``current()`` is what the page shows (saved when it takes over); ``say`` writes
    the page's status line.
    """

    def __init__(
        self,
        drafts: DraftStore,
        *,
        lock: Callable[[bool], None],
        current: Callable[[], dict[str, Any]],
        say: Callable[[str, str], None],
    ) -> None:
        self.drafts = drafts
        self.writer: DraftWriter | None = None
        self.stale: StaleDraft | None = None
        self.notice = TakeOverNotice()
        self._lock = lock
        self._current = current
        self._say = say

    def open(self, engagement_id: str, key: str) -> tuple[str, dict[str, Any]] | None:
        """Become the page's writer of this draft; its content if one is in progress."""
        self.notice.hide()
        self.stale = None
        self.writer = self.drafts.writer(engagement_id, key)
        found = self.writer.open()
        return None if found is None or found.data is None else (found.saved_at, found.data)

    def restore(self, draft_at: str | None, saved_at: str) -> str:
        """Which answers the page shows, ``"draft"``, ``"saved"`` or ``""``, said on its status.

        ``draft_at`` is when the draft in progress was kept (``None``: none), ``saved_at``
        when the answers were last saved (``""``: never); the newer one is shown.
        """
        if draft_at is not None and (not saved_at or draft_at > saved_at):
            self._say(
                f"Restored what was typed here on {local_time(draft_at)}: not "
                "submitted yet. Submit when ready.",
                "",
            )
            return "draft"
        if saved_at:
            self._say(
                f"Showing what was saved on {local_time(saved_at)}. Change anything "
                "and submit again; the earlier answers stay in the history.",
                "ok",
            )
            return "saved"
        self._say("Nothing saved yet. What you type is kept as you go.", "")
        return ""

    def keep(self, data: dict[str, Any]) -> None:
        """Save the draft as the page changes and say so (or why not) on its status."""
        try:
            stamp = self.save(data)
        except OSError as exc:
            self._say(f"Could not keep what was typed ({exc}). Keep this page open.", "error")
            return
        if stamp is not None:
            self._say(f"Kept as you type ({local_time(stamp)}). Not submitted yet.", "")

    def save(self, data: dict[str, Any]) -> str | None:
        """Save the draft; ``None`` when this page may not (another tab wrote)."""
        return self._save(data)

    @contextmanager
    def finishing(self) -> Iterator[None]:
        """Around Submit: refused (StaleDraft) from a stale page; then marks it finished."""
        if self.writer is None:
            yield
            return
        if self.stale is not None:
            raise self.stale
        with self._finishing(self.writer):
            yield

    def went_stale(self, problem: StaleDraft) -> None:
        self.stale = problem
        self._lock(True)
        self.notice.show(str(problem), button="Take over here", on_press=self.take_over)
        self._say("Not saving: this form is open in another tab or window.", "error")

    def take_over(self) -> None:
        """Carry on here: this page's text becomes the draft; the other tab stops saving."""
        if self.writer is None or self.stale is None:
            return
        self.writer.take_over()
        self.stale = None
        self.notice.hide()
        self._lock(False)
        stamp = self.save(self._current())
        if stamp is not None:
            self._say("You took over here: what this tab shows is now the draft.", "ok")
