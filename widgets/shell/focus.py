"""Move the coach's eyes and keyboard to what needs them: the first answer to fix, the
summary that just opened, the top of the meeting part that just began.

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

// Bring an element's top into view just below whatever stays stuck at the top of the
// page (the meeting's bar), without taking the keyboard from the button just pressed.
// Nothing moves when its top is already in the upper half of the view.
function reveal(selector, below, tries) {
  const target = document.querySelector(selector);
  if (!target || target.getClientRects().length === 0) {
    if (tries > 0) setTimeout(() => reveal(selector, below, tries - 1), 50);
    return;
  }
  const stuck = below ? document.querySelector(below) : null;
  const offset = stuck ? stuck.getBoundingClientRect().bottom + 8 : 8;
  const top = target.getBoundingClientRect().top;
  if (top >= offset && top <= offset + (window.innerHeight - offset) / 2) return;
  target.style.scrollMarginTop = `${offset}px`;
  target.scrollIntoView({ block: "start" });
}

function render({ model, el }) {
  el.style.display = "none";
  model.on("msg:custom", (msg) => {
    if (msg.reveal) reveal(msg.selector, msg.below, 60);
    else findAndFocus(msg.selector, 60);
  });
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

    def reveal(self, selector: str, *, below: str = "") -> None:
        """Scroll so the top of the element matching ``selector`` shows just under the
        element matching ``below`` (a bar stuck to the top), leaving focus where it is."""
        self.send({"selector": selector, "reveal": True, "below": below})
