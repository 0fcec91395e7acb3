"""The meeting's widgets for one item each: a prompt to put to the manager, a checkpoint.

Both are thin wrappers round the generated field (:func:`widgets.forms.fields.make_field`)
that add what only the live meeting needs: an "asked" marker and a tip on demand for a
prompt, the moment of the tick for a checkpoint. They hold no store or draft logic; the
app listens to them.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from widgets.clock import local_time
from widgets.forms.fields import Field, hook_class, make_field
from widgets.instrument.items import Item
from widgets.instrument.rules import MEETING_FORM, fill_name

__all__ = ["CheckpointView", "PromptView", "close_tree", "notice"]


def notice(text: str, kind: str = "") -> str:
    """A boxed message; ``kind`` "error" is announced at once, anything else politely."""
    cls = f"kit-notice kit-notice-{kind}" if kind else "kit-notice"
    role = " role='alert'" if kind == "error" else " role='status'"
    return f"<div class='{cls}'{role}>{html.escape(text)}</div>"


def close_tree(widget: w.Widget) -> None:
    """Close a widget and everything inside it, so its state leaves the page entirely."""
    for child in getattr(widget, "children", ()):
        close_tree(child)
    widget.close()


def _tip_toggle(item: Item, name: str) -> tuple[w.ToggleButton, w.HTML]:
    """A small "Tip" button and the coach's tip it shows: quiet until asked for."""
    button = w.ToggleButton(value=False, description="Tip", tooltip="Show or hide the coach tip")
    button.add_class(f"kit-meeting-{item.id}-tip-toggle")
    button.add_class("kit-tip-toggle")
    text = fill_name(item.tip, name)
    tip = w.HTML(
        f"<div class='kit-tip'>Tip: {html.escape(text)}</div>", layout=w.Layout(display="none")
    )
    tip.add_class(f"kit-meeting-{item.id}-tip")

    def toggle(change: dict[str, Any]) -> None:
        tip.layout.display = "" if change["new"] else "none"

    button.observe(toggle, names="value")
    return button, tip


class PromptView:
    """One prompt: the question with the name filled in, notes, asked marker, tip on demand."""

    def __init__(self, item: Item, *, name: str, earlier_html: str = ""):
        self.item = item
        self.field: Field = make_field(item, form_id=MEETING_FORM, name=name, show_tip=False)
        self.asked = w.Checkbox(value=False, description="Asked", indent=False)
        self.asked.add_class(hook_class(MEETING_FORM, f"{item.id}_asked"))
        self.tip_button, self.tip = _tip_toggle(item, name)
        self.field.input.observe(self._typed, names="value")
        controls = w.HBox([self.asked, self.tip_button])
        controls.add_class("kit-prompt-controls")
        main = w.VBox([self.field.box, controls, self.tip])
        main.add_class("kit-prompt-main")
        parts: list[w.Widget] = [main]
        if earlier_html:
            earlier = w.HTML(earlier_html)
            earlier.add_class("kit-earlier")
            earlier.add_class(f"kit-meeting-{item.id}-earlier")
            parts.append(earlier)
        self.box = w.HBox(parts)
        self.box.add_class("kit-prompt")

    def _typed(self, change: dict[str, Any]) -> None:
        # Notes only appear once the question was put: mark it asked the moment notes
        # start; the coach can still untick it.
        if not str(change["old"]).strip() and str(change["new"]).strip():
            self.asked.value = True

    def notes(self) -> str:
        return self.field.value()

    def set_state(self, notes: str, asked: bool) -> None:
        self.field.set_value(notes)
        self.asked.value = asked

    def set_disabled(self, disabled: bool) -> None:
        self.field.set_disabled(disabled)
        self.asked.disabled = disabled


class CheckpointView:
    """A tick box whose tick records the time; unticking clears it."""

    def __init__(self, item: Item, *, name: str, clock: Callable[[], str]):
        self.item = item
        self._clock = clock
        self._restoring = False
        self.ticked_at = ""
        # The tip is for the coach: behind a toggle, like a prompt's.
        self.field: Field = make_field(item, form_id=MEETING_FORM, name=name, show_tip=False)
        self.when = w.HTML()
        self.when.add_class(f"kit-meeting-{item.id}-time")
        extras: list[w.Widget] = [self.when]
        if item.tip:
            button, tip = _tip_toggle(item, name)
            extras = [w.HBox([self.when, button]), tip]
            extras[0].add_class("kit-checkpoint-controls")
        self.field.box.children = (*self.field.box.children, *extras)
        # A listener of the field, not of its input: the field's listeners run in turn,
        # so the tick's time is set before the draft (listening after it) is saved.
        self.field.on_change(self._ticked)
        self.box = self.field.box
        self.box.add_class("kit-checkpoint")

    def _ticked(self) -> None:
        if self._restoring:
            return
        self.ticked_at = self._clock() if self.field.input.value else ""
        self._show_time()

    def _show_time(self) -> None:
        self.when.value = (
            f"<span class='kit-tick-time'>ticked at {local_time(self.ticked_at, '%H:%M:%S')}</span>"
            if self.ticked_at
            else ""
        )

    def set_ticked_at(self, stamp: str) -> None:
        self._restoring = True
        try:
            self.ticked_at = stamp
            self.field.set_value("yes" if stamp else "no")
        finally:
            self._restoring = False
        self._show_time()

    def set_disabled(self, disabled: bool) -> None:
        self.field.set_disabled(disabled)
