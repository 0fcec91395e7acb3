"""Each item type becomes the right widget, stores what it shows, and says what is wrong."""

from __future__ import annotations

from datetime import date
from typing import Any

import ipywidgets as w
import pytest

from tests.test_item_types import item_of
from widgets.forms import fields
from widgets.forms.fields import (
    WIDGET_FACTORIES,
    ChoiceField,
    DateField,
    ScaleField,
    SeveralField,
    TextAreaField,
    TextField,
    TickField,
    hook_class,
    make_field,
)
from widgets.instrument.item_types import ITEM_TYPES, item_type

# Type -> (field class, the input widget, a stored answer it can show, its unanswered value)
EXPECTED: dict[str, tuple[type[fields.Field], type[w.Widget], str, str]] = {
    "text": (TextField, w.Text, "Ideas for a stretch project", ""),
    "long_text": (TextAreaField, w.Textarea, "Line one\nline two", ""),
    "choice": (ChoiceField, w.RadioButtons, "b", ""),
    "several": (SeveralField, w.VBox, "a;c", ""),
    "scale": (ScaleField, w.ToggleButtons, "4", ""),
    "yes_no": (ChoiceField, w.RadioButtons, "no", ""),
    "date": (DateField, w.DatePicker, "2026-10-14", ""),
    "tick": (TickField, w.Checkbox, "yes", "no"),
    "checkpoint": (TickField, w.Checkbox, "yes", "no"),
    "prompt": (TextAreaField, w.Textarea, "The manager told a story", ""),
}


def field_of(kind: str, **extra: Any) -> fields.Field:
    return make_field(item_of(kind, **extra), form_id="prep", name="Amira")


def test_every_item_type_is_covered_here() -> None:
    assert set(EXPECTED) == set(ITEM_TYPES)


@pytest.mark.parametrize("kind", ITEM_TYPES)
def test_each_type_gets_its_widget(kind: str) -> None:
    cls, widget, _stored, _empty = EXPECTED[kind]
    field = field_of(kind)
    assert type(field) is cls is WIDGET_FACTORIES[item_type(kind).widget or ""]
    assert isinstance(field.input, widget)
    assert hook_class("prep", f"an_{kind}") in field.input._dom_classes
    assert {"kit-field", f"kit-field-{kind}"} <= set(field.box._dom_classes)


@pytest.mark.parametrize("kind", ITEM_TYPES)
def test_a_stored_answer_round_trips(kind: str) -> None:
    _cls, _widget, stored, empty = EXPECTED[kind]
    field = field_of(kind)
    assert field.value() == empty
    field.set_value(stored)
    assert field.value() == stored
    assert field.problem() is None
    field.set_value("")
    assert field.value() == empty


@pytest.mark.parametrize("kind", ITEM_TYPES)
def test_a_required_answer_left_empty_says_so(kind: str) -> None:
    field = field_of(kind, required=True)
    expected = "Tick this before saving." if kind in ("tick", "checkpoint") else "required"
    problem = field.problem()
    assert problem is not None and expected in problem


def test_values_that_cannot_be_shown_are_ignored_not_stored() -> None:
    choice, scale, date_field, several = (
        field_of("choice"),
        field_of("scale"),
        field_of("date"),
        field_of("several"),
    )
    choice.set_value("zzz")
    scale.set_value("9")
    date_field.set_value("14/10/2026")
    several.set_value("a;zzz")
    assert (choice.value(), scale.value(), date_field.value()) == ("", "", "")
    assert several.value() == "a"


def test_several_are_stored_in_instrument_order() -> None:
    field = field_of("several")
    assert isinstance(field, SeveralField)
    field.boxes["c"].value = True
    field.boxes["a"].value = True
    assert field.value() == "a;c"


def test_a_date_field_gives_its_date() -> None:
    field = field_of("date")
    assert isinstance(field, DateField)
    field.set_value("2026-10-14")
    assert field.date() == date(2026, 10, 14)


def test_free_text_counts_and_refuses_what_is_too_long() -> None:
    field = field_of("text", max_length=10)
    assert isinstance(field, TextField)
    field.set_value("x" * 12)
    assert "12 / 10" in field.counter.value and "kit-count-over" in field.counter.value
    problem = field.problem()
    assert problem is not None and "2 over the limit of 10" in problem
    assert field.message.layout.display == ""  # shown at once, not only on submit
    field.set_value("short")
    assert field.problem() is None and field.message.layout.display == "none"


def test_control_characters_are_refused_with_their_codes() -> None:
    field = field_of("long_text")
    field.set_value("pasted\x07text")
    problem = field.problem()
    assert problem is not None and "U+0007" in problem


def test_a_shown_problem_marks_the_field_until_it_is_cleared() -> None:
    field = field_of("choice", required=True)
    field.show_problem(field.problem())
    assert "kit-invalid" in field.box._dom_classes and "required" in field.message.value
    field.set_value("a")  # editing re-checks a visible message
    assert "kit-invalid" not in field.box._dom_classes


def test_labels_carry_the_coachees_name_and_tips_are_shown() -> None:
    field = make_field(
        item_of("text", wording="What would {name} like?", tip="Ask first."),
        form_id="prep",
        name="Amira",
    )
    assert field.label == "What would Amira like?"
    assert "Tip: Ask first." in field.box.children[-3].value  # tip, counter, message
    hidden = make_field(item_of("text"), form_id="prep", name="Amira", show_tip=False)
    assert not any("Tip:" in str(getattr(c, "value", "")) for c in hidden.box.children)


def test_choices_show_their_labels() -> None:
    field = field_of("choice")
    assert isinstance(field.input, w.RadioButtons)
    assert list(field.input.options) == [("A", "a"), ("B", "b"), ("C", "c")]
    yes_no = field_of("yes_no")
    assert list(yes_no.input.options) == [("Yes", "yes"), ("No", "no")]


def test_listeners_hear_every_change() -> None:
    heard: list[str] = []
    field = field_of("several")
    field.on_change(lambda: heard.append(field.value()))
    field.set_value("b")
    assert heard and heard[-1] == "b"


def test_disabling_reaches_every_box() -> None:
    field = field_of("several")
    assert isinstance(field, SeveralField)
    field.set_disabled(True)
    assert all(box.disabled for box in field.boxes.values())


def test_a_widget_kind_without_a_factory_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(WIDGET_FACTORIES, "date_picker")
    with pytest.raises(ValueError, match="type 'date', whose widget kind 'date_picker' has no"):
        field_of("date")
