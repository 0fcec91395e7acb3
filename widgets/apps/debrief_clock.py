"""The debrief's 15 minutes: when they started, what is left, which part is due now.

The remaining time is always computed from the stored start and an injectable
``clock()``, never counted down, so a reload, a restarted kernel or a test with a fake
clock all see the same time. The debrief app keeps :meth:`DebriefClock.state` in its
draft and saves the clock's times with the answers.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from widgets.clock import utc_now
from widgets.instrument.model import Form

__all__ = ["Clock", "DebriefClock", "clock_stamp"]

Clock = Callable[[], datetime]


def clock_stamp(moment: datetime) -> str:
    """A stored debrief time: UTC, to the second (what the draft and the store keep)."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _parse(stamp: object) -> datetime | None:
    if not isinstance(stamp, str) or not stamp:
        return None
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _mmss(seconds: float) -> str:
    whole = int(abs(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


class DebriefClock:
    """The debrief's time budget: when it started, and what is left of it.

    ``clock`` returns an aware datetime (tests pass a fake one). Section budgets come
    from the instrument, so the clock can say which part the pair should be on by now.
    """

    def __init__(self, form: Form, *, meeting_number: int = 1, clock: Clock = utc_now):
        self.clock = clock
        self.total_seconds = (form.total_minutes or 15) * 60
        self.sections = [
            (s.title, s.budget_seconds or 0) for s in form.sections_for(meeting_number)
        ]
        self.started_at: datetime | None = None
        self.ended_at: datetime | None = None

    @property
    def running(self) -> bool:
        return self.started_at is not None and self.ended_at is None

    def start(self) -> bool:
        """Start now unless already started; True when this call started it."""
        if self.started_at is not None:
            return False
        self.started_at = self.clock()
        return True

    def stop(self) -> None:
        if self.started_at is None:
            self.started_at = self.clock()
        if self.ended_at is None:
            self.ended_at = self.clock()

    def elapsed(self) -> float:
        if self.started_at is None:
            return 0.0
        end = self.ended_at or self.clock()
        return max(0.0, (end - self.started_at).total_seconds())

    def remaining(self) -> float:
        """Seconds left of the budget; negative once it has run over."""
        return self.total_seconds - self.elapsed()

    def current_section(self) -> tuple[str, int] | None:
        """The part the budget says they should be on now (the last one once over)."""
        if self.started_at is None or not self.sections:
            return None
        spent = self.elapsed()
        until = 0
        for title, budget in self.sections:
            until += budget
            if spent < until:
                return title, budget
        return self.sections[-1]

    def state(self) -> dict[str, str]:
        """What a draft keeps so a reload continues the same clock."""
        found = {}
        if self.started_at is not None:
            found["started_at"] = clock_stamp(self.started_at)
        if self.ended_at is not None:
            found["ended_at"] = clock_stamp(self.ended_at)
        return found

    def restore(self, state: dict[str, Any] | None) -> None:
        state = state or {}
        self.started_at = _parse(state.get("started_at"))
        self.ended_at = _parse(state.get("ended_at")) if self.started_at else None

    def html(self) -> str:
        total = f"{self.total_seconds // 60} min"
        if self.started_at is None:
            return (
                f"<div class='kit-dclock kit-dclock-idle'><span class='kit-dclock-time'>"
                f"{_mmss(self.total_seconds)}</span> The clock starts when you press Start "
                "or answer the first question.</div>"
            )
        if self.ended_at is not None:
            return (
                f"<div class='kit-dclock kit-dclock-ended'>Took <span class='kit-dclock-time'>"
                f"{_mmss(self.elapsed())}</span> of the {total}.</div>"
            )
        left = self.remaining()
        part = self.current_section()
        now = (
            f" Now: {html.escape(part[0])} ({part[1] // 60} min)."
            if part and left > 0
            else " Time to wrap up."
        )
        if left >= 0:
            return (
                f"<div class='kit-dclock kit-dclock-running'><span class='kit-dclock-time'>"
                f"{_mmss(left)}</span> left of {total}.{now}</div>"
            )
        return (
            f"<div class='kit-dclock kit-dclock-over'><span class='kit-dclock-time'>"
            f"{_mmss(-left)}</span> over the {total}.{now}</div>"
        )
