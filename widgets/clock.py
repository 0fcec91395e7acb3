"""Time, in one place: reading the clock, writing stamps, reading them back, showing them.

Every stored moment (a save's ``recorded_at``, a draft's ``saved_at``, an engagement's
``created_at``, a meeting's Start and End) is an ISO 8601 stamp in UTC with its offset
(``2025-03-04T08:11:12.345+00:00``): it sorts as text, pandas and spreadsheets read it,
and it means the same moment on every coach's machine. Anything that reads the time
takes a ``clock`` (a callable returning an aware datetime) defaulting to
:func:`utc_now`, so tests move a fake clock instead of sleeping.

Only the standard library is used: every live app kernel imports this module.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timezone

from widgets.errors import InputError

__all__ = [
    "Clock",
    "ClockError",
    "format_seconds",
    "local_time",
    "parse_stamp",
    "stamp",
    "utc_now",
]

# What a clock is: called with nothing, returns the current moment, timezone-aware.
Clock = Callable[[], datetime]

_EXAMPLE = "2025-03-04T08:11:12.345+00:00"


class ClockError(InputError, ValueError):
    """A moment without a timezone, or text that is not one of the kit's stamps."""


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC: the default clock everywhere."""
    return datetime.now(timezone.utc)


def stamp(moment: datetime, *, timespec: str = "milliseconds") -> str:
    """``moment`` as the kit stores it: ISO 8601 in UTC, with the ``+00:00`` offset.

    A moment without a timezone is refused rather than guessed: read as local time on
    one machine and as UTC on another, it would shift by hours between coaches.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ClockError(
            f"The clock returned {moment!r} without a timezone, so nothing was stamped.",
            fix="Pass a clock that returns aware times in UTC, such as widgets.clock.utc_now.",
        )
    return moment.astimezone(timezone.utc).isoformat(timespec=timespec)


def parse_stamp(text: str) -> datetime:
    """The aware moment a stored stamp stands for (any offset, any precision)."""
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError) as exc:
        raise ClockError(
            f"{text!r} is not a time stamp.", fix=f"Expected ISO 8601 such as {_EXAMPLE}."
        ) from exc
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ClockError(
            f"The stored time {text!r} has no timezone, so the moment it names is unknown.",
            fix=f"Store times with their offset, such as {_EXAMPLE}.",
        )
    return moment


def format_seconds(seconds: float) -> str:
    """``m:ss`` for any length (``75:00`` rather than ``1:15:00``: meetings are short).

    Whole seconds are shown, rounded down, with a minus sign for time overrun.
    """
    whole = int(math.floor(abs(seconds) + 1e-9))
    sign = "-" if seconds < 0 and whole > 0 else ""
    return f"{sign}{whole // 60}:{whole % 60:02d}"


def local_time(text: str, fmt: str = "%d %b %H:%M:%S") -> str:
    """A stored stamp in the viewer's local time, briefly; text that is not a stamp
    is shown as it is rather than hidden."""
    try:
        return datetime.fromisoformat(text).astimezone().strftime(fmt)
    except ValueError:
        return text
