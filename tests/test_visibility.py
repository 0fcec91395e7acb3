"""Who may see each answer: one declaration, said beside each prep item and in the consent."""

from __future__ import annotations

from datetime import date

import pytest

from widgets.apps.prep import PrepApp
from widgets.forms.form_view import FormView
from widgets.instrument.visibility import VISIBILITY_LABELS, reaches
from widgets.instrument.yaml_loading import load_instrument
from widgets.store.registry import EngagementRegistry

INSTRUMENT = load_instrument()
PREP = INSTRUMENT.form("prep")

# Each prep free-text answer the consent covers, by the words the question uses for it.
CONSENT_COVERS = {
    "success": "success",
    "asks_other": "other asks",
    "share_topics": "topics to talk about",
    "opening_plan": "open",
    "closing_plan": "close the meeting",
    "progress_focus": "second meeting's focus",
}
# Each coachee-only answer, by the words that promise it is never used.
CONSENT_NEVER = {
    "off_limits": "off-limits topics",
    "concerns": "concerns",
    "concern_plan": "how you would handle them",
    "perception": "perception",
    "mindset": "mindset",
}


def test_levels_are_ordered_and_coachee_only_reaches_no_one():
    assert not any(reaches("coachee_only", a) for a in ("program", "summary", "meeting"))
    assert reaches("meeting", "summary") and reaches("summary", "program")
    assert not reaches("program", "summary") and not reaches("summary", "meeting")
    with pytest.raises(ValueError, match="'everyone' is not one of coachee_only"):
        reaches("everyone", "program")


def test_the_consent_question_names_what_it_covers_and_what_it_never_does():
    wording = " ".join(PREP.item("text_consent").wording.split())
    covered = {i.id for i in PREP.all_items if i.free_text and i.reaches("program")}
    never = {i.id for i in PREP.all_items if i.visibility == "coachee_only"}
    # A new written item, or a changed declaration, fails here until the wording says so.
    assert covered == set(CONSENT_COVERS) and never == set(CONSENT_NEVER)
    for words in (*CONSENT_COVERS.values(), *CONSENT_NEVER.values()):
        assert words in wording, words
    before, _, after = wording.partition("never used")
    assert all(words in before for words in CONSENT_NEVER.values()) and after
    assert "notes from the meeting and the debrief" in before


def test_every_prep_item_says_who_will_see_it_in_plain_words(exports):
    eid = (
        EngagementRegistry(exports)
        .create(first_name="Amira", start_date=date(2026, 9, 1))
        .engagement_id
    )
    app = PrepApp(root=exports, params={"engagement": eid})
    view = app.views["prep"]
    for item_id, field in view.fields.items():
        labels = [
            str(c.value)
            for c in field.box.children
            if "kit-visibility" in str(getattr(c, "value", ""))
        ]
        wanted = VISIBILITY_LABELS[PREP.item(item_id).visibility]
        assert len(labels) == 1 and wanted in labels[0], item_id
    said = lambda item_id: str(view.fields[item_id].box.children[-1].value)  # noqa: E731
    assert "Only you and your coach" in said("off_limits")
    assert "Shown in the meeting" in said("success")
    assert "Program data (anonymised)" in said("text_consent")
    # The checklist is the coachee's own: no labels there.
    checklist = app.views["checklist"]
    assert not any(
        "kit-visibility" in str(getattr(c, "value", ""))
        for f in checklist.fields.values()
        for c in f.box.children
    )


def test_a_form_shows_no_visibility_labels_unless_asked():
    plain = FormView(PREP)
    assert not any(
        "kit-visibility" in str(getattr(c, "value", ""))
        for f in plain.fields.values()
        for c in f.box.children
    )
