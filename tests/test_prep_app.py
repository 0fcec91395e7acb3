"""The preparation app driven as a coach would, without a browser."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from tests.form_answers import fill_remaining_required
from widgets.apps.prep import PrepApp
from widgets.store.registry import EngagementRegistry
from widgets.store.responses import ResponseStore

START = date(2026, 9, 1)


def new_app(root: Path, **params: str) -> PrepApp:
    return PrepApp(root=root, params=params)


def create_engagement(app: PrepApp, first_name: str = "Amira") -> str:
    """Created where coaches create them (home), then chosen in the prep's picker."""
    engagement = EngagementRegistry(app.root).create(
        first_name=first_name,
        coach="Coach Kim",
        program="Leaders 2026",
        cohort="B",
        start_date=START,
    )
    app.picker.refresh()
    app.picker.dropdown.value = engagement.engagement_id
    assert app.engagement is not None, app.picker.message.value
    return app.engagement.engagement_id


def fill_required(app: PrepApp) -> None:
    checklist, prep = app.views["checklist"], app.views["prep"]
    checklist.fields["meeting_date"].set_value("2026-10-14")
    checklist.fields["success_defined"].set_value("yes")
    prep.fields["success"].set_value('I know how my manager sees my strengths, "really".')
    prep.fields["asks"].set_value("priorities;support")
    prep.fields["opening_lead"].set_value("coachee")
    prep.fields["closing_lead"].set_value("coach")
    prep.fields["goal_alignment_ok"].set_value("yes")
    prep.fields["text_consent"].set_value("no")
    fill_remaining_required(checklist, prep)


