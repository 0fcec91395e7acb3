"""The notice a tab shows when another tab or window took over its draft.

Two tabs on one form must not overwrite each other
(:class:`~widgets.store.drafts.DraftWriter`). The tab whose save was refused says so
at the top of the page, full width, where the coach is looking rather than in a
status line under the fold; its text stays on screen (read-only) and one button lets
the coach carry on in this tab instead.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as w

__all__ = ["TakeOverNotice"]


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
