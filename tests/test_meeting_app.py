"""The live meeting app driven as a coach would, with a fake clock and no browser."""

from __future__ import annotations

import csv
from datetime import date, datetime, timezone
from pathlib import Path

import ipywidgets as w
import pytest

from tests.fake_clock import FakeClock
from widgets.apps.meeting.app import MeetingApp
from widgets.instrument.derived_items import derived_meeting_items
from widgets.instrument.yaml_loading import load_instrument
from widgets.shell.context import training_dir
from widgets.store.records import Answer
from widgets.store.registry import EngagementRegistry
from widgets.store.responses import ResponseStore

T0 = datetime(2026, 10, 14, 9, 0, tzinfo=timezone.utc)
VERSION = load_instrument().version
SECRETS = {
    "off_limits": "SECRET-OFFLIMITS the reorganisation",
    "concerns": "SECRET-CONCERN my manager interrupts",
    "concern_plan": "SECRET-PLAN a hand signal",
    "perception": "SECRET-PERCEPTION as a future director",
    "mindset": "SECRET-MINDSET curious",
}


def engagement(root: Path, first_name: str = "Amira") -> str:
    created = EngagementRegistry(root).create(first_name=first_name, start_date=date(2026, 9, 1))
    return created.engagement_id


def save_prep(root: Path, eid: str, *, goals: str = "yes", meeting_number: int = 1) -> None:
    values = {
        "success": "I hear how my manager sees my strengths",
        "asks": "priorities;support",
        "asks_other": "Ideas for a stretch project",
        "share_topics": "My projects and the team",
        "opening_lead": "coachee",
        "opening_plan": "I thank them and introduce the coach",
        "closing_lead": "coach",
        "closing_plan": "Coach thanks, then our huddle",
        "goal_alignment_ok": goals,
        "text_consent": "no",
        **SECRETS,
    }
    prep = load_instrument().form("prep")
    answers = [Answer(prep.section_of(k).id, k, prep.item(k).type, v) for k, v in values.items()]
    ResponseStore(root).submit(
        engagement_id=eid,
        form="prep",
        meeting_number=meeting_number,
        answers=answers,
        instrument_version=VERSION,
    )


def open_app(root: Path, clock: FakeClock, eid: str, meeting: int = 1) -> MeetingApp:
    return MeetingApp(root=root, params={"engagement": eid, "meeting": str(meeting)}, clock=clock)


def meeting_rows(root: Path, eid: str) -> dict[str, dict[str, str]]:
    with open(root / "responses.csv", newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["engagement_id"] == eid]
    return {r["item_id"]: r for r in rows if r["form"] == "meeting"}


def all_text(widget: w.Widget) -> str:
    """Every string a widget tree would send to the page."""
    parts: list[str] = []
    for name in ("value", "description", "placeholder", "tooltip"):
        value = getattr(widget, name, None)
        if isinstance(value, str):
            parts.append(value)
    for option in getattr(widget, "options", ()) or ():
        parts.append(str(option))
    for child in getattr(widget, "children", ()):
        parts.append(all_text(child))
    return "\n".join(parts)


def test_opens_from_the_link_with_the_shareable_card_only(exports: Path):
    eid = engagement(exports)
    save_prep(exports, eid)
    app = open_app(exports, FakeClock(T0), eid)
    text = all_text(app.widget)
    assert "Meeting with Amira" in text
    assert "I hear how my manager sees my strengths" in text
    assert "Alignment on your coaching priorities" in text and "Ideas for a stretch" in text
    assert "Amira, with the coach supporting" in text  # who opens
    for secret in SECRETS.values():
        assert secret not in text
    # The private items are dropped when the prep is read, not just left out of the HTML.
    assert app.shared_prep is not None
    assert not set(SECRETS) & set(app.shared_prep.values)
    assert app.picker is None  # never built: no other coachee's name on this page


def test_a_part_is_built_only_when_first_shown(exports: Path):
    eid = engagement(exports)
    app = open_app(exports, FakeClock(T0), eid)
    assert app.blocks == {}  # a light page: the agenda parts come as they are reached
    app.start()
    assert list(app.blocks) == ["opening"]
    app.next()
    assert list(app.blocks) == ["opening", "strengths"]
    assert app.blocks["opening"].layout.display == "none"


