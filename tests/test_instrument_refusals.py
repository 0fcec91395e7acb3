"""Broken instrument files are refused with the file, the place and the problem named.

One table: each case is an edit of a copy of the packaged instrument and what the
refusal must say. A new check is a new row.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.instrument_edits import (
    DELETE,
    Edit,
    add_card_row,
    add_summary_line,
    both,
    card_row,
    find_section,
    form_edit,
    in_form,
    item_edit,
    line_of,
    remove,
    section_edit,
    text_edit,
)
from widgets.instrument.yaml_loading import DEFAULT_INSTRUMENT_DIR, InstrumentError, load_instrument


@pytest.fixture()
def copy_dir(tmp_path: Path) -> Path:
    target = tmp_path / "instrument"
    shutil.copytree(DEFAULT_INSTRUMENT_DIR, target)
    return target


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
        item_edit("prep", "off_limits", visibility="meeting"),
        r"prep\.yaml: item 'off_limits' .*confidential: its visibility must be 'coachee_only', "
        r"not 'meeting'",
        id="confidential-made-visible",
    ),
    pytest.param(
        item_edit("prep", "concerns", visibility="program"),
        r"prep\.yaml: item 'concerns' .*its visibility must be 'coachee_only'",
        id="confidential-made-program-data",
    ),
    pytest.param(
        item_edit("prep", "success", visibility="everyone"),
        r"prep\.yaml: item 'success' .*'visibility'.*coachee_only.*program.*summary.*meeting",
        id="unknown-visibility",
    ),
    pytest.param(
        item_edit("prep", "success", shareable=True),
        r"prep\.yaml: item 'success' .*'shareable' was replaced by 'visibility'",
        id="old-shareable-flag",
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
        text_edit("instrument.yaml", 'version: "1.1.0"', 'version: "1.0"'),
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
        r"meeting\.yaml: card row 'Private': item 'off_limits' has visibility 'coachee_only'",
        id="card-confidential-item",
    ),
    pytest.param(
        add_card_row(card_row("Consent", "goal_alignment_ok", "text_consent")),
        r"meeting\.yaml: card row 'Consent': item 'text_consent' has visibility 'program' "
        r"in prep\.yaml, so it cannot be on the card",
        id="card-consent-item",
    ),
    pytest.param(
        both(
            item_edit("prep", "progress_focus", visibility="summary"),
            add_card_row(card_row("Focus", "progress_focus")),
        ),
        r"meeting\.yaml: card row 'Focus': item 'progress_focus' has visibility 'summary'",
        id="card-item-not-visible-in-meeting",
    ),
    pytest.param(
        add_card_row(card_row("Lead", {"id": "opening_lead", "says": {"boss": "The boss"}})),
        r"card row 'Lead': item 'opening_lead': 'says' names \['boss'\]",
        id="card-says-an-unknown-choice",
    ),
    pytest.param(
        add_card_row({"heading": "Odd", "hook": "odd", "items": ["success"], "colour": "red"}),
        r"meeting\.yaml: unknown key 'colour' in 'card\[6\]' \(allowed keys: heading, hook, "
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
        r"debrief\.yaml: summary line 'Worries': item 'concerns' has visibility "
        r"'coachee_only' in prep\.yaml, so it can never be in the summary",
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
            lambda data: data["followup_context"]["earlier"].update(go_deeper="Go deeper?"),
        ),
        r"meeting\.yaml: followup_context: item 'go_deeper' is from debrief\.yaml; .*never "
        r"the prep or the debrief",
        id="followup-recalls-a-debrief-answer",
    ),
    pytest.param(
        item_edit("meeting", "insights_gift", visibility="program"),
        r"meeting\.yaml: followup_context: item 'insights_gift' has visibility 'program', so "
        r"it cannot be shown on the meeting screen",
        id="followup-recalls-an-item-kept-off-screen",
    ),
    pytest.param(
        in_form(
            "meeting",
            lambda data: data["followup_context"]["prompts"].update(
                strengths_best=["insights_gift"]
            ),
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
