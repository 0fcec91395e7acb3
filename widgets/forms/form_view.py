"""A whole form on screen, generated from the instrument: sections, fields, checks.

The same class serves every form (checklist, prep, debrief); a form is the list of
its items for one meeting number, never code written item by item.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable

import ipywidgets as w

from widgets.forms.fields import Field, make_field
from widgets.instrument.items import Item
from widgets.instrument.model import Form
from widgets.instrument.visibility import VISIBILITY_LABELS
from widgets.store.records import Answer

__all__ = ["FormView", "visibility_label"]


def visibility_label(item: Item) -> w.HTML:
    """Who will see this answer, from the item's one declaration, in the coachee's words:
    they decide what to write knowing where it goes."""
    text = VISIBILITY_LABELS[item.visibility]
    label = w.HTML(
        f"<span class='kit-visibility kit-visibility-{item.visibility}'>"
        f"Who sees this: {html.escape(text)}</span>"
    )
    label.add_class("kit-visibility-label")
    return label


class FormView:
    """Fields of ``form`` for ``meeting_number``, grouped under section headings."""

    def __init__(
        self,
        form: Form,
        *,
        meeting_number: int = 1,
        name: str = "",
        show_titles: bool = True,
        skip_sections: Iterable[str] = (),
        show_visibility: bool = False,
    ):
        self.form = form
        self.meeting_number = meeting_number
        self.fields: dict[str, Field] = {}
        self._section_of: dict[str, str] = {}
        skipped = set(skip_sections)
        blocks: list[w.Widget] = []
        for section in form.sections_for(meeting_number):
            if section.id in skipped:
                continue
            items = section.items_for(meeting_number)
            if not items:
                continue
            parts: list[w.Widget] = []
            if show_titles:
                intro = (
                    f"<p class='kit-intro'>{html.escape(section.intro)}</p>"
                    if section.intro
                    else ""
                )
                parts.append(
                    w.HTML(
                        f"<h3 class='kit-section-title'>{html.escape(section.title)}</h3>{intro}"
                    )
                )
            for item in items:
                field = make_field(item, form_id=form.id, name=name)
                if show_visibility:
                    field.box.children = (*field.box.children, visibility_label(item))
                self.fields[item.id] = field
                self._section_of[item.id] = section.id
                parts.append(field.box)
            block = w.VBox(parts)
            block.add_class("kit-section")
            block.add_class(f"kit-section-{section.id}")
            blocks.append(block)
        self.widget = w.VBox(blocks)
        self.widget.add_class(f"kit-form-{form.id}")

    def on_change(self, listener: Callable[[], None]) -> None:
        for field in self.fields.values():
            field.on_change(listener)

    def values(self) -> dict[str, str]:
        return {item_id: field.value() for item_id, field in self.fields.items()}

    def set_values(self, values: dict[str, str]) -> None:
        for item_id, value in values.items():
            if item_id in self.fields:
                self.fields[item_id].set_value(str(value))

    def clear(self) -> None:
        for field in self.fields.values():
            field.set_value("")
            field.show_problem(None)

    def validate(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """Show a message beside every field that cannot be saved; return them all.

        ``extra`` carries problems found across items (e.g. a date against the
        engagement start) so they appear in the same place as the field's own.
        """
        problems: dict[str, str] = {}
        for item_id, field in self.fields.items():
            message = (extra or {}).get(item_id) or field.problem()
            field.show_problem(message)
            if message:
                problems[item_id] = message
        return problems

    def answers(self) -> list[Answer]:
        """The answered items as store rows; unanswered optional items are left out."""
        return [
            Answer(
                section=self._section_of[item_id],
                item_id=item_id,
                item_type=field.item.type,
                value=value,
            )
            for item_id, field in self.fields.items()
            if (value := field.value()) != ""
        ]

    def set_disabled(self, disabled: bool) -> None:
        for field in self.fields.values():
            field.set_disabled(disabled)
