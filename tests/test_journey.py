"""Engagement status per step: pure rules first, then read from a real store and drafts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from widgets.apps.journey import (
    DONE,
    DRAFT,
    JOURNEY_STEPS,
    NOT_STARTED,
    draft_has_content,
    engagement_status,
    meeting_date,
    read_drafts,
    step_statuses,
    timing_status,
)
from widgets.apps.timing import RecommendedWindow
from widgets.store.drafts import DraftStore
from widgets.store.records import Answer
from widgets.store.registry import EngagementRegistry
from widgets.store.responses import ResponseStore


def states(statuses) -> dict[str, str]:
    return {s.step.key: s.label for s in statuses}


def test_steps_cover_both_meetings_in_order():
    assert [s.key for s in JOURNEY_STEPS] == [
        "checklist",
        "prep",
        "meeting-1",
        "debrief-1",
        "prep-2",
        "meeting-2",
        "debrief-2",
    ]


def test_nothing_saved_and_no_draft_is_not_started():
    assert set(states(step_statuses({}, {})).values()) == {"not started"}


def test_submitted_forms_are_done_with_their_latest_revision():
    submitted = {("checklist", 1): 1, ("prep", 1): 3, ("meeting", 1): 1, ("debrief", 2): 2}
    statuses = step_statuses(submitted, {})
    found = states(statuses)
    assert found["checklist"] == found["prep"] == found["meeting-1"] == "done"
    assert found["debrief-1"] == "not started"
    assert found["prep-2"] == "not started"
    assert found["debrief-2"] == "done"
    revisions = {s.step.key: s.revision for s in statuses}
    assert (revisions["prep"], revisions["debrief-2"], revisions["checklist"]) == (3, 2, 1)
    # Revision numbers are storage detail: never part of what the coach reads.
    assert not any("rev" in label for label in found.values())


def test_prep_draft_counts_for_each_form_it_holds_typed_answers_for():
    # The prep app keeps both forms in one draft; unticked boxes are stored as "no".
    draft = {
        "prep-1": {
            "checklist": {"success_defined": "no", "meeting_date": ""},
            "prep": {"success": "Know my strengths", "asks": ""},
        }
    }
    found = step_statuses({}, draft)
    assert states(found)["checklist"] == "not started"
    assert states(found)["prep"] == "in progress"
    assert found[1].state == DRAFT and found[1].has_draft
    draft["prep-1"]["checklist"]["success_defined"] = "yes"
    assert states(step_statuses({}, draft))["checklist"] == "in progress"


def test_a_draft_beside_a_saved_revision_is_a_correction_in_progress():
    found = step_statuses({("debrief", 1): 1}, {"debrief-1": {"debrief": {"feeling": "4"}}})
    debrief = next(s for s in found if s.step.key == "debrief-1")
    assert debrief.state == DONE and debrief.revision == 1 and debrief.has_draft
    assert debrief.label == "done, changes not submitted"


def test_drafts_of_another_meeting_or_an_unknown_shape():
    assert states(step_statuses({}, {"debrief-2": {"debrief": {"feeling": "2"}}}))["debrief-1"] == (
        "not started"
    )
    # The live meeting may keep its own draft shape: anything typed counts.
    found = states(step_statuses({}, {"meeting-1": {"notes": {"strengths_best": "x"}}}))
    assert found["meeting-1"] == "in progress"
    assert found["meeting-2"] == "not started"


def test_draft_has_content_ignores_untouched_defaults():
    assert not draft_has_content(None, "prep")
    assert not draft_has_content({}, "prep")
    assert not draft_has_content({"prep": {"a": "", "b": "no"}}, "prep")
    assert not draft_has_content({"checklist": {"a": "yes"}}, "prep")
    assert draft_has_content({"prep": {"a": " text "}}, "prep")
    assert not draft_has_content({"clock": {}, "debrief": {}}, "debrief")


def test_a_held_meeting_beats_the_planned_date():
    checklist = {"meeting_date": "2026-10-14"}
    assert meeting_date(checklist, None) == (date(2026, 10, 14), False)
    held = {"meeting_started_at": "2026-11-03T09:00:00+00:00"}
    assert meeting_date(checklist, held) == (date(2026, 11, 3), True)
    assert meeting_date({"meeting_date": "not a date"}, {}) == (None, False)


def test_timing_against_the_window():
    start = date(2026, 9, 1)
    assert timing_status(start, None) is None
    assert timing_status(start, date(2026, 10, 14)).status == "in_window"
    assert timing_status(start, date(2026, 9, 14)).status == "early"
    assert timing_status(start, date(2026, 12, 14)).status == "late"
    wide = RecommendedWindow(2, 4)
    assert timing_status(start, date(2026, 12, 14), wide).status == "in_window"


def _submit(store: ResponseStore, eid: str, form: str, n: int, **values: str) -> None:
    store.submit(
        engagement_id=eid,
        form=form,
        meeting_number=n,
        answers=[Answer(form, k, "text", v) for k, v in values.items()],
        instrument_version="1.0.0",
    )


def test_engagement_status_from_the_store_and_drafts(exports: Path):
    registry = EngagementRegistry(exports)
    amira = registry.create(first_name="Amira", start_date=date(2026, 9, 1))
    store, drafts = ResponseStore(exports), DraftStore(exports)
    eid = amira.engagement_id

    fresh = engagement_status(amira, store, drafts)
    assert fresh.next_step is not None and fresh.next_step.step.key == "checklist"
    assert fresh.timing is None and fresh.meeting_date is None

    drafts.save(eid, "prep-1", {"checklist": {"meeting_date": "2026-12-20"}, "prep": {}})
    drafted = engagement_status(amira, store, drafts)
    assert drafted.step("checklist").state == DRAFT
    assert drafted.step("prep").state == NOT_STARTED
    assert drafted.timing is not None and drafted.timing.status == "late"

    _submit(store, eid, "checklist", 1, meeting_date="2026-10-14")
    _submit(store, eid, "prep", 1, success="x")
    _submit(store, eid, "prep", 1, success="corrected")
    drafts.clear(eid, "prep-1")
    _submit(store, eid, "meeting", 1, meeting_started_at="2026-10-20T09:00:00+00:00")
    status = engagement_status(amira, store, drafts)
    assert status.step("checklist").label == "done"
    assert status.step("prep").label == "done" and status.step("prep").revision == 2
    assert status.step("meeting-1").label == "done"
    assert status.meeting_held and status.meeting_date == date(2026, 10, 20)
    assert status.timing is not None and status.timing.status == "in_window"
    assert status.next_step is not None and status.next_step.step.key == "debrief-1"

    # Another engagement's data never shows up here.
    other = registry.create(first_name="Noor", start_date=date(2026, 9, 1))
    assert {s.state for s in engagement_status(other, store, drafts).steps} == {NOT_STARTED}


def test_an_unreadable_draft_file_is_ignored(exports: Path):
    registry = EngagementRegistry(exports)
    amira = registry.create(first_name="Amira", start_date=date(2026, 9, 1))
    drafts = DraftStore(exports)
    folder = drafts.folder / amira.engagement_id
    folder.mkdir(parents=True)
    (folder / "debrief-1.json").write_text("{torn", encoding="utf-8")
    (folder / "bad key!.json").write_text("{}", encoding="utf-8")
    status = engagement_status(amira, ResponseStore(exports), drafts)
    assert status.step("debrief-1").state == NOT_STARTED


def test_the_home_page_reads_drafts_without_coachee_only_text(exports: Path):
    """A prep in progress shows as in progress on home, but its private words never reach
    the page: the draft is read through each item's visibility."""
    from widgets.apps.home import HomeApp
    from widgets.instrument.yaml_loading import load_instrument

    prep = load_instrument().form("prep")
    private = [i.id for i in prep.all_items if not i.reaches("program") and i.free_text]
    assert {"off_limits", "concerns"} <= set(private)
    registry = EngagementRegistry(exports)
    amira = registry.create(first_name="Amira", start_date=date(2026, 9, 1))
    drafts = DraftStore(exports)
    secret = {item_id: f"SECRET words of {item_id}" for item_id in private}
    drafts.save(amira.engagement_id, "prep-1", {"prep": secret})

    read = read_drafts(drafts, amira.engagement_id)
    assert "SECRET" not in repr(read)
    status = engagement_status(amira, ResponseStore(exports), drafts)
    assert status.step("prep").state == DRAFT  # still counts as typed

    home = HomeApp(root=exports)
    assert "SECRET" not in repr(home.widget.get_state()) and "SECRET" not in repr(home.__dict__)
