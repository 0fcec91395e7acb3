"""The notice a tab shows when another tab or window took over its draft.

Two tabs on one form must not overwrite each other
(:class:`~widgets.store.drafts.DraftWriter`). The tab whose save was refused says so
at the top of the page, full width, where the coach is looking rather than in a
status line under the fold; its text stays on screen, open to typing (a keystroke made
as the other tab wrote is never dropped), and one button lets the coach carry on in
this tab with all of it.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import ipywidgets as w

from widgets.store.drafts import DraftWriter, StaleDraft

__all__ = ["DraftClaim", "TakeOverNotice"]


class DraftClaim:
    """A page's claim on one draft: saves until another tab writes, then :meth:`went_stale`.

    Subclasses set ``writer`` and say what the page does when it goes stale.
    """

    writer: DraftWriter | None = None
    stale: StaleDraft | None = None

    def went_stale(self, problem: StaleDraft) -> None:
        raise NotImplementedError

    def _save(self, data: dict[str, Any]) -> str | None:
        """Save, or (another tab wrote) go stale and return ``None``."""
        if self.writer is None or self.stale is not None:
            return None
        try:
            return self.writer.save(data)
        except StaleDraft as problem:
            self.went_stale(problem)
            return None

    @contextmanager
    def _finishing(self, writer: DraftWriter) -> Iterator[None]:
        """Around the final save: refused if stale; afterwards the draft is finished."""
        try:
            with writer.finishing():
                yield
        except StaleDraft as problem:
            self.went_stale(problem)
            raise


class TakeOverNotice:
    """Hidden until :meth:`show`; ``widget`` goes first in the app's page."""

    def __init__(self) -> None:
        self.message = w.HTML()
        self.button = w.Button(description="Take over here", button_style="warning")
        self.button.add_class("kit-action-take-over")
        self.button.on_click(lambda _b: self._pressed())
        self.widget = w.VBox([self.message, self.button], layout=w.Layout(display="none"))
        self.widget.add_class("kit-stale-notice")
        self._on_press: Callable[[], None] | None = None

    @property
    def shown(self) -> bool:
        return self.widget.layout.display != "none"

    def show(self, text: str, *, button: str, on_press: Callable[[], None]) -> None:
        self.message.value = (
            f"<div class='kit-notice kit-notice-error' role='alert'>{html.escape(text)}</div>"
        )
        self.button.description = button
        self._on_press = on_press
        self.widget.layout.display = ""

    def hide(self) -> None:
        self.widget.layout.display = "none"
        self.message.value = ""
        self._on_press = None

    def _pressed(self) -> None:
        if self._on_press is not None:
            self._on_press()
