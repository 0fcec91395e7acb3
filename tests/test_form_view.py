"""A whole form generated from the instrument, driven without an app around it."""

from __future__ import annotations

import pytest

from tests.widget_tree import find_by_class, visible_text
from widgets.forms.form_view import FormView
from widgets.instrument.yaml_loading import load_instrument
from widgets.store.records import Answer

INSTRUMENT = load_instrument()
PREP = INSTRUMENT.form("prep")
DEBRIEF = INSTRUMENT.form("debrief")


def test_every_item_of_that_meeting_gets_a_field_under_its_section():
    first = FormView(PREP, meeting_number=1, name="Amira")
    second = FormView(PREP, meeting_number=2, name="Amira")
    assert list(first.fields) == [item.id for item in PREP.items_for(1)]
    assert list(second.fields) == [item.id for item in PREP.items_for(2)]
    only_second = set(second.fields) - set(first.fields)
    assert only_second  # the second meeting's own questions
    for section in PREP.sections_for(1):
        [block] = find_by_class(first.widget, f"kit-section-{section.id}")
        assert section.title in visible_text(block)
    assert find_by_class(first.widget, f"kit-form-{PREP.id}")


def test_titles_can_be_left_out_and_sections_skipped():
    view = FormView(DEBRIEF, show_titles=False, skip_sections=["pulse"])
    assert "feeling" not in view.fields and "use_of_info" in view.fields
    assert "kit-section-title" not in visible_text(view.widget)
    assert not find_by_class(view.widget, "kit-section-pulse")


def test_values_round_trip_and_unknown_ids_are_ignored():
    view = FormView(DEBRIEF)
    values = {
        "feeling": "4",
        "feeling_note": "Relieved",
        "priorities_change": "no",
        "go_deeper": "yes",
        "not_an_item": "ignored",
    }
    view.set_values(values)
    got = view.values()
    assert set(got) == set(view.fields)
    assert {k: got[k] for k in values if k != "not_an_item"} == {
        k: v for k, v in values.items() if k != "not_an_item"
    }
    assert got["use_of_info"] == ""


def test_answers_are_store_rows_for_answered_items_only():
    view = FormView(DEBRIEF)
    view.set_values({"feeling": "5", "use_of_info": "Ask for a stretch project"})
    answers = view.answers()
    assert answers == [
        Answer("pulse", "feeling", "scale", "5"),
        Answer("use", "use_of_info", "long_text", "Ask for a stretch project"),
    ]


def test_every_change_is_heard_once_per_listener():
    view = FormView(DEBRIEF)
    heard: list[str] = []
    view.on_change(lambda: heard.append("a"))
    view.on_change(lambda: heard.append("b"))
    view.fields["feeling_note"].set_value("Calm")
    assert heard == ["a", "b"]


def test_validate_marks_every_problem_beside_its_field_and_keeps_what_was_typed():
    view = FormView(DEBRIEF)
    view.set_values({"feeling_note": "x" * 201})
    problems = view.validate()
    required = {item.id for item in DEBRIEF.items_for(1) if item.required}
    assert required <= set(problems)
    assert "200" in problems["feeling_note"] and "nothing has been cut" in problems["feeling_note"]
    assert view.values()["feeling_note"] == "x" * 201
    shown = view.fields["feeling_note"].message
    assert shown.layout.display != "none" and "over the limit" in shown.value


def test_problems_found_across_items_show_in_the_same_place():
    view = FormView(DEBRIEF)
    view.set_values({"feeling": "3", "priorities_change": "no", "go_deeper": "no"})
    assert view.validate() == {}
    problems = view.validate({"go_deeper": "Not after a 'no' on priorities."})
    assert problems == {"go_deeper": "Not after a 'no' on priorities."}
    assert "priorities" in view.fields["go_deeper"].message.value
    assert view.validate() == {}  # fixed: the message goes away
    assert view.fields["go_deeper"].message.layout.display == "none"


def test_clear_empties_answers_and_messages():
    view = FormView(DEBRIEF)
    view.set_values({"feeling_note": "Something", "feeling": "2"})
    view.validate({"feeling": "made up"})
    view.clear()
    assert all(value in ("", "no") for value in view.values().values())
    assert all(f.message.layout.display == "none" for f in view.fields.values())


@pytest.mark.parametrize("disabled", [True, False])
def test_disabling_reaches_every_input(disabled: bool):
    view = FormView(DEBRIEF)
    view.set_disabled(disabled)
    for field in view.fields.values():
        if hasattr(field.input, "disabled"):
            assert field.input.disabled is disabled