def test_an_invalid_link_says_so_and_offers_the_picker(exports: Path):
    app = MeetingApp(root=exports, params={"engagement": "../etc"}, clock=FakeClock(T0))
    assert app.picker is not None
    assert "not an engagement ID issued by this kit" in app.picker.message.value
    assert app.body.layout.display == "none"


def test_no_prep_saved_is_said_plainly_and_the_meeting_still_runs(exports: Path):
    eid = engagement(exports)
    clock = FakeClock(T0)
    app = open_app(exports, clock, eid)
    assert "No prep saved" in all_text(app.card_box)
    assert app.timer is not None and app.timer.section("goals").skipped
    with pytest.raises(KeyError, match="skipped"):
        app.prompt("goals_notes")
    assert "Coaching goals" not in app.agenda_html.value.split("kit-coach-hint")[0]
    assert app.start()
    clock.advance(minutes=1)
    assert app.end()
    assert meeting_rows(exports, eid)["goals_skipped"]["value"] == "yes"


def test_picking_an_engagement_closes_the_list_of_other_names(exports: Path):
    eid = engagement(exports, "Amira")
    engagement(exports, "Zebulon")
    app = MeetingApp(root=exports, params={}, clock=FakeClock(T0))
    assert app.picker is not None
    dropdown = app.picker.dropdown
    assert any("Zebulon" in str(o) for o in dropdown.options)
    dropdown.value = eid
    assert app.picker is None
    assert dropdown.comm is None  # closed: its options left the page
    assert "Zebulon" not in all_text(app.widget)
    assert "Amira" in all_text(app.chooser)
    # "Change engagement" brings the list back.
    app.change_button.click()
    assert app.picker is not None and app.body.layout.display == "none"


def test_thirteen_minutes_into_strengths_shows_over_budget(exports: Path):
    eid = engagement(exports)
    save_prep(exports, eid)
    clock = FakeClock(T0)
    app = open_app(exports, clock, eid)
    app.start_button.click()
    clock.advance(minutes=3)
    app.next_button.click()
    clock.advance(minutes=11, seconds=30)
    app.tick()
    assert "kit-state-last_minute" in app.clock_html.value and "Last minute" in app.clock_html.value
    assert "One minute left in Strengths" in app.cue_html.value
    assert "<audio" not in app.cue_html.value  # sound is off unless the coach turns it on
    clock.advance(minutes=1, seconds=30)
    app.tick()
    html = app.clock_html.value
    assert "Over budget" in html and "kit-state-word-over_budget" in html
    assert ">+1:00<" in html and "over its 12:00" in html  # the overtime counts up
    assert ">16:00<" in html and ">14:00<" in html  # elapsed, remaining
    assert "⚠ Behind" in html and "On time" not in html  # one signal: the meeting too
    assert "has used its time" in app.cue_html.value
    assert app.blocks["strengths"].layout.display == ""
    assert app.blocks["opening"].layout.display == "none"


def test_goals_declined_in_prep_are_simply_absent_from_the_shared_screen(exports: Path):
    eid = engagement(exports)
    save_prep(exports, eid, goals="no")
    app = open_app(exports, FakeClock(T0), eid)
    with pytest.raises(KeyError, match="skipped"):
        app.prompt("goals_notes")
    assert app.timer is not None and app.timer.section("goals").skipped
    agenda, _, hint = app.agenda_html.value.partition("<details class='kit-coach-hint'>")
    # The agenda lists the parts that run; the manager is not told one was declined.
    assert "Coaching goals" not in agenda and "skipped" not in agenda.lower()
    # The coach finds it in a collapsed note that gives no reason.
    assert "Left off the agenda: Coaching goals" in hint  # a closed <details>: no 'open'

    page = all_text(app.widget).lower()
    for reason in ("agreed in prep", "skipped because", "declined", "leave it out"):
        assert reason not in page
    assert "Spare time in the meeting: 3:00" in app.clock_html.value


def test_goals_are_shown_when_prep_said_yes(exports: Path):
    eid = engagement(exports)
    save_prep(exports, eid, goals="yes")
    app = open_app(exports, FakeClock(T0), eid)
    assert "valuable outcome" in app.prompt("goals_notes").field.label
    assert app.timer is not None and not app.timer.section("goals").skipped
    assert "Coaching goals" in app.agenda_html.value
    assert "kit-coach-hint" not in app.agenda_html.value
    assert "Spare time in the meeting: 0:00" in app.clock_html.value


