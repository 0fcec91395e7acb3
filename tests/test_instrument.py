"""The instrument YAML holds every stable id of DOMAIN.md, and broken copies are refused."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from widgets.instrument.derived_items import derived_meeting_items
from widgets.instrument.instrument import Instrument
from widgets.instrument.item_types import FREE_TEXT_TYPES, ITEM_TYPES
from widgets.instrument.model import Form, Item
from widgets.instrument.rules import NEVER_SHAREABLE
from widgets.instrument.yaml_loading import DEFAULT_INSTRUMENT_DIR, InstrumentError, load_instrument

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

SHAREABLE_ALLOWED = {
    "success",
    "asks",
    "asks_other",
    "share_topics",
    "opening_lead",
    "opening_plan",
    "closing_lead",
    "closing_plan",
    "goal_alignment_ok",
}
NEVER_SHARED = {"off_limits", "concerns", "concern_plan", "perception", "mindset", "text_consent"}


@pytest.fixture(scope="module")
def instrument() -> Instrument:
    return load_instrument()


def ids(items: tuple[Item, ...]) -> list[str]:
    return [item.id for item in items]


# --- content -----------------------------------------------------------------------------


def test_forms_and_version(instrument: Instrument) -> None:
    assert list(instrument.forms) == ["checklist", "prep", "meeting", "debrief"]
    assert instrument.version == "1.0.0"


def test_checklist_ids_and_types(instrument: Instrument) -> None:
    form = instrument.form("checklist")
    assert ids(form.all_items) == CHECKLIST_IDS
    for item_id in CHECKLIST_IDS[:4]:
        assert form.item(item_id).type == "tick"
    assert form.item("meeting_date").type == "date"
    assert form.item("meeting_date").required


def test_prep_ids_in_domain_order(instrument: Instrument) -> None:
    form = instrument.form("prep")
    assert ids(form.all_items) == PREP_IDS
    assert ids(form.items_for(1)) == PREP_IDS[:-1]
    assert ids(form.items_for(2)) == PREP_IDS


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
    assert required == {
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


def sections_and_items(form: Form, number: int) -> dict[str, list[str]]:
    return {s.id: ids(s.items_for(number)) for s in form.sections_for(number)}


def test_meeting_1_sections_and_items(instrument: Instrument) -> None:
    assert sections_and_items(instrument.form("meeting"), 1) == MEETING_1_SECTIONS


def test_meeting_2_replaces_strengths_and_insights_by_followup(instrument: Instrument) -> None:
    form = instrument.form("meeting")
    assert sections_and_items(form, 2) == MEETING_2_SECTIONS
    assert "strengths" not in [s.id for s in form.sections_for(2)]
    assert "insights" not in [s.id for s in form.sections_for(2)]
    assert "followup" not in [s.id for s in form.sections_for(1)]


def test_meeting_item_types(instrument: Instrument) -> None:
    form = instrument.form("meeting")
    for item in form.all_items:
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
    assert ids(form.all_items) == DEBRIEF_IDS
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


def test_shareable_only_where_the_coachee_allows(instrument: Instrument) -> None:
    shareable = {
        item.id for form in instrument.forms.values() for item in form.all_items if item.shareable
    }
    assert shareable == SHAREABLE_ALLOWED
    assert not shareable & NEVER_SHARED
    assert NEVER_SHAREABLE == NEVER_SHARED


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


# --- codebook ----------------------------------------------------------------------------


def test_codebook_lists_every_item_and_derived_values(instrument: Instrument) -> None:
    book = {entry.item_id: entry for entry in instrument.codebook()}
    assert len(book) == len(instrument.codebook()), "codebook ids must be unique"
    for form in instrument.forms.values():
        for item in form.all_items:
            assert book[item.id].form == form.id
    for derived in [
        "strengths_best_asked",
        "followup_plan_asked",
        "goals_notes_asked",
        "strengths_seconds",
        "strengths_budget_seconds",
        "opening_started_at",
        "close_ended_at",
        "goals_skipped",
        "meeting_started_at",
        "meeting_ended_at",
        "meeting_seconds",
        "debrief_started_at",
        "debrief_ended_at",
        "debrief_seconds",
    ]:
        assert derived in book, derived
    assert "opening_skipped" not in book
    assert "opening_thanks_asked" not in book


def test_codebook_entry_fields(instrument: Instrument) -> None:
    book = {entry.item_id: entry for entry in instrument.codebook()}
    asked = book["strengths_best_asked"]
    assert (asked.form, asked.section, asked.type, asked.meetings) == (
        "meeting",
        "strengths",
        "yes_no",
        "1",
    )
    assert asked.wording.startswith("Was this prompt asked: Tell us about a time")
    assert book["strengths_seconds"].type == "seconds"
    assert book["opening_started_at"].type == "timestamp"
    assert book["opening_seconds"].meetings == "1;2"
    assert book["followup_seconds"].meetings == "2"
    assert book["meeting_seconds"].section == "meeting"
    assert book["debrief_seconds"].section == "debrief"
    assert book["opening_thanks"].type == "checkpoint"
    assert book["feeling"].choices == "1=Struggling; 2; 3; 4; 5=Energised"
    assert book["asks"].choices.startswith("priorities=Alignment on your coaching priorities; ")
    assert book["progress_focus"].meetings == "2"
    assert book["strengths_best"].free_text and not book["asks"].free_text
    assert book["success"].shareable and not book["off_limits"].shareable
    assert {entry.instrument_version for entry in book.values()} == {"1.0.0"}


def test_derived_meeting_items_per_meeting(instrument: Instrument) -> None:
    meeting = instrument.form("meeting")
    first = [e.item_id for e in derived_meeting_items(meeting, 1)]
    second = [e.item_id for e in derived_meeting_items(meeting, 2)]
    assert "strengths_seconds" in first and "strengths_seconds" not in second
    assert "followup_seconds" in second and "followup_seconds" not in first
    assert "goals_skipped" in first and "goals_skipped" in second
    assert derived_meeting_items(instrument.form("prep"), 1) == ()
    debrief = [e.item_id for e in derived_meeting_items(instrument.form("debrief"), 1)]
    assert debrief == ["debrief_started_at", "debrief_ended_at", "debrief_seconds"]


# --- malformed instruments are refused ---------------------------------------------------


@pytest.fixture()
def copy_dir(tmp_path: Path) -> Path:
    target = tmp_path / "instrument"
    shutil.copytree(DEFAULT_INSTRUMENT_DIR, target)
    return target


def read(folder: Path, form_id: str) -> dict[str, Any]:
    data = yaml.safe_load((folder / f"{form_id}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def write(folder: Path, form_id: str, data: dict[str, Any]) -> None:
    (folder / f"{form_id}.yaml").write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")


def find_item(data: dict[str, Any], item_id: str) -> dict[str, Any]:
    for section in data["sections"]:
        for item in section["items"]:
            if item["id"] == item_id:
                return item
    raise AssertionError(item_id)


def find_section(data: dict[str, Any], section_id: str) -> dict[str, Any]:
    for section in data["sections"]:
        if section["id"] == section_id:
            return section
    raise AssertionError(section_id)


def test_unmodified_copy_loads(copy_dir: Path) -> None:
    assert load_instrument(copy_dir) == load_instrument()


def test_unknown_type_is_refused(copy_dir: Path) -> None:
    data = read(copy_dir, "prep")
    find_item(data, "success")["type"] = "essay"
    write(copy_dir, "prep", data)
    with pytest.raises(
        InstrumentError,
        match=r"prep\.yaml: item 'success' \(section 'success'\).*unknown type 'essay'",
    ):
        load_instrument(copy_dir)


def test_missing_choices_are_refused(copy_dir: Path) -> None:
    data = read(copy_dir, "prep")
    del find_item(data, "asks")["choices"]
    write(copy_dir, "prep", data)
    message = (
        "prep.yaml: item 'asks' (section 'asks'): type 'several' needs a non-empty 'choices' list"
    )
    with pytest.raises(InstrumentError, match=re.escape(message)):
        load_instrument(copy_dir)


def test_duplicate_item_id_is_refused(copy_dir: Path) -> None:
    data = read(copy_dir, "debrief")
    find_item(data, "stood_out_coach")["id"] = "stood_out_coachee"
    write(copy_dir, "debrief", data)
    with pytest.raises(
        InstrumentError,
        match=r"debrief\.yaml: item 'stood_out_coachee' \(section 'stood_out'\): duplicate item id",
    ):
        load_instrument(copy_dir)


def test_duplicate_item_id_across_forms_is_refused(copy_dir: Path) -> None:
    data = read(copy_dir, "debrief")
    find_item(data, "use_of_info")["id"] = "success"
    write(copy_dir, "debrief", data)
    with pytest.raises(
        InstrumentError, match=r"debrief\.yaml: item 'success' .*already used in prep\.yaml"
    ):
        load_instrument(copy_dir)


def test_item_id_clashing_with_a_derived_value_is_refused(copy_dir: Path) -> None:
    data = read(copy_dir, "debrief")
    find_item(data, "use_of_info")["id"] = "strengths_seconds"
    write(copy_dir, "debrief", data)
    with pytest.raises(
        InstrumentError, match=r"debrief\.yaml: item 'strengths_seconds': id clashes"
    ):
        load_instrument(copy_dir)


def test_typo_in_a_key_is_refused(copy_dir: Path) -> None:
    path = copy_dir / "debrief.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("required: true", "requird: true", 1), encoding="utf-8")
    with pytest.raises(
        InstrumentError,
        match=r"debrief\.yaml: item 'feeling' \(section 'pulse'\): unknown key 'requird' "
        r"\(did you mean 'required'\?\)",
    ):
        load_instrument(copy_dir)


def test_typo_in_a_section_key_is_refused(copy_dir: Path) -> None:
    data = read(copy_dir, "meeting")
    find_section(data, "close")["minuts"] = find_section(data, "close").pop("minutes")
    write(copy_dir, "meeting", data)
    with pytest.raises(
        InstrumentError, match=r"meeting\.yaml: section 'close': unknown key 'minuts'"
    ):
        load_instrument(copy_dir)


def test_bad_yaml_syntax_is_refused_with_line(copy_dir: Path) -> None:
    path = copy_dir / "checklist.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    broken = next(i for i, line in enumerate(lines) if "id: prep_booked" in line)
    lines[broken] = lines[broken].replace("id: prep_booked", "id: prep_booked: [")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(
        InstrumentError, match=rf"checklist\.yaml: YAML syntax error at line {broken + 1}\b"
    ):
        load_instrument(copy_dir)


def test_repeated_yaml_key_is_refused(copy_dir: Path) -> None:
    path = copy_dir / "checklist.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("        type: date\n", "        type: date\n        type: tick\n")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InstrumentError, match=r"checklist\.yaml: .*line \d+.*duplicate key 'type'"):
        load_instrument(copy_dir)


def test_minutes_not_summing_are_refused(copy_dir: Path) -> None:
    data = read(copy_dir, "meeting")
    find_section(data, "strengths")["minutes"] = 14
    write(copy_dir, "meeting", data)
    with pytest.raises(
        InstrumentError,
        match=r"meeting\.yaml: section minutes for meeting 1 add up to 32 .*strengths 14.*"
        r"not total_minutes 30",
    ):
        load_instrument(copy_dir)


def test_minutes_not_summing_in_meeting_2_are_refused(copy_dir: Path) -> None:
    data = read(copy_dir, "meeting")
    find_section(data, "followup")["minutes"] = 20
    write(copy_dir, "meeting", data)
    with pytest.raises(InstrumentError, match=r"meeting\.yaml: section minutes for meeting 2"):
        load_instrument(copy_dir)


def test_unknown_condition_is_refused(copy_dir: Path) -> None:
    data = read(copy_dir, "meeting")
    find_section(data, "goals")["condition"] = "goals_ok"
    write(copy_dir, "meeting", data)
    with pytest.raises(
        InstrumentError, match=r"meeting\.yaml: section 'goals': unknown condition 'goals_ok'"
    ):
        load_instrument(copy_dir)


def test_condition_on_a_non_yes_no_item_is_refused(copy_dir: Path) -> None:
    data = read(copy_dir, "meeting")
    find_section(data, "goals")["condition"] = "success"
    write(copy_dir, "meeting", data)
    with pytest.raises(InstrumentError, match=r"section 'goals': condition 'success'.*yes_no"):
        load_instrument(copy_dir)


def test_missing_tip_and_empty_wording_are_refused(copy_dir: Path) -> None:
    data = read(copy_dir, "prep")
    del find_item(data, "mindset")["tip"]
    find_item(data, "perception")["wording"] = "  "
    write(copy_dir, "prep", data)
    with pytest.raises(InstrumentError) as caught:
        load_instrument(copy_dir)
    message = str(caught.value)
    assert "prep.yaml: item 'mindset' (section 'presence'): missing key 'tip'" in message
    assert (
        "prep.yaml: item 'perception' (section 'presence'): 'wording' must not be empty" in message
    )


def test_bad_id_format_is_refused(copy_dir: Path) -> None:
    data = read(copy_dir, "checklist")
    find_item(data, "prep_booked")["id"] = "Prep-Booked"
    write(copy_dir, "checklist", data)
    with pytest.raises(
        InstrumentError,
        match=r"checklist\.yaml: item 'Prep-Booked' \(section 'steps'\): .*not valid",
    ):
        load_instrument(copy_dir)


def test_confidential_item_cannot_be_made_shareable(copy_dir: Path) -> None:
    data = read(copy_dir, "prep")
    find_item(data, "off_limits")["shareable"] = True
    write(copy_dir, "prep", data)
    with pytest.raises(
        InstrumentError, match=r"prep\.yaml: item 'off_limits' .*can never be 'shareable'"
    ):
        load_instrument(copy_dir)


def test_unquoted_yes_as_choice_value_is_refused(copy_dir: Path) -> None:
    # YAML 1.1 reads a bare yes as true; the value must stay the string "yes".
    path = copy_dir / "debrief.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('value: "yes"', "value: yes", 1), encoding="utf-8")
    with pytest.raises(InstrumentError, match=r"item 'priorities_change' .*'choices\[0\]\.value'"):
        load_instrument(copy_dir)


def test_unknown_placeholder_is_refused(copy_dir: Path) -> None:
    data = read(copy_dir, "meeting")
    find_item(data, "strengths_impact")["wording"] = "Where does {nmae} have impact?"
    write(copy_dir, "meeting", data)
    with pytest.raises(InstrumentError, match=r"item 'strengths_impact' .*'\{nmae\}'"):
        load_instrument(copy_dir)


def test_meeting_number_outside_1_and_2_is_refused(copy_dir: Path) -> None:
    data = read(copy_dir, "prep")
    find_item(data, "progress_focus")["meetings"] = [3]
    write(copy_dir, "prep", data)
    with pytest.raises(InstrumentError, match=r"item 'progress_focus' .*'meetings' may only"):
        load_instrument(copy_dir)


def test_missing_form_file_is_refused(copy_dir: Path) -> None:
    (copy_dir / "debrief.yaml").unlink()
    with pytest.raises(
        InstrumentError,
        match=r"instrument\.yaml: form 'debrief' is listed but debrief\.yaml is missing",
    ):
        load_instrument(copy_dir)


def test_form_id_must_match_file_name(copy_dir: Path) -> None:
    data = read(copy_dir, "debrief")
    data["form"] = "pulse"
    write(copy_dir, "debrief", data)
    with pytest.raises(InstrumentError, match=r"debrief\.yaml: says 'form: pulse'"):
        load_instrument(copy_dir)


def test_bad_manifest_is_refused(copy_dir: Path) -> None:
    (copy_dir / "instrument.yaml").write_text('version: "1.0"\nforms: [prep]\n', "utf-8")
    with pytest.raises(InstrumentError, match=r"instrument\.yaml: 'version'.*1\.0\.0"):
        load_instrument(copy_dir)
    (copy_dir / "instrument.yaml").unlink()
    with pytest.raises(InstrumentError, match=r"instrument\.yaml: file not found"):
        load_instrument(copy_dir)


def test_scale_without_bounds_is_refused(copy_dir: Path) -> None:
    data = read(copy_dir, "debrief")
    del find_item(data, "feeling")["scale_max"]
    write(copy_dir, "debrief", data)
    with pytest.raises(
        InstrumentError, match=r"item 'feeling' .*needs 'scale_min' and 'scale_max'"
    ):
        load_instrument(copy_dir)


def test_instrument_error_is_a_value_error() -> None:
    assert issubclass(InstrumentError, ValueError)
