"""The instrument YAML holds every stable id of DOMAIN.md, and broken copies are refused.

The ids below are DOMAIN.md's stable names: they must exist, in this order, with these
types. Other items may sit between them, so adding a question is a YAML edit only.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from widgets.instrument.content_checks import RECAP_FORMS
from widgets.instrument.derived_items import derived_meeting_items
from widgets.instrument.instrument import Instrument
from widgets.instrument.item_types import FREE_TEXT_TYPES, ITEM_TYPES, LIVE_MEETING_TYPES
from widgets.instrument.model import Form, Item
from widgets.instrument.rules import MEETING_DATE_ROLE, NEVER_SHAREABLE
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
    assert instrument.version == "1.0.0"


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


# --- screen content declared in the YAML ------------------------------------------------


def test_card_rows_show_shareable_prep_answers_only(instrument: Instrument) -> None:
    prep = instrument.form("prep")
    shown = [answer.id for row in instrument.card for answer in row.items]
    assert shown, "the meeting's facilitator card has rows"
    for item_id in shown:
        assert prep.item(item_id).shareable and item_id not in NEVER_SHAREABLE, item_id


def test_summary_lines_name_shareable_items_only(instrument: Instrument) -> None:
    summary = instrument.summary
    named = [line.item for _heading, line in summary.lines()]
    assert named, "the recap has lines"
    assert not set(named) & (NEVER_SHAREABLE | set(summary.held_back))
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


# --- malformed instruments are refused ---------------------------------------------------

DELETE = object()
Edit = Callable[[Path], None]


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


def update(target: dict[str, Any], changes: dict[str, Any]) -> None:
    for key, value in changes.items():
        if value is DELETE:
            del target[key]
        else:
            target[key] = value


def in_form(form_id: str, change: Callable[[dict[str, Any]], None]) -> Edit:
    """An edit of one form file, through its parsed YAML."""

    def edit(folder: Path) -> None:
        data = read(folder, form_id)
        change(data)
        write(folder, form_id, data)

    return edit


def item_edit(form_id: str, item_id: str, **changes: Any) -> Edit:
    return in_form(form_id, lambda data: update(find_item(data, item_id), changes))


def section_edit(form_id: str, section_id: str, **changes: Any) -> Edit:
    return in_form(form_id, lambda data: update(find_section(data, section_id), changes))


def form_edit(form_id: str, **changes: Any) -> Edit:
    return in_form(form_id, lambda data: update(data, changes))


def text_edit(file_name: str, old: str, new: str) -> Edit:
    """An edit of a file's text, for what parsed YAML cannot express (syntax, repeats)."""

    def edit(folder: Path) -> None:
        path = folder / file_name
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def remove(file_name: str) -> Edit:
    return lambda folder: (folder / file_name).unlink()


def both(*edits: Edit) -> Edit:
    def edit(folder: Path) -> None:
        for one in edits:
            one(folder)

    return edit


def line_of(folder: Path, text: str = "id: prep_booked") -> int:
    """The line of checklist.yaml holding ``text``, counted from 1."""
    lines = (folder / "checklist.yaml").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def card_row(heading: str, *items: Any) -> dict[str, Any]:
    return {"heading": heading, "hook": "extra", "items": list(items)}


def add_card_row(row: dict[str, Any]) -> Edit:
    return in_form("meeting", lambda data: data["card"].append(row))


def add_summary_line(line: dict[str, Any]) -> Edit:
    return in_form("debrief", lambda data: data["summary"]["parts"][0]["lines"].append(line))


def meeting_scale_item(data: dict[str, Any]) -> None:
    find_section(data, "close")["items"].append(
        {"id": "mood", "type": "scale", "wording": "Mood?", "tip": "Ask.", "scale_min": 1,
         "scale_max": 5}
    )  # fmt: skip


