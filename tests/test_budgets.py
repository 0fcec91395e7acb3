"""Budgets learned from the program: checked against a median and IQR worked by hand."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.fake_clock import FakeClock
from tests.test_meeting_app import T0, VERSION, engagement, save_prep
from widgets.apps.meeting.app import MeetingApp
from widgets.apps.meeting.budgets import suggest_minutes, typical_seconds
from widgets.store.records import Answer
from widgets.store.responses import ResponseStore

# A fixed synthetic program of 11 meetings: seconds per part.
OPENING = [150, 160, 170, 180, 180, 190, 200, 210, 220, 230, 1500]
PROGRAM = {
    "opening": OPENING,
    "strengths": [900] * 10 + [100],
    "insights": [600] * 11,
    "goals": [180] * 11,
    "close": [120] * 11,
}
# By hand, for opening: quartiles by linear interpolation at 10 * 0.25 = 2.5 and
# 10 * 0.75 = 7.5: Q1 = (170 + 180) / 2 = 175, Q3 = (210 + 220) / 2 = 215, IQR 40,
# fences 115 and 275: 1500 goes; the median of the ten left is (180 + 190) / 2 = 185.
# strengths: IQR 0, so 100 goes and 900 stays.
TYPICAL = {"opening": 185, "strengths": 900, "insights": 600, "goals": 180, "close": 120}
# Shares of 30 minutes (total 1985 s): 2.796, 13.602, 9.068, 2.720, 1.814; floors 27 min,
# the three minutes left to the largest fractions: close, opening, goals.
SUGGESTED = {"opening": 3, "strengths": 13, "insights": 9, "goals": 3, "close": 2}


def test_median_without_iqr_outliers_by_hand() -> None:
    for part, values in PROGRAM.items():
        assert typical_seconds(values) == pytest.approx(TYPICAL[part]), part
    assert typical_seconds(OPENING[:9]) is None  # fewer than 10 meetings: no suggestion


def test_whole_minutes_that_still_add_up() -> None:
    minutes = suggest_minutes(TYPICAL, 30)
    assert minutes == SUGGESTED and sum(minutes.values()) == 30


def save_program(root: Path, meetings: int) -> None:
    store = ResponseStore(root)
    for index in range(meetings):
        eid = engagement(root, f"Past{index}")
        answers = [
            Answer(part, f"{part}_seconds", "seconds", str(values[index]))
            for part, values in PROGRAM.items()
        ]
        store.submit(
            engagement_id=eid,
            form="meeting",
            meeting_number=1,
            answers=answers,
            instrument_version=VERSION,
        )


def run_meeting(root: Path, accept: list[str]) -> dict[str, str]:
    eid = engagement(root, "Amira")
    save_prep(root, eid)
    clock = FakeClock(T0)
    app = MeetingApp(root=root, params={"engagement": eid}, clock=clock)
    try:
        choice = app.session.budget_choice if app.session else None
        assert choice is not None
        assert choice.suggested == SUGGESTED
        assert "Strengths: 13 min (planned 12 min)" in choice.accept["strengths"].description
        for part in accept:
            choice.accept[part].value = True
        assert app.start()
        assert app.timer is not None and app.timer.section("strengths").budget_seconds == 13 * 60
        clock.advance(minutes=5)
        assert app.end()
    finally:
        app.close()
    with open(root / "responses.csv", newline="", encoding="utf-8") as handle:
        return {
            r["item_id"]: r["value"]
            for r in csv.DictReader(handle)
            if r["engagement_id"] == eid and r["form"] == "meeting"
        }


def test_the_coach_accepts_some_parts_and_the_meeting_records_them(exports: Path) -> None:
    save_program(exports, 11)
    saved = run_meeting(exports, ["strengths"])
    assert saved["strengths_budget_seconds"] == str(13 * 60)  # accepted
    assert saved["insights_budget_seconds"] == str(10 * 60)  # the instrument's (9 suggested)
    assert int(saved["opening_seconds"]) == 5 * 60  # actual time, beside the planned


def test_no_suggestion_before_ten_meetings(exports: Path) -> None:
    save_program(exports, 9)
    eid = engagement(exports, "Amira")
    save_prep(exports, eid)
    app = MeetingApp(root=exports, params={"engagement": eid}, clock=FakeClock(T0))
    try:
        assert app.session is not None and app.session.budget_choice is None
        assert app.start()
        assert app.timer is not None and app.timer.section("strengths").budget_seconds == 12 * 60
    finally:
        app.close()