def test_prompts_fill_the_name_hide_the_tip_and_typing_marks_asked(exports: Path):
    eid = engagement(exports)
    app = open_app(exports, FakeClock(T0), eid)
    view = app.prompt("strengths_superpower")
    assert "If Amira were a superhero" in view.field.label
    assert view.tip.layout.display == "none"
    view.tip_button.value = True
    assert view.tip.layout.display == "" and "memorable" in view.tip.value
    assert view.asked.value is False
    view.field.input.value = "Calm in a crisis"
    assert view.asked.value is True
    assert "kit-meeting-strengths_superpower" in view.field.input._dom_classes
    assert "kit-meeting-strengths_superpower_asked" in view.asked._dom_classes


def test_a_note_over_the_cap_keeps_every_character_and_blocks_end(exports: Path):
    eid = engagement(exports)
    clock = FakeClock(T0)
    app = open_app(exports, clock, eid)
    app.start()
    long = "x" * 2001
    app.prompt("strengths_best").field.input.value = long
    assert "2001 / 2000" in app.prompt("strengths_best").field.counter.value
    assert not app.end()
    assert "Not ended yet" in app.action_message.value
    assert app.timer is not None and app.timer.in_progress
    assert app.prompt("strengths_best").notes() == long
    assert "nothing has been cut" in app.prompt("strengths_best").field.message.value


def test_checkpoints_record_the_tick_time_and_unticking_clears_it(exports: Path):
    eid = engagement(exports)
    clock = FakeClock(T0)
    app = open_app(exports, clock, eid)
    app.start()
    clock.advance(seconds=40)
    box = app.checkpoint("opening_thanks")
    box.field.input.value = True
    assert box.ticked_at == "2026-10-14T09:00:40.000+00:00"
    assert "ticked at" in box.when.value
    box.field.input.value = False
    assert box.ticked_at == "" and box.when.value == ""


def test_a_reload_after_twenty_minutes_resumes_in_the_right_place(exports: Path):
    eid = engagement(exports)
    save_prep(exports, eid)
    clock = FakeClock(T0)
    app = open_app(exports, clock, eid)
    app.start()
    clock.advance(seconds=30)
    app.checkpoint("opening_thanks").field.input.value = True
    clock.advance(minutes=2, seconds=30)
    app.next()  # strengths at 3:00
    app.prompt("strengths_best").field.input.value = 'The launch, "calm" 👍\nsecond line'
    app.prompt("strengths_impact").asked.value = True
    clock.advance(minutes=12)
    app.next()  # insights at 15:00
    app.prompt("insights_gift").field.input.value = "Patience"
    app.prompt("insights_gift").asked.value = False
    clock.advance(minutes=5)  # 20:00: the tab is reloaded (a new kernel, same data)

    again = open_app(exports, clock, eid)
    timer = again.timer
    assert timer is not None and timer.current is not None
    assert timer.current.id == "insights"
    assert timer.elapsed() == 20 * 60
    assert timer.section_elapsed("insights") == 5 * 60
    assert timer.section_elapsed("strengths") == 12 * 60
    assert again.prompt("strengths_best").notes() == 'The launch, "calm" 👍\nsecond line'
    assert again.prompt("strengths_best").asked.value is True
    assert again.prompt("strengths_impact").asked.value is True
    assert again.prompt("insights_gift").notes() == "Patience"
    assert again.prompt("insights_gift").asked.value is False  # the coach's untick kept
    assert again.checkpoint("opening_thanks").ticked_at == "2026-10-14T09:00:30.000+00:00"
    assert "Restored the meeting in progress" in again.status.value
    assert ">20:00<" in again.clock_html.value
    assert again.blocks["insights"].layout.display == ""
    assert again.start_button.disabled and not again.next_button.disabled
    assert again.meeting_toggle.disabled  # no switching meeting mid-call


