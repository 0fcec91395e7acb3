"""The instrument YAML holds every stable id of DOMAIN.md and the screen content it names.

The ids below are DOMAIN.md's stable names: they must exist, in this order, with these
types. Other items may sit between them, so adding a question is a YAML edit only.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from widgets.instrument.content_checks import RECAP_FORMS
from widgets.instrument.instrument import Instrument
from widgets.instrument.item_types import FREE_TEXT_TYPES, ITEM_TYPES, LIVE_MEETING_TYPES
from widgets.instrument.items import Item
from widgets.instrument.model import Form
from widgets.instrument.rules import MEETING_DATE_ROLE, NEVER_SHAREABLE
from widgets.instrument.yaml_loading import DEFAULT_INSTRUMENT_DIR, load_instrument

# --- the stable ids, written out from DOMAIN.md ------------------------------------------

CHECKLIST_IDS = [
    "success_defined",
    "ground_rules_set",
    "prep_booked",
    "meeting_booked",
    "meeting_date",
]

PREP_IDS = [
    "success",
    "asks",
    "asks_other",
    "perception",
    "mindset",
    "share_topics",
    "off_limits",
    "concerns",
    "concern_plan",
    "opening_lead",
    "opening_plan",
    "closing_lead",
    "closing_plan",
    "goal_alignment_ok",
    "text_consent",
    "progress_focus",
]
PREP_PAIRS = [
    ("asks", "asks_other"),
    ("perception", "mindset"),
    ("share_topics", "off_limits"),
    ("concerns", "concern_plan"),
    ("opening_lead", "opening_plan"),
    ("closing_lead", "closing_plan"),
]

MEETING_1_SECTIONS = {
    "opening": ["opening_thanks", "opening_purpose"],
    "strengths": [
        "strengths_best",
        "strengths_impact",
        "strengths_values",
        "strengths_superpower",
    ],
    "insights": ["insights_value", "insights_gift", "insights_blindspot", "insights_handover"],
    "goals": ["goals_notes"],
    "close": ["close_anything_else", "close_thanks_huddle"],
}
MEETING_2_SECTIONS = {
    "opening": ["opening_thanks", "opening_purpose"],
    "followup": [
        "followup_progress",
        "followup_changes",
        "followup_plan",
        "followup_challenges",
    ],
    "goals": ["goals_notes"],
    "close": ["close_anything_else", "close_thanks_huddle"],
}
CHECKPOINTS = ["opening_thanks", "opening_purpose", "close_anything_else", "close_thanks_huddle"]

DEBRIEF_IDS = [
    "feeling",
    "feeling_note",
    "stood_out_coachee",
    "stood_out_coach",
    "use_of_info",
    "priorities_change",
    "priorities_note",
    "go_deeper",
]

# Prep answers the coachee lets the manager see on the meeting screen.
SHOWN_IN_MEETING = {
    "success",
    "asks",
    "asks_other",
    "share_topics",
    "opening_lead",
    "opening_plan",
    "coach_role",
    "closing_lead",
    "closing_plan",
    "goal_alignment_ok",
    "progress_focus",
}
NEVER_SHARED = {"off_limits", "concerns", "concern_plan", "perception", "mindset"}


@pytest.fixture(scope="module")
def instrument() -> Instrument:
    return load_instrument()


def ids(items: tuple[Item, ...]) -> list[str]:
    return [item.id for item in items]


def in_order(stable: list[str], actual: list[str]) -> bool:
    """Every stable id is there, in the stable order (other ids may come between)."""
    position = {name: index for index, name in enumerate(actual)}
    found = [position.get(name, -1) for name in stable]
    return -1 not in found and found == sorted(found)


def test_in_order_helper() -> None:
    assert in_order(["a", "c"], ["a", "b", "c"])
    assert not in_order(["a", "c"], ["c", "a"])
    assert not in_order(["a", "d"], ["a", "b", "c"])


# --- content -----------------------------------------------------------------------------


def test_forms_and_version(instrument: Instrument) -> None:
    assert list(instrument.forms) == ["checklist", "prep", "meeting", "debrief"]
    assert instrument.version == "1.1.0"


def test_checklist_ids_and_types(instrument: Instrument) -> None:
    form = instrument.form("checklist")
    assert in_order(CHECKLIST_IDS, ids(form.all_items))
    for item_id in CHECKLIST_IDS[:4]:
        assert form.item(item_id).type == "tick"
    assert form.item("meeting_date").type == "date"
    assert form.item("meeting_date").required
    assert instrument.item_with_role(MEETING_DATE_ROLE) == form.item("meeting_date")


def test_prep_ids_in_domain_order(instrument: Instrument) -> None:
    form = instrument.form("prep")
    assert in_order(PREP_IDS, ids(form.all_items))
    assert in_order(PREP_IDS[:-1], ids(form.items_for(1)))
    assert in_order(PREP_IDS, ids(form.items_for(2)))


@pytest.mark.parametrize(("first", "second"), PREP_PAIRS)
def test_prep_pairs_share_a_section(instrument: Instrument, first: str, second: str) -> None:
    form = instrument.form("prep")
    assert form.section_of(first) is form.section_of(second)


def test_prep_types_and_choices(instrument: Instrument) -> None:
    form = instrument.form("prep")
    asks = form.item("asks")
    assert asks.type == "several"
    assert asks.choice_values() == ("priorities", "feedback", "strengths_opportunities", "support")
    for lead in ("opening_lead", "closing_lead"):
        assert form.item(lead).type == "choice"
        assert form.item(lead).choice_values() == ("coach", "coachee")
    for yes_no in ("goal_alignment_ok", "text_consent"):
        assert form.item(yes_no).type == "yes_no"
        assert form.item(yes_no).choice_values() == ("yes", "no")


def test_prep_required_items(instrument: Instrument) -> None:
    required = {item.id for item in instrument.form("prep").all_items if item.required}
    assert required >= {
        "success",
        "asks",
        "opening_lead",
        "closing_lead",
        "goal_alignment_ok",
        "text_consent",
    }


def test_progress_focus_only_in_second_prep(instrument: Instrument) -> None:
    form = instrument.form("prep")
    assert "progress_focus" not in ids(form.items_for(1))
    assert "progress_focus" in ids(form.items_for(2))
    assert "progress" not in [s.id for s in form.sections_for(1)]


def sections_hold(form: Form, number: int, stable: dict[str, list[str]]) -> bool:
    """The stable sections run in that meeting, in order, each with its stable items."""
    running = {s.id: ids(s.items_for(number)) for s in form.sections_for(number)}
    return in_order(list(stable), list(running)) and all(
        in_order(items, running[section]) for section, items in stable.items()
    )


def test_meeting_1_sections_and_items(instrument: Instrument) -> None:
    assert sections_hold(instrument.form("meeting"), 1, MEETING_1_SECTIONS)


def test_meeting_2_replaces_strengths_and_insights_by_followup(instrument: Instrument) -> None:
    form = instrument.form("meeting")
    assert sections_hold(form, 2, MEETING_2_SECTIONS)
    assert "strengths" not in [s.id for s in form.sections_for(2)]
    assert "insights" not in [s.id for s in form.sections_for(2)]
    assert "followup" not in [s.id for s in form.sections_for(1)]


def test_meeting_item_types(instrument: Instrument) -> None:
    form = instrument.form("meeting")
    stable = {
        i for items in (*MEETING_1_SECTIONS.values(), *MEETING_2_SECTIONS.values()) for i in items
    }
    for item in form.all_items:
        assert item.type in LIVE_MEETING_TYPES, item.id
        if item.id in stable:
            expected = "checkpoint" if item.id in CHECKPOINTS else "prompt"
            assert item.type == expected, item.id


@pytest.mark.parametrize("number", [1, 2])
def test_meeting_budgets_sum_to_30(instrument: Instrument, number: int) -> None:
    form = instrument.form("meeting")
    assert form.total_minutes == 30
    sections = form.sections_for(number)
    assert sum(s.minutes or 0 for s in sections) == 30
    assert sum(s.budget_seconds or 0 for s in sections) == 30 * 60


def test_meeting_default_budgets(instrument: Instrument) -> None:
    form = instrument.form("meeting")
    budgets = {s.id: s.minutes for s in form.sections}
    assert budgets == {
        "opening": 3,
        "strengths": 12,
        "insights": 10,
        "followup": 22,
        "goals": 3,
        "close": 2,
    }
    assert form.sections[0].budget_seconds == 180


def test_goals_section_depends_on_goal_alignment(instrument: Instrument) -> None:
    form = instrument.form("meeting")
    conditional = {s.id: s.condition for s in form.sections if s.condition}
    assert conditional == {"goals": "goal_alignment_ok"}


def test_debrief_ids_types_and_budget(instrument: Instrument) -> None:
    form = instrument.form("debrief")
    assert in_order(DEBRIEF_IDS, ids(form.all_items))
    assert form.total_minutes == 15
    for number in (1, 2):
        assert sum(s.minutes or 0 for s in form.sections_for(number)) == 15
    feeling = form.item("feeling")
    assert (feeling.type, feeling.scale_min, feeling.scale_max) == ("scale", 1, 5)
    assert feeling.choice_values() == ("1", "2", "3", "4", "5")
    assert feeling.required
    for item_id in ("priorities_change", "go_deeper"):
        item = form.item(item_id)
        assert item.type == "choice" and item.required
        assert item.choice_values() == ("yes", "no", "not_sure")


def test_every_prep_item_declares_who_sees_it(instrument: Instrument) -> None:
    prep = instrument.form("prep")
    shown = {item.id for item in prep.all_items if item.reaches("meeting")}
    assert shown == SHOWN_IN_MEETING
    private = {item.id for item in prep.all_items if item.visibility == "coachee_only"}
    assert private == NEVER_SHARED == NEVER_SHAREABLE
    # Consent itself is a structured answer the program counts, but no one else sees it.
    assert prep.item("text_consent").visibility == "program"
    for form in instrument.forms.values():
        for item in form.all_items:
            if item.id not in NEVER_SHARED:
                assert item.reaches("program"), item.id


def test_every_item_has_wording_tip_and_known_type(instrument: Instrument) -> None:
    for form in instrument.forms.values():
        for item in form.all_items:
            assert item.wording.strip() and item.tip.strip(), item.id
            assert item.type in ITEM_TYPES
            if item.type in FREE_TEXT_TYPES:
                assert item.max_length and item.max_length > 0
            else:
                assert item.max_length is None


def test_max_length_defaults_filled(instrument: Instrument) -> None:
    assert instrument.form("prep").item("asks_other").max_length == 200
    assert instrument.form("prep").item("success").max_length == 2000
    assert instrument.form("meeting").item("strengths_best").max_length == 2000


def test_item_ids_unique_across_instrument(instrument: Instrument) -> None:
    all_ids = [item.id for form in instrument.forms.values() for item in form.all_items]
    assert len(all_ids) == len(set(all_ids))


# --- behaviour ---------------------------------------------------------------------------


def test_name_is_filled_in_wording(instrument: Instrument) -> None:
    item = instrument.form("meeting").item("strengths_best")
    assert "{name}" in item.wording
    assert "Ana at their very best" in item.text("Ana")
    assert "{name}" not in item.text("Ana")
    assert "Ana {0} {name} at" in item.text("Ana {0} {name}")
    assert "the coachee at their very best" in item.text("  ")
    opening = instrument.form("meeting").item("opening_thanks")
    assert opening.text("").startswith("The coachee thanks the manager")
    assert opening.text("Ana").startswith("Ana thanks the manager")


def test_coachee_forms_address_the_coachee_directly(instrument: Instrument) -> None:
    for form_id in ("checklist", "prep"):
        for item in instrument.form(form_id).all_items:
            assert "{name}" not in item.wording, item.id


def test_lookups_fail_with_clear_messages(instrument: Instrument) -> None:
    with pytest.raises(KeyError, match="no form 'agenda'.*checklist, prep, meeting, debrief"):
        instrument.form("agenda")
    with pytest.raises(KeyError, match="no item 'nope'"):
        instrument.form("prep").item("nope")
    with pytest.raises(KeyError, match="no item 'nope'"):
        instrument.form("prep").section_of("nope")
    with pytest.raises(ValueError, match="meeting_number"):
        instrument.form("meeting").items_for(3)


def test_default_load_is_cached_and_explicit_load_is_fresh(instrument: Instrument) -> None:
    assert load_instrument() is load_instrument()
    fresh = load_instrument(DEFAULT_INSTRUMENT_DIR)
    assert fresh is not load_instrument()
    assert fresh == load_instrument()


def test_models_are_frozen(instrument: Instrument) -> None:
    item = instrument.form("prep").item("success")
    with pytest.raises(ValueError):
        item.wording = "changed"


# --- screen content declared in the YAML ------------------------------------------------


def test_card_rows_show_prep_answers_visible_in_the_meeting_only(
    instrument: Instrument,
) -> None:
    prep = instrument.form("prep")
    shown = [answer.id for row in instrument.card for answer in row.items]
    assert shown, "the meeting's facilitator card has rows"
    for item_id in shown:
        assert prep.item(item_id).visibility == "meeting" and item_id not in NEVER_SHAREABLE


def test_summary_lines_name_items_visible_in_a_recap_only(instrument: Instrument) -> None:
    summary = instrument.summary
    named = [line.item for _heading, line in summary.lines()]
    assert named, "the recap has lines"
    assert not set(named) & (NEVER_SHAREABLE | set(summary.held_back))
    for item_id in named:
        form = next(f for f in instrument.forms.values() if f.has_item(item_id))
        assert form.item(item_id).visibility in ("summary", "meeting"), item_id
    homes = {form.id for form in instrument.forms.values() for i in named if form.has_item(i)}
    assert homes <= set(RECAP_FORMS)


def test_followup_context_recalls_meeting_1_and_its_debrief(instrument: Instrument) -> None:
    meeting, debrief = instrument.form("meeting"), instrument.form("debrief")
    context = instrument.followup_context
    assert context.prompts
    for prompt_id, earlier in context.prompts.items():
        assert meeting.item(prompt_id).type == "prompt"
        assert 2 in meeting.meetings_of(prompt_id)
        for item_id in earlier:
            from_meeting_1 = meeting.has_item(item_id) and 1 in meeting.meetings_of(item_id)
            assert from_meeting_1 or debrief.has_item(item_id), item_id
            assert context.earlier[item_id]


def test_huddle_reminder_belongs_to_a_meeting_part(instrument: Instrument) -> None:
    huddle = instrument.huddle_reminder
    assert huddle.section in {s.id for s in instrument.form("meeting").sections}
    assert "{name}" in huddle.during and huddle.debrief_link


def test_the_package_exports_its_public_names_lazily() -> None:
    import widgets.instrument as package

    for name in package.__all__:
        assert getattr(package, name) is not None, name
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        package.nope  # noqa: B018
    code = "import sys, widgets.instrument; print('pydantic' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
