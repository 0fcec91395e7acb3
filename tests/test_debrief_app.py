"""The debrief app driven as a coach would, with a fake clock instead of waiting."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.fake_clock import FakeClock
from tests.form_answers import fill_remaining_required
from widgets.apps.debrief import DebriefApp, build_debrief_app
from widgets.apps.debrief_clock import DebriefClock
from widgets.instrument.yaml_loading import load_instrument
from widgets.store.drafts import DraftStore
from widgets.store.records import Answer
from widgets.store.registry import EngagementRegistry
from widgets.store.responses import ResponseStore

T0 = datetime(2026, 10, 20, 9, 30, tzinfo=timezone.utc)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def eid(exports: Path) -> str:
    engagement = EngagementRegistry(exports).create(
        first_name="Amira", start_date=date(2026, 9, 1), program="Leaders", cohort="B"
    )
    return engagement.engagement_id


def new_app(root: Path, clock: FakeClock, **params: str) -> DebriefApp:
    return DebriefApp(
        root=root, params=params, clock=clock, tick_seconds=None, today=lambda: date(2026, 10, 20)
    )


def fill_required(app: DebriefApp) -> None:
    assert app.view is not None
    fields = app.view.fields
    fields["feeling"].set_value("4")
    fields["priorities_change"].set_value("yes")
    fields["priorities_note"].set_value("Delegation first")
    fields["go_deeper"].set_value("yes")
    fill_remaining_required(app.view)


def test_the_form_is_the_instrument_with_hooks_and_opens_from_a_link(
    exports: Path, clock: FakeClock, eid: str
):
    app = new_app(exports, clock, engagement=eid, meeting="2")
    assert app.engagement is not None and app.engagement.engagement_id == eid
    assert app.meeting_number == 2 and app.meeting_toggle.value == 2
    assert app.view is not None
    assert list(app.view.fields) == [
        "feeling",
        "feeling_note",
        "stood_out_coachee",
        "stood_out_coach",
        "use_of_info",
        "priorities_change",
        "priorities_note",
        "go_deeper",
    ]
    for item_id, field in app.view.fields.items():
        assert f"kit-debrief-{item_id}" in field.input._dom_classes
    assert "kit-action-submit" in app.submit_button._dom_classes
    assert "kit-action-start-clock" in app.start_button._dom_classes
    assert app.body.layout.display == ""


def test_the_picker_opens_an_engagement_too(exports: Path, clock: FakeClock, eid: str):
    app = new_app(exports, clock)
    assert app.body.layout.display == "none"
    app.picker.pick(eid)
    assert app.view is not None and app.engagement is not None


def test_clock_counts_from_the_stored_start_and_names_the_part(
    exports: Path, clock: FakeClock, eid: str
):
    app = new_app(exports, clock, engagement=eid)
    assert app.clock.started_at is None
    assert "15:00" in app.clock_html.value and "press Start" in app.clock_html.value
    app.start_button.click()
    assert app.clock.started_at == T0
    assert app.start_button.layout.display == "none"
    clock.advance(seconds=200)
    app.refresh_clock()
    assert "11:40</span> left of 15 min" in app.clock_html.value
    assert "Now: What stood out (5 min)" in app.clock_html.value
    clock.advance(minutes=13)
    app.refresh_clock()
    assert "kit-dclock-over" in app.clock_html.value
    assert "1:20</span> over the 15 min" in app.clock_html.value


def test_the_clock_survives_a_reload_through_the_draft(exports: Path, clock: FakeClock, eid: str):
    app = new_app(exports, clock, engagement=eid)
    app.start_button.click()
    draft = DraftStore(exports).load(eid, "debrief-1")
    assert draft is not None and draft[1]["clock"]["started_at"] == T0.isoformat()
    clock.advance(minutes=6)
    reopened = new_app(exports, clock, engagement=eid)  # a new kernel, same link
    assert reopened.clock.started_at == T0
    assert "9:00</span> left" in reopened.clock_html.value
    # Pressing Start again never restarts it.
    reopened.start_button.click()
    assert reopened.clock.started_at == T0


def test_the_first_answer_starts_the_clock(exports: Path, clock: FakeClock, eid: str):
    app = new_app(exports, clock, engagement=eid)
    clock.advance(seconds=30)
    app.view.fields["feeling"].set_value("3")
    assert app.clock.started_at == T0 + timedelta(seconds=30)
    assert "Kept as you type" in app.status.value


def test_draft_answers_come_back_after_a_reload(exports: Path, clock: FakeClock, eid: str):
    app = new_app(exports, clock, engagement=eid)
    app.view.fields["stood_out_coachee"].set_value("How calm my manager was")
    reopened = new_app(exports, clock, engagement=eid)
    assert reopened.view.fields["stood_out_coachee"].value() == "How calm my manager was"
    assert "Restored what was typed here" in reopened.status.value
    assert not (exports / "responses.csv").exists()


def test_missing_required_answers_are_marked_and_nothing_is_saved(
    exports: Path, clock: FakeClock, eid: str
):
    app = new_app(exports, clock, engagement=eid)
    app.view.fields["stood_out_coach"].set_value("Typed and must stay")
    assert app.submit() is False
    assert not (exports / "responses.csv").exists()
    feeling = app.view.fields["feeling"]
    assert "required" in feeling.message.value
    assert feeling.message.layout.display != "none"
    assert "3 answers need attention" in app.submit_message.value
    assert app.view.fields["stood_out_coach"].value() == "Typed and must stay"
    assert app.summary is None
    feeling.set_value("2")
    assert feeling.message.layout.display == "none"


def test_over_long_or_control_character_text_is_refused(exports: Path, clock: FakeClock, eid: str):
    app = new_app(exports, clock, engagement=eid)
    fill_required(app)
    note = app.view.fields["feeling_note"]
    note.set_value("x" * 250)
    assert app.submit() is False
    assert "over the limit" in note.message.value
    note.set_value("fine\x1b[31m")
    assert app.submit() is False
    assert "U+001B" in note.message.value
    assert not (exports / "responses.csv").exists()


def test_submit_saves_answers_and_the_clock_then_opens_the_summary(
    exports: Path, clock: FakeClock, eid: str
):
    app = new_app(exports, clock, engagement=eid)
    app.start_button.click()
    clock.advance(minutes=12, seconds=5)
    fill_required(app)
    app.view.fields["stood_out_coachee"].set_value("Private first reaction")
    assert app.submit() is True
    assert "Saved on" in app.submit_message.value
    for word in ("correct", "revision", "earlier", "draft"):
        assert word not in app.submit_message.value.lower()
    saved = ResponseStore(exports).latest(eid, "debrief", 1)
    assert saved is not None
    values = saved.values()
    assert values["feeling"] == "4" and values["go_deeper"] == "yes"
    assert values["debrief_started_at"] == T0.isoformat()
    assert values["debrief_ended_at"] == (T0 + timedelta(minutes=12, seconds=5)).isoformat()
    assert values["debrief_seconds"] == "725"
    types = {a.item_id: (a.section, a.item_type) for a in saved.answers}
    assert types["debrief_seconds"] == ("debrief", "seconds")
    assert types["debrief_started_at"] == ("debrief", "timestamp")
    assert DraftStore(exports).load(eid, "debrief-1") is None
    assert "Took" in app.clock_html.value and "12:05" in app.clock_html.value
    # The summary follows, first on the page (above the form), and a private reaction
    # is not in it.
    assert app.summary is not None
    body = app.body.children
    assert body.index(app.summary_box) < body.index(app.form_box)
    assert app.summary_box.children == (app.summary.widget,)
    assert "Delegation first" in app.summary.markdown()
    assert "Private first reaction" not in app.summary.markdown()


def test_a_correction_keeps_the_original_timing(exports: Path, clock: FakeClock, eid: str):
    app = new_app(exports, clock, engagement=eid)
    app.start_button.click()
    clock.advance(minutes=14)
    fill_required(app)
    assert app.submit()
    clock.advance(days=1)
    reopened = new_app(exports, clock, engagement=eid)
    assert "Showing what was saved on" in reopened.status.value
    assert reopened.view.fields["priorities_note"].value() == "Delegation first"
    assert "Took" in reopened.clock_html.value
    reopened.view.fields["priorities_note"].set_value("Delegation, then visibility")
    assert reopened.submit()
    assert "Saved your changes" in reopened.submit_message.value
    latest = ResponseStore(exports).latest(eid, "debrief", 1)
    assert latest is not None and latest.revision == 2
    assert latest.values()["debrief_seconds"] == str(14 * 60)
    assert latest.values()["priorities_note"] == "Delegation, then visibility"


def test_summary_is_reachable_for_a_saved_debrief(exports: Path, clock: FakeClock, eid: str):
    unsaved = new_app(exports, clock, engagement=eid, view="summary")
    assert unsaved.summary is None
    assert unsaved.summary_button.layout.display == "none"
    ResponseStore(exports).submit(
        engagement_id=eid,
        form="debrief",
        meeting_number=1,
        answers=[Answer("use", "use_of_info", "long_text", "Tell the team")],
        instrument_version=load_instrument().version,
    )
    opened = new_app(exports, clock, engagement=eid, view="summary")
    assert opened.summary is not None and "Tell the team" in opened.summary.markdown()
    later = new_app(exports, clock, engagement=eid)
    assert later.summary is None and later.summary_button.layout.display == ""
    later.summary_button.click()
    assert later.summary is not None


def test_second_meeting_debrief_is_kept_apart(exports: Path, clock: FakeClock, eid: str):
    first = new_app(exports, clock, engagement=eid)
    first.view.fields["feeling"].set_value("5")
    second = new_app(exports, clock, engagement=eid, meeting="2")
    assert second.view.fields["feeling"].value() == ""
    fill_required(second)
    assert second.submit()
    store = ResponseStore(exports)
    assert store.submitted(eid) == {("debrief", 2): 1}
    assert DraftStore(exports).load(eid, "debrief-1") is not None


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"engagement": "../../etc"}, "not an engagement ID issued by this kit"),
        ({"engagement": "e-000000000000"}, "No engagement e-000000000000"),
        ({"meeting": "3"}, "is not 1 or 2"),
    ],
)
def test_bad_links_say_what_is_wrong(exports: Path, clock: FakeClock, params, message):
    app = new_app(exports, clock, **params)
    assert app.engagement is None
    assert message in app.picker.message.value


def test_debrief_clock_on_its_own():
    clock = FakeClock(T0)
    debrief = DebriefClock(load_instrument().form("debrief"), clock=clock)
    assert debrief.total_seconds == 900
    assert debrief.remaining() == 900 and debrief.current_section() is None
    assert debrief.start() is True and debrief.start() is False
    clock.advance(seconds=119)
    assert debrief.current_section() == ("How you are doing", 120)
    clock.advance(seconds=1)
    assert debrief.current_section() == ("What stood out", 300)
    clock.advance(minutes=20)
    assert debrief.current_section() == ("Next session", 120)
    debrief.stop()
    clock.advance(minutes=5)
    assert debrief.elapsed() == 22 * 60 and not debrief.running
    again = DebriefClock(load_instrument().form("debrief"), clock=clock)
    again.restore(debrief.state())
    assert again.elapsed() == 22 * 60
    again.restore({"started_at": "garbage"})
    assert again.started_at is None


def test_build_debrief_app_returns_the_widget(exports: Path, eid: str):
    widget = build_debrief_app(root=exports, params={"engagement": eid})
    assert "kit-debrief-app" in widget._dom_classes