def test_end_writes_every_row_with_exact_timings(exports: Path):
    eid = engagement(exports)
    save_prep(exports, eid, goals="yes")
    clock = FakeClock(T0)
    app = open_app(exports, clock, eid)
    app.start_button.click()
    clock.advance(seconds=20)
    app.checkpoint("opening_thanks").field.input.value = True
    clock.advance(seconds=40)
    app.checkpoint("opening_purpose").field.input.value = True
    clock.advance(minutes=2)
    app.next_button.click()  # strengths at 3:00
    app.prompt("strengths_best").field.input.value = "The launch"
    clock.advance(minutes=8)
    app.next_button.click()  # insights at 11:00
    clock.advance(minutes=2)
    app.back_button.click()  # strengths again at 13:00
    clock.advance(minutes=1)
    app.next_button.click()  # insights at 14:00
    clock.advance(minutes=9)
    app.next_button.click()  # goals at 23:00
    app.prompt("goals_notes").field.input.value = "Delegation"
    clock.advance(minutes=4)
    app.next_button.click()  # close at 27:00
    clock.advance(minutes=1)
    app.checkpoint("close_thanks_huddle").field.input.value = True
    assert app.blocks["close"].layout.display == ""
    assert "huddle" in all_text(app.blocks["close"])
    clock.advance(minutes=1, seconds=30)
    app.end_button.click()  # 29:30: asks first
    assert meeting_rows(exports, eid) == {} and app.timer is not None and app.timer.in_progress
    assert app.confirm_box.layout.display == ""
    app.confirm_end_button.click()

    rows = meeting_rows(exports, eid)
    values = {k: r["value"] for k, r in rows.items()}
    assert values["meeting_seconds"] == "1770"
    assert values["meeting_started_at"] == "2026-10-14T09:00:00.000+00:00"
    assert values["meeting_ended_at"] == "2026-10-14T09:29:30.000+00:00"
    assert [values[f"{s}_seconds"] for s in ("opening", "strengths", "insights", "goals")] == [
        "180",
        "540",
        "660",
        "240",
    ]
    assert values["close_seconds"] == "150"
    assert values["strengths_budget_seconds"] == "720"
    assert values["insights_started_at"] == "2026-10-14T09:11:00.000+00:00"
    assert values["strengths_ended_at"] == "2026-10-14T09:14:00.000+00:00"
    assert values["opening_thanks"] == "2026-10-14T09:00:20.000+00:00"
    assert values["close_thanks_huddle"] == "2026-10-14T09:28:00.000+00:00"
    assert "close_anything_else" not in values  # never ticked: no row
    assert values["strengths_best"] == "The launch" and values["strengths_best_asked"] == "yes"
    assert "strengths_impact" not in values and values["strengths_impact_asked"] == "no"
    assert values["goals_notes"] == "Delegation" and values["goals_skipped"] == "no"
    # Every derived value is there, with the instrument's item types.
    form = load_instrument().form("meeting")
    for entry in derived_meeting_items(form, 1):
        assert entry.item_id in rows, entry.item_id
        assert rows[entry.item_id]["item_type"] == entry.type
        assert rows[entry.item_id]["section"] == entry.section
    assert rows["opening_thanks"]["item_type"] == "checkpoint"
    assert rows["strengths_best"]["item_type"] == "prompt"
    assert {r["revision"] for r in rows.values()} == {"1"}
    # Draft gone, debrief link shown, everything read-only.
    assert app.drafts.load(eid, "meeting-1") is None
    assert f"debrief.ipynb?engagement={eid}&amp;meeting=1" in app.clock_html.value
    assert "kit-action-debrief" in app.clock_html.value and "Finished" in app.clock_html.value
    assert app.prompt("strengths_best").field.input.disabled
    assert app.start_button.disabled and app.end_button.disabled


def test_reopening_an_ended_meeting_is_read_only_and_corrections_are_a_new_revision(
    exports: Path,
):
    eid = engagement(exports)
    save_prep(exports, eid, goals="no")
    clock = FakeClock(T0)
    app = open_app(exports, clock, eid)
    app.start()
    app.next()
    app.prompt("strengths_best").field.input.value = "First take"
    clock.advance(minutes=25)
    assert app.end()
    assert meeting_rows(exports, eid)["goals_skipped"]["value"] == "yes"

    again = open_app(exports, clock, eid)
    assert "shown read-only" in again.status.value
    assert again.prompt("strengths_best").notes() == "First take"
    assert again.prompt("strengths_best").field.input.disabled
    assert again.start_button.disabled and again.end_button.disabled
    assert "debrief.ipynb" in again.clock_html.value
    again.correct_button.click()
    again.prompt("strengths_best").field.input.value = "Corrected take"
    again.save_corrections_button.click()
    rows = meeting_rows(exports, eid)
    assert rows["strengths_best"]["value"] == "Corrected take"
    assert rows["strengths_best"]["revision"] == "2"
    assert rows["meeting_seconds"]["value"] == "1500"  # timings carried over unchanged
    assert rows["goals_skipped"]["value"] == "yes"


