"""The meeting clock with a fake clock: no sleeping, every figure exact."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from tests.fake_clock import FakeClock
from widgets.apps.meeting.timer import (
    MeetingTimer,
    PlannedSection,
    TimerError,
    format_seconds,
)

T0 = datetime(2026, 10, 14, 9, 0, tzinfo=timezone.utc)


def plan(goals_skipped: bool = False) -> list[PlannedSection]:
    return [
        PlannedSection("opening", "Opening", 180),
        PlannedSection("strengths", "Strengths", 720),
        PlannedSection("insights", "Deeper insights", 600),
        PlannedSection(
            "goals",
            "Coaching goals",
            180,
            skipped=goals_skipped,
            skip_reason="agreed in prep to leave it out" if goals_skipped else "",
        ),
        PlannedSection("close", "Close", 120),
    ]


def started(clock: FakeClock, **kw: bool) -> MeetingTimer:
    timer = MeetingTimer(plan(**kw), total_seconds=1800, clock=clock)
    timer.start()
    return timer


def test_before_start_nothing_has_elapsed_and_only_start_is_possible():
    clock = FakeClock(T0)
    timer = MeetingTimer(plan(), total_seconds=1800, clock=clock)
    clock.advance(minutes=5)
    assert timer.elapsed() == 0 and timer.remaining() == 1800
    assert timer.current is None
    assert (timer.can_start(), timer.can_next(), timer.can_back(), timer.can_end()) == (
        True,
        False,
        False,
        False,
    )
    with pytest.raises(TimerError, match="has not started"):
        timer.end()


def test_thirteen_minutes_into_strengths_is_over_budget():
    clock = FakeClock(T0)
    timer = started(clock)
    clock.advance(minutes=3)
    timer.next()
    clock.advance(minutes=13)
    assert timer.current is not None and timer.current.id == "strengths"
    assert timer.section_elapsed() == 13 * 60
    assert timer.section_remaining() == -60
    assert timer.section_state() == "over_budget"
    assert timer.elapsed() == 16 * 60
    assert timer.remaining() == 14 * 60
    assert timer.meeting_state() == "on_time"
    assert timer.spare_seconds() == -60  # strengths ran a minute over; nothing skipped


def test_last_minute_then_over_budget_at_the_boundaries():
    clock = FakeClock(T0)
    timer = started(clock)
    clock.advance(seconds=119)
    assert timer.section_state() == "on_time"
    clock.advance(seconds=1)  # exactly 60 s left
    assert timer.section_state() == "last_minute"
    clock.advance(seconds=60)  # exactly 0 left
    assert timer.section_state() == "last_minute"
    clock.advance(seconds=1)
    assert timer.section_state() == "over_budget"
    clock.advance(minutes=26)  # meeting: 29:01 in
    assert timer.meeting_state() == "last_minute"
    clock.advance(minutes=1)
    assert timer.meeting_state() == "over_budget"
    assert timer.remaining() == -1


def test_back_reopens_a_section_and_its_time_accumulates():
    clock = FakeClock(T0)
    timer = started(clock)
    clock.advance(minutes=2)
    timer.next()  # strengths
    clock.advance(minutes=10)
    timer.next()  # insights
    clock.advance(minutes=1)
    timer.back()  # strengths again
    assert timer.current is not None and timer.current.id == "strengths"
    clock.advance(minutes=3)
    assert timer.section_elapsed("strengths") == 13 * 60
    assert timer.section_state("strengths") == "over_budget"
    timer.next()  # insights again: its minute is still there
    clock.advance(minutes=4)
    assert timer.section_elapsed("insights") == 5 * 60
    assert timer.section_started_at("strengths") == T0 + timedelta(minutes=2)
    assert timer.section_ended_at("strengths") == T0 + timedelta(minutes=16)


def test_a_skipped_section_is_never_entered_and_its_minutes_go_back_to_the_pool():
    clock = FakeClock(T0)
    timer = MeetingTimer(plan(goals_skipped=True), total_seconds=1800, clock=clock)
    assert [s.id for s in timer.running] == ["opening", "strengths", "insights", "close"]
    assert timer.spare_seconds() == 180  # goals' 3 minutes are free to use
    timer.start()
    timer.next()
    timer.next()
    clock.advance(minutes=2)
    timer.next()
    assert timer.current is not None and timer.current.id == "close"
    timer.back()
    assert timer.current is not None and timer.current.id == "insights"
    with_goals = MeetingTimer(plan(), total_seconds=1800, clock=FakeClock(T0))
    assert with_goals.spare_seconds() == 0


def test_spare_time_counts_finished_parts_at_what_they_took():
    clock = FakeClock(T0)
    timer = started(clock, goals_skipped=True)
    clock.advance(minutes=2)  # opening took 2 of 3 minutes
    timer.next()
    assert timer.spare_seconds() == 180 + 60
    clock.advance(minutes=14)  # strengths 2 minutes over
    assert timer.spare_seconds() == 180 + 60 - 120


def test_next_on_the_last_part_and_back_on_the_first_say_what_to_do():
    clock = FakeClock(T0)
    timer = started(clock)
    with pytest.raises(TimerError, match="first part"):
        timer.back()
    for _ in range(4):
        timer.next()
    with pytest.raises(TimerError, match="use End"):
        timer.next()
    with pytest.raises(TimerError, match="already started"):
        timer.start()


def test_end_freezes_every_figure_and_records_exact_seconds():
    clock = FakeClock(T0)
    timer = started(clock)
    for minutes in (3, 12, 10, 3):
        clock.advance(minutes=minutes)
        timer.next()
    clock.advance(minutes=2, seconds=30)
    timer.end()
    clock.advance(hours=1)
    assert timer.elapsed() == 30.5 * 60
    values = timer.recorded_values()
    assert values["meeting_seconds"] == "1830"
    assert values["meeting_started_at"] == "2026-10-14T09:00:00.000+00:00"
    assert values["meeting_ended_at"] == "2026-10-14T09:30:30.000+00:00"
    assert [values[f"{s}_seconds"] for s in ("opening", "strengths", "insights", "goals")] == [
        "180",
        "720",
        "600",
        "180",
    ]
    assert values["close_seconds"] == "150"
    assert values["close_budget_seconds"] == "120"
    assert values["close_ended_at"] == values["meeting_ended_at"]
    assert values["strengths_started_at"] == values["opening_ended_at"]
    assert not timer.can_end() and not timer.can_next()


def test_a_part_never_reached_records_zero_seconds_and_no_times():
    clock = FakeClock(T0)
    timer = started(clock, goals_skipped=True)
    clock.advance(minutes=5)
    timer.end()
    values = timer.recorded_values()
    assert values["strengths_seconds"] == "0"
    assert "strengths_started_at" not in values and "goals_started_at" not in values
    assert values["goals_budget_seconds"] == "180"


def test_to_dict_and_back_resumes_exactly_through_json():
    clock = FakeClock(T0)
    timer = started(clock, goals_skipped=True)
    clock.advance(minutes=3)
    timer.next()
    clock.advance(minutes=5)
    timer.next()
    clock.advance(minutes=1)
    timer.back()
    clock.advance(seconds=30)
    data = json.loads(json.dumps(timer.to_dict()))
    clock.advance(minutes=7)  # the kernel was down for 7 minutes: they still count
    resumed = MeetingTimer.from_dict(data, clock=clock)
    assert resumed.current is not None and resumed.current.id == "strengths"
    assert resumed.section_elapsed("strengths") == (5 * 60 + 30 + 7 * 60)
    assert resumed.section_elapsed("insights") == 60
    assert resumed.elapsed() == timer.elapsed() == 16 * 60 + 30
    assert resumed.section("goals").skipped
    assert resumed.recorded_values() == timer.recorded_values()


def test_from_dict_refuses_damaged_data_with_a_reason():
    with pytest.raises(TimerError, match="format"):
        MeetingTimer.from_dict({"version": 99})
    data = MeetingTimer(plan(), total_seconds=1800).to_dict()
    data["current"] = "lunch"
    with pytest.raises(TimerError, match="lunch"):
        MeetingTimer.from_dict(data)


def test_a_clock_without_timezone_is_refused():
    timer = MeetingTimer(plan(), clock=lambda: datetime(2026, 1, 1, 9, 0))
    with pytest.raises(TimerError, match="timezone"):
        timer.start()


def test_format_seconds_reads_like_a_clock():
    assert format_seconds(0) == "0:00"
    assert format_seconds(59.9) == "0:59"
    assert format_seconds(754) == "12:34"
    assert format_seconds(-61) == "-1:01"
    assert format_seconds(4500) == "75:00"
