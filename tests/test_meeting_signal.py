"""One signal on the shared screen, and the minutes a coach adds to a part (fake clock)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from tests.fake_clock import FakeClock
from widgets.apps.meeting.clock_html import clock_html
from widgets.apps.meeting.timer import MeetingTimer, PlannedSection, TimerError

T0 = datetime(2026, 10, 14, 9, 0, tzinfo=timezone.utc)


def running(clock: FakeClock) -> MeetingTimer:
    timer = MeetingTimer(
        [
            PlannedSection("opening", "Opening", 180),
            PlannedSection("strengths", "Strengths", 720),
            PlannedSection("insights", "Deeper insights", 600),
            PlannedSection("goals", "Coaching goals", 180),
            PlannedSection("close", "Close", 120),
        ],
        total_seconds=1800,
        clock=clock,
    )
    timer.start()
    return timer


def test_a_part_over_its_budget_makes_the_whole_meeting_behind():
    clock = FakeClock(T0)
    timer = running(clock)
    timer.next()  # strengths at 0:00
    clock.advance(minutes=19, seconds=7)  # 7:07 over its 12:00; meeting has 10:53 left
    assert timer.section_state() == "over_budget"
    assert timer.meeting_state() == "on_time"  # the meeting's own time, alone, looks fine
    assert timer.signal() == "over_budget"
    shown = clock_html(timer)
    assert "On time" not in shown
    assert "Behind" in shown and ">+7:07<" in shown


def test_the_last_minute_of_a_part_is_the_meetings_signal_too():
    clock = FakeClock(T0)
    timer = running(clock)
    clock.advance(minutes=2, seconds=10)
    assert timer.signal() == "last_minute"
    timer.next()
    assert timer.signal() == "on_time"  # 2:10 of 3:00 used: on time overall
    clock.advance(minutes=12, seconds=1)
    assert timer.signal() == "over_budget"


def test_a_spent_pool_is_behind_even_while_the_current_part_has_time():
    clock = FakeClock(T0)
    timer = running(clock)
    clock.advance(minutes=8)  # opening took 8:00 of 3:00
    timer.next()
    assert timer.section_state() == "on_time" and timer.spare_seconds() < 0
    assert timer.signal() == "over_budget"


def test_plus_one_minute_gives_the_part_time_from_the_pool_and_is_kept():
    clock = FakeClock(T0)
    timer = running(clock)
    clock.advance(minutes=3, seconds=30)  # 0:30 over the opening's 3:00
    assert timer.section_state() == "over_budget"
    spare = timer.spare_seconds()
    timer.extend(60)
    assert timer.section_remaining() == 30 and timer.section_state() == "last_minute"
    assert timer.spare_seconds() == spare - 30  # the part may now run to 4:00
    timer.extend(300)
    assert timer.section_budget() == 180 + 360 and timer.extended_seconds() == 360
    assert timer.remaining() == 1800 - 210  # the meeting's total does not grow
    restored = MeetingTimer.from_dict(json.loads(json.dumps(timer.to_dict())), clock=clock)
    assert restored.section_remaining() == timer.section_remaining()
    timer.next()
    clock.advance(minutes=1)
    timer.end()
    values = timer.recorded_values()
    assert values["opening_extended_seconds"] == "360"
    assert values["strengths_extended_seconds"] == "0"
    assert values["opening_budget_seconds"] == "180"  # the plan, as it was


def test_extending_needs_a_running_meeting_and_a_known_step():
    clock = FakeClock(T0)
    timer = MeetingTimer([PlannedSection("opening", "Opening", 180)], clock=clock)
    with pytest.raises(TimerError, match="while the meeting is running"):
        timer.extend(60)
    timer.start()
    with pytest.raises(ValueError, match="one of 60, 300 seconds, got 3600"):
        timer.extend(3600)
