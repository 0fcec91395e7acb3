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

from widgets.shell.takeover import TakeOverNotice
from widgets.store.drafts import DraftStore, DraftWriter, StaleDraft

__all__ = ["FormWriter"]


class FormWriter:
    """A form page's claim on its draft; ``notice.widget`` goes first on the page.

    ``lock(True)`` makes the page read-only, ``lock(False)`` editable again;
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

    def save(self, data: dict[str, Any]) -> str | None:
        """Save the draft; ``None`` when this page may not (another tab wrote)."""
        if self.writer is None or self.stale is not None:
            return None
        try:
            return self.writer.save(data)
        except StaleDraft as problem:
            self.went_stale(problem)
            return None

    @contextmanager
    def finishing(self) -> Iterator[None]:
        """Around Submit: refused (StaleDraft) from a stale page; then marks it finished."""
        if self.writer is None:
            yield
            return
        if self.stale is not None:
            raise self.stale
        try:
            with self.writer.finishing():
                yield
        except StaleDraft as problem:
            self.went_stale(problem)
            raise

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
