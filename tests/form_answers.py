"""Valid answers for the required items a test does not fill itself, from the instrument.

A test fills the answers it is about by id; every other required item gets a valid
answer chosen by its type, so a new required question in the YAML needs no test edit.
"""

from __future__ import annotations

from widgets.forms.form_view import FormView
from widgets.instrument.item_types import item_type
from widgets.instrument.items import Item
from widgets.instrument.stored_values import ISO_DATE, TEXT


def valid_answer(item: Item) -> str:
    """A stored answer ``item`` accepts: its first choice, a date, a text, or a tick."""
    values = item.choice_values()
    if values:
        return values[0]
    storage = item_type(item.type).storage
    if storage is ISO_DATE:
        return "2026-10-14"
    if storage is TEXT:
        return "An answer"
    return "yes"  # ticks, and checkpoints (a tick box on a plain form)


def fill_remaining_required(*views: FormView) -> None:
    """Answer every required item still unanswered in ``views`` with a valid answer."""
    for view in views:
        for field in view.fields.values():
            if field.item.required and field.problem():
                field.set_value(valid_answer(field.item))
