"""The meeting clock's small vocabulary: a planned part, the states, ``m:ss``, stamps.

Kept apart from :class:`~widgets.apps.meeting.timer.MeetingTimer` so the timer module
holds the rules of time only; everything here is re-exported by it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timezone

from widgets.errors import StateError

__all__ = [
    "LAST_MINUTE_SECONDS",
    "STATES",
    "PlannedSection",
    "TimerError",
    "format_seconds",
    "parse_stamp",
    "stamp",
    "state_for",
    "worst_state",
]

STATES: tuple[str, ...] = ("on_time", "last_minute", "over_budget")
LAST_MINUTE_SECONDS = 60


class TimerError(StateError, RuntimeError):
    """A clock action that does not fit the meeting's state (e.g. Next on the last part)."""


def stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def parse_stamp(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise TimerError(f"stored time {value!r} has no timezone; the meeting clock uses UTC")
    return moment


def format_seconds(seconds: float) -> str:
    """``m:ss`` for any length (``75:00`` rather than ``1:15:00``: meetings are short)."""
    whole = int(math.floor(abs(seconds) + 1e-9))
    sign = "-" if seconds < 0 and whole > 0 else ""
    return f"{sign}{whole // 60}:{whole % 60:02d}"


def state_for(remaining: float) -> str:
    if remaining < 0:
        return "over_budget"
    if remaining <= LAST_MINUTE_SECONDS:
        return "last_minute"
    return "on_time"


def worst_state(*states: str) -> str:
    """The most urgent of ``states``: one signal never hides a part that needs attention."""
    return max(states, key=STATES.index)


@dataclass(frozen=True)
class PlannedSection:
    """One agenda part as planned for this meeting: its budget and whether it runs."""

    id: str
    title: str
    budget_seconds: int
    skipped: bool = False
    skip_reason: str = ""

    def __post_init__(self) -> None:
        if self.budget_seconds < 0:
            raise ValueError(
                f"section {self.id!r}: budget_seconds must be 0 or more, got {self.budget_seconds}"
            )
