"""Moving a made-up engagement in time, so training samples are dated around today.

The generator draws engagements in its own fixed calendar (cohorts of 2025), which is
right for analysis demos and reproducible tests but wrong on a trainee's screen: a
coachee "preparing for next week's meeting" whose meeting was a year ago contradicts
the lesson. A sample is therefore moved by whole days (times of day stay plausible)
so that its last save is recent, or, for the meeting under way, so that its meeting
falls today. Every date and time moves together: the start date, each save's stamp,
and every answer stored as a date or a timestamp (meeting date, checkpoints, part
starts), so the engagement month and each part's duration stay as drawn.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from widgets.instrument.instrument import Instrument
from widgets.instrument.item_types import item_type
from widgets.instrument.rules import MEETING_DATE_ROLE
from widgets.instrument.stored_values import ISO_DATE, ISO_TIMESTAMP
from widgets.store.responses import Answer
from widgets.training.demo import DemoEngagement, DemoSubmission

__all__ = ["meeting_date", "moved_by", "days_to_move"]

# How long ago the last save of each sample stage happened, in days.
_LAST_SAVE_DAYS_AGO = {"checklist": 2, "prepared": 1, "debriefed": 2, "second_meeting": 1}


def _moved(answer: Answer, days: timedelta) -> Answer:
    storage = item_type(answer.item_type).storage
    if storage is ISO_DATE:
        value = ISO_DATE.encode(date.fromisoformat(answer.value) + days)
    elif storage is ISO_TIMESTAMP:
        value = ISO_TIMESTAMP.encode(datetime.fromisoformat(answer.value) + days)
    else:
        return answer
    return replace(answer, value=value)


def moved_by(demo: DemoEngagement, days: int) -> DemoEngagement:
    """The same engagement, every date and time ``days`` later (earlier if negative)."""
    shift = timedelta(days=days)
    submissions = tuple(
        DemoSubmission(
            s.form,
            s.meeting_number,
            s.recorded_at + shift,
            tuple(_moved(a, shift) for a in s.answers),
        )
        for s in demo.submissions
    )
    return replace(demo, start_date=demo.start_date + shift, submissions=submissions)


def meeting_date(
    demo: DemoEngagement, instrument: Instrument, meeting_number: int = 1
) -> date | None:
    """The planned date of a meeting: the checklist item whose role is the meeting date."""
    items = {
        item.id
        for item in instrument.form("checklist").items_for(meeting_number)
        if item.role == MEETING_DATE_ROLE
    }
    for save in demo.submissions:
        if save.form == "checklist" and save.meeting_number == meeting_number:
            for answer in save.answers:
                if answer.item_id in items and answer.value:
                    return date.fromisoformat(answer.value)
    return None


def days_to_move(
    demo: DemoEngagement,
    stage: str,
    kept: set[tuple[str, int]],
    today: date,
    *,
    instrument: Instrument,
    live: bool = False,
) -> int:
    """Whole days that put a sample at its stage around ``today``.

    A meeting under way (``live``) moves so that its meeting date is today; any other
    sample so that its last kept save happened a day or two ago.
    """
    planned = meeting_date(demo, instrument) if live else None
    if planned is not None:
        return (today - planned).days
    saves = [s.recorded_at for s in demo.submissions if (s.form, s.meeting_number) in kept]
    last = max(saves).date() if saves else demo.start_date
    return (today - timedelta(days=_LAST_SAVE_DAYS_AGO.get(stage, 1)) - last).days