def test_meeting_two_shows_meeting_one_notes_beside_the_followup_prompts(exports: Path):
    eid = engagement(exports)
    save_prep(exports, eid, goals="no", meeting_number=2)
    store = ResponseStore(exports)
    store.submit(
        engagement_id=eid,
        form="meeting",
        meeting_number=1,
        answers=[
            Answer("strengths", "strengths_best", "prompt", "Led the launch calmly"),
            Answer("insights", "insights_gift", "prompt", "More patience with detail"),
            Answer("insights", "insights_blindspot", "prompt", "BLINDSPOT-NOT-SHOWN"),
        ],
        instrument_version=VERSION,
    )
    store.submit(
        engagement_id=eid,
        form="debrief",
        meeting_number=1,
        answers=[
            Answer("next_session", "go_deeper", "choice", "not_sure"),
            Answer("use", "use_of_info", "long_text", "DEBRIEF-NOT-SHOWN"),
        ],
        instrument_version=VERSION,
    )
    clock = FakeClock(T0)
    app = open_app(exports, clock, eid, meeting=2)
    assert app.timer is not None
    assert [s.id for s in app.timer.running] == ["opening", "followup", "close"]
    page = all_text(app.widget)
    assert "BLINDSPOT-NOT-SHOWN" not in page
    for secret in SECRETS.values():
        assert secret not in page
    # The debrief is the coachee's and the coach's: none of it on the shared screen.
    assert "DEBRIEF-NOT-SHOWN" not in page and "Not sure" not in page
    assert "go deeper" not in page.lower()
    progress = all_text(app.prompt("followup_progress").box)
    assert "More patience with detail" in progress
    assert "Led the launch calmly" in all_text(app.prompt("followup_changes").box)
    app.start()
    app.next()
    app.prompt("followup_progress").field.input.value = "Much more patient"
    clock.advance(minutes=20)
    app.next()
    clock.advance(minutes=2)
    assert app.end()
    rows = meeting_rows(exports, eid)
    two = {k: r for k, r in rows.items() if r["meeting_number"] == "2"}
    assert two["followup_progress"]["value"] == "Much more patient"
    assert two["followup_seconds"]["value"] == "1200"
    assert two["goals_skipped"]["value"] == "yes"
    assert "strengths_seconds" not in two
    assert (
        "debrief.ipynb?engagement=" in app.clock_html.value and "meeting=2" in app.clock_html.value
    )


def test_meeting_two_without_meeting_one_notes_says_so(exports: Path):
    eid = engagement(exports)
    app = open_app(exports, FakeClock(T0), eid, meeting=2)
    assert "Nothing saved from meeting 1" in all_text(app.prompt("followup_plan").box)


def test_training_mode_is_kept_in_the_debrief_link(exports: Path, tmp_path: Path, monkeypatch):
    training = tmp_path / "training"
    monkeypatch.setenv("ALIGNMENT_KIT_TRAINING_DIR", str(training))
    training_dir()  # the kit sets the training folder up before anything is saved there
    eid = engagement(training)
    clock = FakeClock(T0)
    app = MeetingApp(params={"engagement": eid, "training": "1"}, clock=clock)
    app.start()
    clock.advance(minutes=1)
    assert app.end()
    assert "training=1" in app.clock_html.value


@pytest.mark.parametrize("meeting", ["3", "x"])
def test_a_bad_meeting_number_is_explained(exports: Path, meeting: str):
    app = MeetingApp(root=exports, params={"meeting": meeting}, clock=FakeClock(T0))
    assert app.picker is not None
    assert "not 1 or 2" in app.picker.message.value


def test_taking_the_meeting_over_closes_the_card_it_replaces(exports: Path):
    eid = engagement(exports)
    save_prep(exports, eid)
    clock = FakeClock(T0)
    tab_a = open_app(exports, clock, eid)
    assert tab_a.start()
    tab_b = open_app(exports, clock, eid)
    assert tab_a.next()  # A writes on: B's copy is behind
    assert tab_b.session is not None and not tab_b.session.guard.check()
    old = tab_b.card_box.children
    assert old
    tab_b.session.guard.take_over()
    assert all(widget.comm is None for widget in old)  # closed: their state left the page
    assert tab_b.card_box.children and not {id(c) for c in tab_b.card_box.children} & {
        id(c) for c in old
    }
    assert "Meeting with Amira" in all_text(tab_b.card_box)