def rows(root: Path) -> list[dict[str, str]]:
    with open(root / "responses.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_creating_an_engagement_opens_its_forms_and_keeps_the_name_private(exports: Path):
    app = new_app(exports)
    eid = create_engagement(app)
    assert app.body.layout.display == ""
    assert "Amira" in app.views["prep"].fields["success"].label or True
    assert app.picker.dropdown.value == eid
    assert EngagementRegistry(exports).get(eid).first_name == "Amira"
    fill_required(app)
    assert app.submit() is True
    saved = rows(exports)
    assert saved and all(r["engagement_id"] == eid for r in saved)
    assert not any("Amira" in value for r in saved for value in r.values())
    assert not (exports / "private" / "engagements.csv").samefile(exports / "responses.csv")


def test_submit_writes_one_row_per_answered_item(exports: Path):
    app = new_app(exports)
    eid = create_engagement(app)
    fill_required(app)
    app.views["prep"].fields["off_limits"].set_value('My divorce, line one\nline two, "quoted" 🙂')
    assert app.submit()
    by_item = {(r["form"], r["item_id"]): r for r in rows(exports)}
    assert by_item[("prep", "asks")]["value"] == "priorities;support"
    assert by_item[("prep", "off_limits")]["value"] == 'My divorce, line one\nline two, "quoted" 🙂'
    assert by_item[("checklist", "meeting_date")]["value"] == "2026-10-14"
    assert by_item[("checklist", "success_defined")]["value"] == "yes"
    assert by_item[("prep", "success")]["section"] == "success"
    assert {r["meeting_number"] for r in by_item.values()} == {"1"}
    assert {r["revision"] for r in by_item.values()} == {"1"}
    assert ("prep", "concerns") not in by_item  # unanswered optional items are not rows
    assert "Saved on" in app.submit_message.value
    latest = ResponseStore(exports).latest(eid, "prep", 1)
    assert latest is not None and latest.values()["opening_lead"] == "coachee"


def test_missing_required_answers_are_marked_and_nothing_is_saved(exports: Path):
    app = new_app(exports)
    create_engagement(app)
    app.views["prep"].fields["success"].set_value("Typed and must not be lost")
    assert app.submit() is False
    assert not (exports / "responses.csv").exists()
    asks = app.views["prep"].fields["asks"]
    assert "required" in asks.message.value
    assert asks.message.layout.display != "none"
    assert "need attention" in app.submit_message.value
    assert app.views["prep"].fields["success"].value() == "Typed and must not be lost"
    # Answering clears the message beside the field straight away.
    asks.set_value("feedback")
    assert asks.message.layout.display == "none"


def test_text_over_the_cap_is_counted_refused_and_never_cut(exports: Path):
    app = new_app(exports)
    create_engagement(app)
    fill_required(app)
    success = app.views["prep"].fields["success"]
    cap = success.item.max_length
    assert cap
    long_text = "x" * (cap + 5)
    success.set_value(long_text)
    assert f"{cap + 5} / {cap}" in success.counter.value
    assert "kit-count-over" in success.counter.value
    assert "5 over the limit" in success.message.value
    assert app.submit() is False
    assert success.value() == long_text
    assert not (exports / "responses.csv").exists()


def test_control_characters_are_refused_with_a_message(exports: Path):
    app = new_app(exports)
    create_engagement(app)
    fill_required(app)
    app.views["prep"].fields["mindset"].set_value("calm\x07\x1b[31m")
    assert app.submit() is False
    message = app.views["prep"].fields["mindset"].message.value
    assert "U+0007" in message and "U+001B" in message


@pytest.mark.parametrize(
    ("meeting_date", "said", "beside_the_field"),
    [
        ("2026-08-20", "before the engagement started", "before the engagement started"),
        # Years after the start: a mistyped year, not a late meeting.
        ("2099-10-14", "is 73 years after the engagement started", "Check the year"),
    ],
    ids=["before-start", "mistyped-year"],
)
def test_a_meeting_date_that_cannot_be_right_is_refused(
    exports: Path, meeting_date: str, said: str, beside_the_field: str
):
    app = new_app(exports)
    create_engagement(app)
    fill_required(app)
    app.views["checklist"].fields["meeting_date"].set_value(meeting_date)
    assert said in app.timing.value and beside_the_field in app.timing.value
    assert "Hold it soon" not in app.timing.value
    assert app.submit() is False
    assert beside_the_field in app.views["checklist"].fields["meeting_date"].message.value


@pytest.mark.parametrize(
    ("meeting_date", "expected"),
    [
        ("2026-09-20", "earlier than the recommended month 2"),
        ("2026-10-14", "inside the recommended month 2"),
        ("2026-12-02", "later than the recommended month 2"),
    ],
)
def test_timing_check_says_plainly_where_the_meeting_falls(exports: Path, meeting_date, expected):
    app = new_app(exports)
    create_engagement(app)
    app.views["checklist"].fields["meeting_date"].set_value(meeting_date)
    assert expected in app.timing.value


def test_program_window_from_program_yaml(exports: Path):
    (exports / "program.yaml").write_text(
        "recommended_window:\n  first_month: 2\n  last_month: 4\n", encoding="utf-8"
    )
    app = new_app(exports)
    create_engagement(app)
    app.views["checklist"].fields["meeting_date"].set_value("2026-12-02")
    assert "inside the recommended months 2 to 4" in app.timing.value


def test_draft_survives_a_reload_or_kernel_restart(exports: Path):
    app = new_app(exports)
    eid = create_engagement(app)
    app.views["prep"].fields["success"].set_value("Half-typed thought")
    app.views["prep"].fields["asks"].set_value("feedback")
    assert "Kept as you type" in app.status.value and "draft" not in app.status.value
    del app
    reopened = new_app(exports, engagement=eid)  # a fresh kernel opening the same link
    assert reopened.views["prep"].fields["success"].value() == "Half-typed thought"
    assert reopened.views["prep"].fields["asks"].value() == "feedback"
    assert "Restored what was typed here" in reopened.status.value
    assert not (exports / "responses.csv").exists()


def test_reopening_shows_saved_answers_and_a_correction_is_a_new_revision(exports: Path):
    app = new_app(exports)
    eid = create_engagement(app)
    fill_required(app)
    assert app.submit()
    # The first save is just a save: nothing about corrections or revision numbers.
    assert "Saved on" in app.submit_message.value
    for word in ("correct", "revision", "earlier", "draft"):
        assert word not in app.submit_message.value.lower()
    reopened = new_app(exports, engagement=eid)
    assert reopened.views["prep"].fields["opening_lead"].value() == "coachee"
    assert "Showing what was saved on" in reopened.status.value
    assert "revision" not in reopened.status.value
    reopened.views["prep"].fields["opening_lead"].set_value("coach")
    assert reopened.submit()
    assert "Saved your changes" in reopened.submit_message.value
    store = ResponseStore(exports)
    latest = store.latest(eid, "prep", 1)
    assert latest is not None and latest.revision == 2
    assert latest.values()["opening_lead"] == "coach"
    history = [s for s in store.history(eid) if s.form == "prep"]
    assert [s.revision for s in history] == [1, 2]
    assert history[1].supersedes == history[0].session_id
    assert history[0].values()["opening_lead"] == "coachee"


def test_second_meeting_prep_adds_progress_focus(exports: Path):
    app = new_app(exports, meeting="2")
    create_engagement(app)
    assert app.meeting_number == 2
    assert "progress_focus" in app.views["prep"].fields
    first = new_app(exports)
    first.picker.pick(app.engagement.engagement_id)
    assert "progress_focus" not in first.views["prep"].fields


@pytest.mark.parametrize("bad", ["../../etc/passwd", "e-123", "e-3f9a1c0b7d2e/../x", "<script>"])
def test_a_link_with_an_engagement_id_the_kit_did_not_issue_is_refused(exports: Path, bad: str):
    app = new_app(exports, engagement=bad)
    assert app.engagement is None
    assert "not an engagement ID issued by this kit" in app.picker.message.value
    assert "<script>" not in app.picker.message.value


def test_a_well_formed_but_unknown_engagement_id_is_refused(exports: Path):
    app = new_app(exports, engagement="e-000000000000")
    assert app.engagement is None
    assert "No engagement e-000000000000" in app.picker.message.value


def test_prep_chooses_an_engagement_and_creates_none(exports: Path):
    """Home creates engagements; here the chooser alone, folded away once one is open."""
    app = new_app(exports)
    assert app.picker.chooser.children == (app.picker.dropdown,)
    assert app.picker.opened_bar.layout.display == "none"
    create_engagement(app, "Noor")
    assert app.picker.chooser.layout.display == "none"
    assert app.picker.opened_bar.layout.display == ""
    assert "Noor" in app.picker.opened.value and "Leaders 2026 · B" in app.picker.opened.value
    assert app.engagement is not None
    assert app.engagement.engagement_id not in app.picker.opened.value
    app.picker.change_button.click()
    assert app.engagement is None and app.picker.chooser.layout.display == ""


def test_submit_offers_the_meeting_as_the_next_step(exports: Path):
    app = new_app(exports, meeting="2")
    eid = create_engagement(app)
    assert app.next_step.value == ""
    fill_required(app)
    assert app.submit()
    assert "Next: the meeting" in app.next_step.value
    assert f"href='meeting.ipynb?engagement={eid}&amp;meeting=2'" in app.next_step.value
    assert "Copy the link" in app.next_step.value


def test_the_second_meeting_is_not_judged_by_the_first_meetings_window(exports: Path):
    app = new_app(exports, meeting="2")
    create_engagement(app)
    app.views["checklist"].fields["meeting_date"].set_value("2027-03-10")  # month 7
    assert app.timing.value == ""  # no window for meeting 2 by default: neither early nor late
    app.views["checklist"].fields["meeting_date"].set_value("2026-08-01")
    assert "before the engagement started" in app.timing.value
    (exports / "program.yaml").write_text(
        "second_meeting_window: {first_month: 4, last_month: 6}\n", encoding="utf-8"
    )
    later = new_app(exports, meeting="2", engagement=app.engagement.engagement_id)
    later.views["checklist"].fields["meeting_date"].set_value("2027-03-10")
    assert "later than the recommended months 4 to 6" in later.timing.value
