"""Move the coach's eyes and keyboard to what needs them: the first answer to fix, the
summary that just opened.

The kernel cannot scroll a browser page, and a message 3,000 px below the field it is
about goes unseen. This invisible widget carries a few lines of JavaScript (anywidget:
no build step) that scroll an element into view and focus its control when the app
asks, waiting briefly for the element to be drawn (the app may ask in the same turn
that creates it).
"""

from __future__ import annotations

import anywidget
import ipywidgets as w

__all__ = ["PageFocus"]

_ESM = """
const CONTROLS = "input, textarea, select, button, a[href], [tabindex]";

function findAndFocus(selector, tries) {
  const target = document.querySelector(selector);
  if (!target) {
    if (tries > 0) setTimeout(() => findAndFocus(selector, tries - 1), 50);
    return;
  }
  const control = target.matches(CONTROLS) ? target : target.querySelector(CONTROLS);
  const focusable = control || target;
  if (!control && !target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  focusable.scrollIntoView({ block: "center" });
  focusable.focus({ preventScroll: true });
}

function render({ model, el }) {
  el.style.display = "none";
  model.on("msg:custom", (msg) => findAndFocus(msg.selector, 60));
}
export default { render };
"""


class PageFocus(anywidget.AnyWidget):
    """Include once in an app; :meth:`show` brings an element into view and focuses it."""

    _esm = _ESM

    def __init__(self) -> None:
        super().__init__(layout=w.Layout(display="none"))
        self.add_class("kit-page-focus")

    def show(self, selector: str) -> None:
        """Scroll the first element matching the CSS ``selector`` into view and focus it
        (its first control, if it holds one)."""
        self.send({"selector": selector})