# (edit, what the refusal must contain: a regular expression, several, or a function of
# the unedited folder that gives one)
BROKEN: list[Any] = [
    pytest.param(
        item_edit("prep", "success", type="essay"),
        r"prep\.yaml: item 'success' \(section 'success'\).*unknown type 'essay'",
        id="unknown-type",
    ),
    pytest.param(
        item_edit("prep", "asks", choices=DELETE),
        re.escape(
            "prep.yaml: item 'asks' (section 'asks'): type 'several' needs a non-empty "
            "'choices' list"
        ),
        id="missing-choices",
    ),
    pytest.param(
        item_edit("debrief", "stood_out_coach", id="stood_out_coachee"),
        r"debrief\.yaml: item 'stood_out_coachee' \(section 'stood_out'\): duplicate item id",
        id="duplicate-id",
    ),
    pytest.param(
        item_edit("debrief", "use_of_info", id="success"),
        r"debrief\.yaml: item 'success' .*already used in prep\.yaml",
        id="duplicate-id-across-forms",
    ),
    pytest.param(
        item_edit("debrief", "use_of_info", id="strengths_seconds"),
        r"debrief\.yaml: item 'strengths_seconds': id clashes",
        id="id-clashes-with-a-derived-value",
    ),
    pytest.param(
        text_edit("debrief.yaml", "required: true", "requird: true"),
        r"debrief\.yaml: item 'feeling' \(section 'pulse'\): unknown key 'requird' "
        r"\(did you mean 'required'\?\)",
        id="typo-in-an-item-key",
    ),
    pytest.param(
        section_edit("meeting", "close", minutes=DELETE, minuts=2),
        r"meeting\.yaml: section 'close': unknown key 'minuts'",
        id="typo-in-a-section-key",
    ),
    pytest.param(
        text_edit("checklist.yaml", "id: prep_booked", "id: prep_booked: ["),
        lambda folder: rf"checklist\.yaml: YAML syntax error at line {line_of(folder)}\b",
        id="yaml-syntax",
    ),
    pytest.param(
        text_edit(
            "checklist.yaml", "        type: date\n", "        type: date\n        type: tick\n"
        ),
        r"checklist\.yaml: .*line \d+.*duplicate key 'type'",
        id="repeated-key",
    ),
    pytest.param(
        section_edit("meeting", "strengths", minutes=14),
        r"meeting\.yaml: section minutes for meeting 1 add up to 32 .*strengths 14.*"
        r"not total_minutes 30",
        id="minutes-not-summing",
    ),
    pytest.param(
        section_edit("meeting", "followup", minutes=20),
        r"meeting\.yaml: section minutes for meeting 2",
        id="minutes-not-summing-in-meeting-2",
    ),
    pytest.param(
        section_edit("meeting", "goals", condition="goals_ok"),
        r"meeting\.yaml: section 'goals': unknown condition 'goals_ok'",
        id="unknown-condition",
    ),
    pytest.param(
        section_edit("meeting", "goals", condition="success"),
        r"section 'goals': condition 'success'.*yes_no",
        id="condition-not-yes-no",
    ),
    pytest.param(
        both(
            item_edit("prep", "mindset", tip=DELETE),
            item_edit("prep", "perception", wording="  "),
        ),
        (
            re.escape("prep.yaml: item 'mindset' (section 'presence'): missing key 'tip'"),
            re.escape(
                "prep.yaml: item 'perception' (section 'presence'): 'wording' must not be empty"
            ),
        ),
        id="missing-tip-and-empty-wording",
    ),
    pytest.param(
        item_edit("checklist", "prep_booked", id="Prep-Booked"),
        r"checklist\.yaml: item 'Prep-Booked' \(section 'steps'\): .*not valid",
        id="bad-id-format",
    ),
    pytest.param(
        item_edit("prep", "off_limits", shareable=True),
        r"prep\.yaml: item 'off_limits' .*can never be 'shareable'",
        id="confidential-made-shareable",
    ),
    pytest.param(
        # YAML 1.1 reads a bare yes as true; the value must stay the string "yes".
        text_edit("debrief.yaml", 'value: "yes"', "value: yes"),
        r"item 'priorities_change' .*'choices\[0\]\.value'",
        id="unquoted-yes-as-choice-value",
    ),
    pytest.param(
        item_edit("meeting", "strengths_impact", wording="Where does {nmae} have impact?"),
        r"item 'strengths_impact' .*'\{nmae\}'",
        id="unknown-placeholder",
    ),
    pytest.param(
        item_edit("prep", "progress_focus", meetings=[3]),
        r"item 'progress_focus' .*'meetings' may only",
        id="meeting-number-outside-1-and-2",
    ),
    pytest.param(
        remove("debrief.yaml"),
        r"instrument\.yaml: form 'debrief' is listed but debrief\.yaml is missing",
        id="missing-form-file",
    ),
    pytest.param(
        form_edit("debrief", form="pulse"),
        r"debrief\.yaml: says 'form: pulse'",
        id="form-id-not-the-file-name",
    ),
    pytest.param(
        text_edit("instrument.yaml", 'version: "1.0.0"', 'version: "1.0"'),
        r"instrument\.yaml: 'version'.*1\.0\.0",
        id="bad-manifest-version",
    ),
    pytest.param(
        remove("instrument.yaml"),
        r"instrument\.yaml: file not found",
        id="missing-manifest",
    ),
    pytest.param(
        item_edit("debrief", "feeling", scale_max=DELETE),
        r"item 'feeling' .*needs 'scale_min' and 'scale_max'",
        id="scale-without-bounds",
    ),
    # The item-type table: what the live meeting can show, how long a text may be.
    pytest.param(
        in_form("meeting", meeting_scale_item),
        r"meeting\.yaml: item 'mood' \(section 'close'\): type 'scale' cannot be shown in "
        r"the live meeting",
        id="type-the-live-meeting-cannot-show",
    ),
    pytest.param(
        item_edit("prep", "success", max_length=50_000),
        r"prep\.yaml: item 'success' \(section 'success'\): 'max_length' 50000 is above the "
        r"limit of 20000",
        id="max-length-above-the-limit",
    ),
    # Roles.
    pytest.param(
        item_edit("checklist", "meeting_date", role="start_date"),
        r"checklist\.yaml: item 'meeting_date' .*unknown role 'start_date'",
        id="unknown-role",
    ),
    pytest.param(
        both(
            item_edit("checklist", "meeting_date", role=DELETE),
            item_edit("checklist", "prep_booked", role="meeting_date"),
        ),
        r"checklist\.yaml: item 'prep_booked' .*role 'meeting_date' needs an item of type date",
        id="role-on-the-wrong-type",
    ),
    # Screen content: the card, the recap, the meeting-2 context, the huddle.
    pytest.param(
        add_card_row(card_row("Typo", "sucess")),
        r"meeting\.yaml: card row 'Typo': unknown item 'sucess'",
        id="card-unknown-item",
    ),
    pytest.param(
        add_card_row(card_row("Private", "off_limits")),
        r"meeting\.yaml: card row 'Private': item 'off_limits' is confidential",
        id="card-confidential-item",
    ),
    pytest.param(
        add_card_row(card_row("Consent", "goal_alignment_ok", "text_consent")),
        r"meeting\.yaml: card row 'Consent': item 'text_consent' is confidential",
        id="card-consent-item",
    ),
    pytest.param(
        both(
            item_edit("prep", "progress_focus", shareable=False),
            add_card_row(card_row("Focus", "progress_focus")),
        ),
        r"meeting\.yaml: card row 'Focus': item 'progress_focus' is not 'shareable'",
        id="card-item-not-shareable",
    ),
    pytest.param(
        add_card_row(card_row("Lead", {"id": "opening_lead", "says": {"boss": "The boss"}})),
        r"card row 'Lead': item 'opening_lead': 'says' names \['boss'\]",
        id="card-says-an-unknown-choice",
    ),
    pytest.param(
        add_card_row({"heading": "Odd", "hook": "odd", "items": ["success"], "colour": "red"}),
        r"meeting\.yaml: unknown key 'colour' in 'card\[5\]' \(allowed keys: heading, hook, "
        r"items, layout, hide_when_empty\)",
        id="card-unknown-key",
    ),
    pytest.param(
        add_summary_line({"item": "sucess", "lead": "Typo"}),
        r"debrief\.yaml: summary line 'Typo': unknown item 'sucess'",
        id="summary-unknown-item",
    ),
    pytest.param(
        add_summary_line({"item": "concerns", "lead": "Worries"}),
        r"debrief\.yaml: summary line 'Worries': item 'concerns' is confidential",
        id="summary-confidential-item",
    ),
    pytest.param(
        add_summary_line({"item": "insights_blindspot", "lead": "Blind spot"}),
        r"debrief\.yaml: 'summary': item\(s\) \['insights_blindspot'\] are held back",
        id="summary-held-back-item",
    ),
    pytest.param(
        add_summary_line({"item": "meeting_date", "lead": "Date"}),
        r"debrief\.yaml: summary line 'Date': item 'meeting_date' is from checklist\.yaml; a "
        r"summary reads prep\.yaml, meeting\.yaml, debrief\.yaml",
        id="summary-item-of-a-form-it-does-not-read",
    ),
    pytest.param(
        in_form("meeting", lambda data: data["followup_context"]["earlier"].update(success="S")),
        r"meeting\.yaml: followup_context: item 'success' is from prep\.yaml",
        id="followup-recalls-a-prep-item",
    ),
    pytest.param(
        in_form(
            "meeting",
            lambda data: data["followup_context"]["prompts"].update(strengths_best=["go_deeper"]),
        ),
        r"meeting\.yaml: followup_context: 'strengths_best' must be a prompt asked in meeting 2",
        id="followup-context-for-a-meeting-1-prompt",
    ),
    pytest.param(
        in_form(
            "meeting",
            lambda data: data["followup_context"]["prompts"].update(followup_plan=["feeling"]),
        ),
        r"meeting\.yaml: 'followup_context': prompt 'followup_plan' lists \['feeling'\], "
        r"which 'earlier' does not label",
        id="followup-unlabelled-item",
    ),
    pytest.param(
        form_edit("meeting", huddle_reminder=DELETE),
        r"meeting\.yaml: missing key 'huddle_reminder'",
        id="huddle-reminder-missing",
    ),
    pytest.param(
        in_form("meeting", lambda data: data["huddle_reminder"].update(section="closing")),
        r"meeting\.yaml: huddle_reminder: unknown section 'closing'",
        id="huddle-reminder-unknown-section",
    ),
    pytest.param(
        in_form("meeting", lambda data: data["huddle_reminder"].update(during="Stay, {coach}")),
        r"meeting\.yaml: 'huddle_reminder': 'during' contains '\{coach\}'; the only "
        r"placeholder is \{name\}",
        id="huddle-reminder-unknown-placeholder",
    ),
    pytest.param(
        form_edit("prep", card=[card_row("Success", "success")]),
        r"prep\.yaml: 'card' belongs in meeting\.yaml",
        id="card-in-the-wrong-file",
    ),
]


@pytest.mark.parametrize(("edit", "fragments"), BROKEN)
def test_broken_instrument_is_refused(copy_dir: Path, edit: Edit, fragments: Any) -> None:
    if callable(fragments):  # a fragment that depends on the file as it is
        fragments = fragments(copy_dir)
    edit(copy_dir)
    with pytest.raises(InstrumentError) as caught:
        load_instrument(copy_dir)
    message = str(caught.value)
    for fragment in (fragments,) if isinstance(fragments, str) else fragments:
        assert re.search(fragment, message), f"{fragment!r} not in {message!r}"


def test_unmodified_copy_loads(copy_dir: Path) -> None:
    assert load_instrument(copy_dir) == load_instrument()


def test_instrument_error_is_a_value_error() -> None:
    assert issubclass(InstrumentError, ValueError)
