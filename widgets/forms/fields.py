"""Widget kind -> field: how instrument items become inputs on screen.

Which kind of input an item type gets is the item-type table's business
(:mod:`widgets.instrument.item_types`, column ``widget``); this module only knows how to
build each kind (``WIDGET_FACTORIES``), and a test fails when the table names a kind
that has no factory here. Each field owns its label, input, counter and message, and
converts between the widget's value and the text stored in the CSV with the type's
encoding from the same table, so forms never special-case a type.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date
from typing import Any

import ipywidgets as w

from widgets.forms.validation import length_label, text_problem
from widgets.instrument.item_types import ItemType, item_type
from widgets.instrument.items import Item
from widgets.instrument.stored_values import YES_NO

__all__ = [
    "WIDGET_FACTORIES",
    "ChoiceField",
    "DateField",
    "Field",
    "ScaleField",
    "SeveralField",
    "TextAreaField",
    "TextField",
    "TickField",
    "hook_class",
    "make_field",
]

Listener = Callable[[], None]


def hook_class(form_id: str, item_id: str) -> str:
    """CSS class that browser automation uses to find an item's input."""
    return f"kit-{form_id}-{item_id}"


class Field:
    """Base for one item on screen. Subclasses build ``self.input`` and convert values."""

    def __init__(self, item: Item, *, form_id: str, name: str, show_tip: bool = True):
        self.item = item
        self.kind: ItemType = item_type(item.type)
        self.form_id = form_id
        self.label = item.text(name)
        self.input = self._build()
        self.input.add_class(hook_class(form_id, item.id))
        self.message = w.HTML(layout=w.Layout(display="none"))
        self.message.add_class("kit-message")
        self.message.add_class(f"kit-message-{form_id}-{item.id}")
        parts: list[w.Widget] = []
        if self._needs_heading():
            heading = w.HTML(f"<div class='kit-question'>{self._label_html()}</div>")
            parts.append(heading)
        parts.append(self.input)
        if show_tip and item.tip:
            tip_text = item.tip.replace("{name}", name or "the coachee")
            tip = w.HTML(f"<div class='kit-tip'>Tip: {html.escape(tip_text)}</div>")
            parts.append(tip)
        parts.extend(self._extras())
        parts.append(self.message)
        self.box = w.VBox(parts)
        self.box.add_class("kit-field")
        self.box.add_class(f"kit-field-{item.type}")
        self._listeners: list[Listener] = []
        self._watch(self._changed)

    # -- to override -----------------------------------------------------------------
    def _build(self) -> w.Widget:
        raise NotImplementedError

    def _needs_heading(self) -> bool:
        """True when the input cannot carry its own <label> (groups of boxes)."""
        return False

    def _extras(self) -> list[w.Widget]:
        return []

    def _watch(self, callback: Callable[[Any], None]) -> None:
        self.input.observe(callback, names="value")

    def value(self) -> str:
        raise NotImplementedError

    def set_value(self, value: str) -> None:
        raise NotImplementedError

    # -- shared behaviour ------------------------------------------------------------
    def _label_html(self) -> str:
        star = " <span class='kit-required' title='required'>*</span>" if self.item.required else ""
        return html.escape(self.label) + star

    def _changed(self, _change: Any = None) -> None:
        # A message about a previous value is stale once the coach edits: re-check now so
        # the message disappears as soon as the answer becomes valid.
        if self.message.layout.display != "none":
            self.show_problem(self.problem())
        for listener in self._listeners:
            listener()

    def on_change(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def problem(self) -> str | None:
        """What must change before this answer can be saved, or ``None``."""
        value = self.value()
        if self.item.required and not value:
            return "This answer is required."
        # Widgets only offer valid answers; this guards a value set from a stale draft.
        wrong = self.item.problem(value)
        return f"This answer cannot be saved: {wrong}." if wrong else None

    def show_problem(self, message: str | None) -> None:
        if message:
            self.message.value = f"<span role='alert'>{html.escape(message)}</span>"
            self.message.layout.display = ""
            self.box.add_class("kit-invalid")
        else:
            self.message.value = ""
            self.message.layout.display = "none"
            self.box.remove_class("kit-invalid")

    def set_disabled(self, disabled: bool) -> None:
        if hasattr(self.input, "disabled"):
            self.input.disabled = disabled


class TextField(Field):
    """One line of text: a visible counter, nothing cut silently."""

    multiline = False

    def _build(self) -> w.Widget:
        long = self.multiline
        cls = w.Textarea if long else w.Text
        widget = cls(
            description=self.label + (" *" if self.item.required else ""),
            placeholder=self.item.placeholder,
            continuous_update=True,
            style={"description_width": "initial"},
            layout=w.Layout(width="100%"),
        )
        if long:
            widget.rows = 3
        widget.add_class("kit-stack")
        return widget

    def _extras(self) -> list[w.Widget]:
        self.counter = w.HTML(self._counter_html(""))
        self.counter.add_class("kit-counter")
        return [self.counter]

    def _counter_html(self, text: str) -> str:
        limit = self.item.max_length
        over = limit is not None and len(text) > limit
        # "near" lets a page show its counters only when they matter (the live meeting).
        near = limit is not None and len(text) >= 0.9 * limit
        cls = (
            "kit-count kit-count-over"
            if over
            else ("kit-count kit-count-near" if near else "kit-count")
        )
        return f"<span class='{cls}'>{length_label(text, self.item.max_length)}</span>"

    def _changed(self, _change: Any = None) -> None:
        self.counter.value = self._counter_html(self.input.value)
        over = self.item.max_length is not None and len(self.input.value) > self.item.max_length
        if over:
            self.show_problem(self.problem())
        super()._changed(_change)

    def value(self) -> str:
        return self.kind.storage.encode(self.input.value)

    def set_value(self, value: str) -> None:
        self.input.value = value

    def problem(self) -> str | None:
        return text_problem(
            self.input.value, max_length=self.item.max_length, required=self.item.required
        )


class TextAreaField(TextField):
    """Long text and meeting notes: a few rows high, same counter and checks."""

    multiline = True


class ChoiceField(Field):
    """One of a few options (also yes/no): radio buttons, nothing chosen until chosen."""

    def _build(self) -> w.Widget:
        options = [(c.label, c.value) for c in self.item.options()]
        widget = w.RadioButtons(
            options=options,
            value=None,
            description=self.label + (" *" if self.item.required else ""),
            style={"description_width": "initial"},
            layout=w.Layout(width="auto"),
        )
        widget.add_class("kit-stack")
        return widget

    def value(self) -> str:
        return "" if self.input.value is None else str(self.input.value)

    def set_value(self, value: str) -> None:
        allowed = [v for _label, v in self.input.options]
        self.input.value = value if value in allowed else None


class ScaleField(Field):
    """A 1-to-N scale as a row of buttons, with the end labels spelled out."""

    def _needs_heading(self) -> bool:
        return True

    def _build(self) -> w.Widget:
        low, high = self.item.scale_min or 1, self.item.scale_max or 5
        labels = self.item.scale_labels
        options = [(str(n), str(n)) for n in range(low, high + 1)]
        tooltips = [labels.get(n, str(n)) for n in range(low, high + 1)]
        return w.ToggleButtons(options=options, value=None, tooltips=tooltips)

    def _extras(self) -> list[w.Widget]:
        labels = self.item.scale_labels
        low, high = self.item.scale_min or 1, self.item.scale_max or 5
        ends = f"{low} = {labels.get(low, '')} · {high} = {labels.get(high, '')}"
        return [w.HTML(f"<div class='kit-tip'>{html.escape(ends)}</div>")]

    def value(self) -> str:
        return "" if self.input.value is None else str(self.input.value)

    def set_value(self, value: str) -> None:
        allowed = [v for _label, v in self.input.options]
        self.input.value = value if value in allowed else None


class SeveralField(Field):
    """Several of a list: one tick box per choice (a multi-select list hides choices)."""

    def _needs_heading(self) -> bool:
        return True

    def _build(self) -> w.Widget:
        self.boxes = {}
        for choice in self.item.choices:
            box = w.Checkbox(value=False, description=choice.label, indent=False)
            box.add_class(f"{hook_class(self.form_id, self.item.id)}-{choice.value}")
            self.boxes[choice.value] = box
        return w.VBox(list(self.boxes.values()))

    def _watch(self, callback: Callable[[Any], None]) -> None:
        for box in self.boxes.values():
            box.observe(callback, names="value")

    def value(self) -> str:
        return self.kind.storage.encode([v for v, box in self.boxes.items() if box.value])

    def set_value(self, value: str) -> None:
        chosen = set(self.kind.storage.decode(value))
        for v, box in self.boxes.items():
            box.value = v in chosen

    def set_disabled(self, disabled: bool) -> None:
        for box in self.boxes.values():
            box.disabled = disabled


class DateField(Field):
    """A calendar date; stored as ISO so every analysis tool reads it the same way."""

    def _build(self) -> w.Widget:
        widget = w.DatePicker(
            description=self.label + (" *" if self.item.required else ""),
            style={"description_width": "initial"},
        )
        widget.add_class("kit-stack")
        return widget

    def value(self) -> str:
        return self.kind.storage.encode(self.input.value)

    def set_value(self, value: str) -> None:
        try:
            self.input.value = self.kind.storage.decode(value) if value else None
        except ValueError:
            self.input.value = None

    def date(self) -> date | None:
        return self.input.value


class TickField(Field):
    """A tick box (checklist steps, meeting checkpoints), stored as yes/no.

    A checkpoint's stored value is the time it was ticked, which the live meeting's view
    around this field records; the field itself only says whether it is ticked.
    """

    def _build(self) -> w.Widget:
        return w.Checkbox(value=False, description=self.label, indent=False)

    def value(self) -> str:
        return YES_NO.encode(bool(self.input.value))

    def set_value(self, value: str) -> None:
        self.input.value = YES_NO.decode(value)

    def problem(self) -> str | None:
        if self.item.required and not self.input.value:
            return "Tick this before saving."
        return None


# Widget kind (the item-type table's ``widget`` column) -> the field that shows it.
WIDGET_FACTORIES: dict[str, type[Field]] = {
    "text_line": TextField,
    "text_area": TextAreaField,
    "radio_buttons": ChoiceField,
    "scale_buttons": ScaleField,
    "tick_boxes": SeveralField,
    "date_picker": DateField,
    "tick_box": TickField,
}


def make_field(item: Item, *, form_id: str, name: str, show_tip: bool = True) -> Field:
    """Build the field for ``item`` from its type's widget kind in the item-type table."""
    kind = item_type(item.type).widget
    factory = WIDGET_FACTORIES.get(kind) if kind is not None else None
    if factory is None:
        raise ValueError(
            f"item {item.id!r} has type {item.type!r}, whose widget kind {kind!r} has no "
            f"factory; known kinds: {', '.join(WIDGET_FACTORIES)}"
        )
    return factory(item, form_id=form_id, name=name, show_tip=show_tip)
