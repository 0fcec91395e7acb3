"""The meeting's pieces on their own: the plan, the draft format, the rows, the clock's words.

The app tests drive all of them together as a coach would; these pin each piece's own
promise, with a fake clock and no widgets.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.fake_clock import FakeClock
from widgets.apps.meeting.card import SharedPrep
from widgets.apps.meeting.clock_html import agenda_html, clock_html, timings_html
from widgets.apps.meeting.drafts import MeetingDraft, tick_stamp
from widgets.apps.meeting.plan import meeting_plan, meeting_total_seconds, running_items
from widgets.apps.meeting.rows import corrected_answers, meeting_answers
from widgets.apps.meeting.timer import MeetingTimer, TimerError
from widgets.instrument.yaml_loading import load_instrument
from widgets.store.records import Answer

INSTRUMENT = load_instrument()
MEETING = INSTRUMENT.form("meeting")
T0 = datetime(2026, 10, 14, 9, 0, tzinfo=timezone.utc)


def timer(clock: FakeClock, goals: str | None = "yes", meeting_number: int = 1) -> MeetingTimer:
    prep = None if goals is None else SharedPrep(values={"goal_alignment_ok": goals})
    plan = meeting_plan(MEETING, meeting_number, prep)
    return MeetingTimer(plan, total_seconds=meeting_total_seconds(MEETING), clock=clock)


class Notes:
    """What the coach typed, by item id (the rows read notes through this protocol)."""

    def __init__(self, notes: dict[str, str], ticks: dict[str, str] | None = None):
        self._notes, self._ticks = notes, ticks or {}

    def notes(self, item_id: str) -> str:
        return self._notes.get(item_id, "")

    def asked(self, item_id: str) -> bool:
        return bool(self._notes.get(item_id))

    def ticked_at(self, item_id: str) -> str:
        return self._ticks.get(item_id, "")


@pytest.mark.parametrize(
    ("goals", "skip_reason"),
    [
        ("yes", None),
        ("no", "agreed in prep to leave it out of this meeting"),
        (None, "no prep saved, so there is no agreement to talk about this"),
    ],
)
def test_the_goals_part_runs_only_when_the_coachee_agreed(goals, skip_reason):
    plan = {
        p.id: p
        for p in meeting_plan(
            MEETING, 1, None if goals is None else SharedPrep(values={"goal_alignment_ok": goals})
        )
    }
    assert list(plan) == [s.id for s in MEETING.sections_for(1)]
    assert plan["goals"].skipped is (skip_reason is not None)
    assert plan["goals"].skip_reason == (skip_reason or "")
    assert plan["goals"].budget_seconds == 180  # kept, so the minutes go back to the pool


def test_running_items_leave_out_a_skipped_part():
    clock = FakeClock(T0)
    with_goals = running_items(MEETING, 1, timer(clock, "yes"), "prompt")
    without = running_items(MEETING, 1, timer(clock, "no"), "prompt")
    assert {sid for sid, _ in with_goals} - {sid for sid, _ in without} == {"goals"}
    assert ("strengths", "strengths_best") in without


def test_a_draft_round_trips_and_restores_the_same_clock():
    clock = FakeClock(T0)
    running = timer(clock)
    running.start()
    clock.advance(minutes=4)
    running.next()
    draft = MeetingDraft(
        timer=running.to_dict(),
        notes={"strengths_best": "Calm in the launch", "strengths_impact": ""},
        asked={"strengths_best": True, "strengths_impact": False},
        ticks={"opening_thanks": tick_stamp(T0), "opening_purpose": ""},
    )
    again = MeetingDraft.from_data(draft.to_data())
    assert again == draft
    clock.advance(minutes=2)
    restored = again.restore_timer(clock)
    assert restored.current is not None and restored.current.id == "strengths"
    assert restored.elapsed() == running.elapsed() == 6 * 60
    assert again.pending_values() == {
        "strengths_best": "Calm in the launch",
        "strengths_best_asked": "yes",
        "opening_thanks": "2026-10-14T09:00:00.000+00:00",
    }


def test_a_damaged_draft_keeps_what_can_be_read():
    draft = MeetingDraft.from_data({"timer": ["not", "a", "clock"], "notes": "x", "ticks": None})
    assert draft.timer is None and draft.notes == {} and draft.ticks == {}
    with pytest.raises(KeyError):
        draft.restore_timer(FakeClock(T0))
    with pytest.raises(TimerError, match="format 99"):
        MeetingDraft.from_data({"timer": {"version": 99}}).restore_timer(FakeClock(T0))


def test_ticks_are_kept_in_utc_to_the_millisecond():
    local = datetime(2026, 10, 14, 11, 0, 0, 250000, tzinfo=timezone(timedelta(hours=2)))
    assert tick_stamp(local) == "2026-10-14T09:00:00.250+00:00"


def test_rows_at_end_hold_notes_ticks_and_times_and_nothing_from_a_skipped_part():
    clock = FakeClock(T0)
    ended = timer(clock, goals="no")
    ended.start()
    clock.advance(minutes=3)
    ended.next()
    clock.advance(minutes=12)
    ended.end()
    notes = Notes(
        {"strengths_best": "Calm in the launch", "goals_notes": "never shown"},
        {"opening_thanks": tick_stamp(T0)},
    )
    rows = meeting_answers(
        MEETING, 1, instrument_version=INSTRUMENT.version, timer=ended, notes=notes
    )
    by_id = {a.item_id: a for a in rows}
    assert by_id["strengths_best"] == Answer(
        "strengths", "strengths_best", "prompt", "Calm in the launch"
    )
    assert by_id["strengths_best_asked"].value == "yes"
    assert by_id["strengths_impact_asked"].value == "no"
    assert by_id["opening_thanks"].value == "2026-10-14T09:00:00.000+00:00"
    assert by_id["meeting_seconds"].value == str(15 * 60)
    assert by_id["goals_skipped"].value == "yes"
    assert "goals_notes" not in by_id  # skipped: what was typed there is not kept


def test_corrections_replace_notes_and_asked_markers_only():
    saved = [
        Answer("meeting", "meeting_seconds", "duration", "900"),
        Answer("opening", "opening_thanks", "checkpoint", "2026-10-14T09:00:00.000+00:00"),
        Answer("strengths", "strengths_best", "prompt", "Typo in the room"),
        Answer("strengths", "strengths_best_asked", "yes_no", "yes"),
        Answer("strengths", "strengths_impact", "prompt", "Said but wrong"),
        Answer("strengths", "strengths_impact_asked", "yes_no", "yes"),
    ]
    fixed = corrected_answers(
        saved,
        MEETING,
        ["strengths_best", "strengths_impact"],
        Notes({"strengths_best": "Fixed after the meeting"}),
    )
    assert fixed == [
        *saved[:2],  # times and ticks exactly as recorded
        Answer("strengths", "strengths_best", "prompt", "Fixed after the meeting"),
        Answer("strengths", "strengths_best_asked", "yes_no", "yes"),
        Answer("strengths", "strengths_impact_asked", "yes_no", "no"),
    ]


def test_the_clock_says_its_state_in_words():
    clock = FakeClock(T0)
    running = timer(clock)
    assert "Not started" in clock_html(running)
    running.start()
    clock.advance(minutes=2, seconds=30)
    assert "◔ Last minute" in clock_html(running)  # 30 s left of the opening's 3 min
    clock.advance(minutes=1)
    text = clock_html(running)
    assert "⚠ Over budget" in text and ">+0:30<" in text and "over its 3:00" in text
    assert "⚠ Behind" in text  # the meeting never says "on time" over a part that is not
    clock.advance(minutes=40)
    assert "+13:30" in clock_html(running) and "Over the 30:00" in clock_html(running)
    assert "Meeting over time" in clock_html(running)
    agenda = agenda_html(running)
    assert "kit-agenda-now kit-agenda-opening" in agenda and "to come" in agenda


def test_an_ended_meeting_shows_what_it_took_against_its_budget():
    clock = FakeClock(T0)
    values = {"meeting_seconds": "1500", "opening_seconds": "200", "opening_budget_seconds": "180"}
    assert "25:00" in clock_html(timer(clock), values)
    table = timings_html([("opening", "Opening <b>")], values, 1800)
    assert "<td>Opening &lt;b&gt;</td><td>3:00</td><td>3:20</td>" in table
    assert "<th>30:00</th><th>25:00</th>" in table
