"""The meeting clock: where the 30 minutes went, computed from stored timestamps.

Nothing here counts ticks. Every figure is worked out from the moments the coach
pressed Start, Next, Back and End (kept as ISO timestamps) and ``clock()``, so a page
reload or a kernel restart in the middle of a meeting resumes with exactly the right
times, and tests move a fake clock instead of sleeping.

Rules the coach can rely on:

* A section's time is the sum of its visits: going Back re-opens the previous section
  and its clock carries on from where it stopped.
* A section's state compares its own time with its own budget: ``on_time``, then
  ``last_minute`` in the final 60 seconds, then ``over_budget``.
* A skipped section (goal alignment without the coachee's consent) keeps its budget in
  the records, but its minutes go back to the pool: they show up as spare time that any
  part may use. ``spare_seconds()`` is the meeting total minus what every part costs,
  counting a finished part at what it took and a part still to come (or running) at
  the larger of its budget and what it has taken so far. Negative spare means the
  meeting will overrun unless a later part is shortened.
* "+1 min" / "+5 min" extend the part running now (:meth:`MeetingTimer.extend`): its
  budget grows, the meeting's total does not, so the minutes come out of the spare
  time. Extensions are kept with the visits and recorded as ``<section>_extended_seconds``.
* One signal (:meth:`MeetingTimer.signal`): the meeting is never shown calmer than the
  part running now, nor than its spare time. A part over its budget, or a meeting
  that can no longer finish on time, makes the whole meeting "behind".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from widgets.apps.meeting.timer_basics import (
    LAST_MINUTE_SECONDS,
    STATES,
    PlannedSection,
    TimerError,
    format_seconds,
    worst_state,
)
from widgets.apps.meeting.timer_basics import parse_stamp as _parse
from widgets.apps.meeting.timer_basics import stamp as _stamp
from widgets.apps.meeting.timer_basics import state_for as _state

__all__ = [
    "EXTEND_STEPS",
    "LAST_MINUTE_SECONDS",
    "STATES",
    "MeetingTimer",
    "PlannedSection",
    "TimerError",
    "format_seconds",
]

Clock = Callable[[], datetime]

_FORMAT_VERSION = 1
# What "+1 min" and "+5 min" add; anything else is refused (a typo must not add an hour).
EXTEND_STEPS: tuple[int, ...] = (60, 300)


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class MeetingTimer:
    """Start, Next, Back and End over the planned sections, with times from ``clock``."""

    def __init__(
        self,
        sections: Sequence[PlannedSection],
        *,
        total_seconds: int | None = None,
        clock: Clock = _utc_now,
    ):
        if not sections:
            raise ValueError("a meeting needs at least one section")
        ids = [s.id for s in sections]
        if len(set(ids)) != len(ids):
            raise ValueError(f"section ids must be unique, got {ids}")
        self.sections: tuple[PlannedSection, ...] = tuple(sections)
        self.running: tuple[PlannedSection, ...] = tuple(s for s in sections if not s.skipped)
        if not self.running:
            raise ValueError("every section is skipped: there is nothing to run")
        self.total_seconds = (
            sum(s.budget_seconds for s in sections) if total_seconds is None else total_seconds
        )
        self.clock = clock
        self.started_at: datetime | None = None
        self.ended_at: datetime | None = None
        self._current: int | None = None  # index into self.running
        # Every visit of a section: [start, end]; end is None while the visit is open.
        self._visits: dict[str, list[list[datetime | None]]] = {s.id: [] for s in sections}
        self._extended: dict[str, int] = {s.id: 0 for s in sections}

    # -- the clock --------------------------------------------------------------------
    def now(self) -> datetime:
        moment = self.clock()
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise TimerError(f"the meeting clock returned {moment!r} without a timezone")
        return moment

    # -- state ------------------------------------------------------------------------
    @property
    def started(self) -> bool:
        return self.started_at is not None

    @property
    def ended(self) -> bool:
        return self.ended_at is not None

    @property
    def in_progress(self) -> bool:
        return self.started and not self.ended

    @property
    def current(self) -> PlannedSection | None:
        """The section running now (the last one that ran, once ended)."""
        return None if self._current is None else self.running[self._current]

    def section(self, section_id: str) -> PlannedSection:
        for section in self.sections:
            if section.id == section_id:
                return section
        known = ", ".join(s.id for s in self.sections)
        raise KeyError(f"no section {section_id!r} in this meeting; its sections are: {known}")

    def can_start(self) -> bool:
        return not self.started

    def can_next(self) -> bool:
        return (
            self.in_progress
            and self._current is not None
            and (self._current < len(self.running) - 1)
        )

    def can_back(self) -> bool:
        return self.in_progress and bool(self._current)

    def can_end(self) -> bool:
        return self.in_progress

    # -- actions ----------------------------------------------------------------------
    def start(self) -> None:
        if self.started:
            assert self.started_at is not None
            raise TimerError(f"the meeting already started at {_stamp(self.started_at)}")
        moment = self.now()
        self.started_at = moment
        self._open(0, moment)

    def next(self) -> None:
        if not self.in_progress:
            raise TimerError("Next only works while the meeting is running")
        assert self._current is not None
        if self._current >= len(self.running) - 1:
            raise TimerError(
                f"{self.running[self._current].title!r} is the last part; use End to finish"
            )
        self._move(self._current + 1)

    def back(self) -> None:
        if not self.in_progress:
            raise TimerError("Back only works while the meeting is running")
        assert self._current is not None
        if self._current == 0:
            raise TimerError(f"{self.running[0].title!r} is the first part; there is no going back")
        self._move(self._current - 1)

    def end(self) -> None:
        if not self.in_progress:
            raise TimerError(
                "the meeting has not started yet" if not self.started else "the meeting has ended"
            )
        moment = self.now()
        self._close(moment)
        self.ended_at = moment

    def extend(self, seconds: int) -> None:
        """Give the part running now more time, taken from the meeting's spare time."""
        if seconds not in EXTEND_STEPS:
            steps = ", ".join(str(s) for s in EXTEND_STEPS)
            raise ValueError(f"a part is extended by one of {steps} seconds, got {seconds!r}")
        current = self.current
        if not self.in_progress or current is None:
            raise TimerError("a part can only be given more time while the meeting is running")
        self._extended[current.id] += seconds

    def _move(self, index: int) -> None:
        moment = self.now()
        self._close(moment)
        self._open(index, moment)

    def _open(self, index: int, moment: datetime) -> None:
        self._current = index
        self._visits[self.running[index].id].append([moment, None])

    def _close(self, moment: datetime) -> None:
        section = self.current
        if section is None:
            return
        visits = self._visits[section.id]
        if visits and visits[-1][1] is None:
            visits[-1][1] = moment

    # -- figures ----------------------------------------------------------------------
    def _until(self) -> datetime:
        return self.ended_at if self.ended_at is not None else self.now()

    def elapsed(self) -> float:
        """Seconds since Start (frozen at End); 0 before Start."""
        if self.started_at is None:
            return 0.0
        return max(0.0, (self._until() - self.started_at).total_seconds())

    def remaining(self) -> float:
        """Seconds left of the whole meeting; negative once it overruns."""
        return self.total_seconds - self.elapsed()

    def meeting_state(self) -> str:
        return _state(self.remaining())

    def section_elapsed(self, section_id: str | None = None) -> float:
        """Seconds spent in a section over all its visits (the current one by default)."""
        sid = self._section_id(section_id)
        if sid is None:
            return 0.0
        until: datetime | None = None
        total = 0.0
        for start, end in self._visits[sid]:
            if end is None:
                until = until or self._until()
                end = until
            assert start is not None
            total += max(0.0, (end - start).total_seconds())
        return total

    def section_remaining(self, section_id: str | None = None) -> float:
        sid = self._section_id(section_id)
        if sid is None:
            return 0.0
        return self.section_budget(sid) - self.section_elapsed(sid)

    def section_budget(self, section_id: str | None = None) -> int:
        """The part's budget with the extra minutes the coach gave it."""
        sid = self._section_id(section_id)
        if sid is None:
            return 0
        return self.section(sid).budget_seconds + self._extended[sid]

    def extended_seconds(self, section_id: str | None = None) -> int:
        sid = self._section_id(section_id)
        return 0 if sid is None else self._extended[sid]

    def section_state(self, section_id: str | None = None) -> str:
        return _state(self.section_remaining(section_id))

    def signal(self) -> str:
        """The meeting's one state: the most urgent of its own, its current part's, its pool.

        Before Start and after End only the meeting's own time counts. While it runs, a
        current part in its last minute makes the meeting's signal "last minute" too, and
        a part over budget (or a pool that is spent) makes it "over budget" (shown as
        "behind"), so the part and the meeting can never say opposite things.
        """
        own = self.meeting_state()
        if not self.in_progress:
            return own
        pool = "over_budget" if self.spare_seconds() < 0 else "on_time"
        return worst_state(own, self.section_state(), pool)

    def spare_seconds(self) -> float:
        """The pool: the meeting total minus what each running part costs (see module doc)."""
        position = -1 if self._current is None else self._current
        cost = 0.0
        for index, section in enumerate(self.running):
            spent = self.section_elapsed(section.id)
            finished = self.ended or index < position
            cost += spent if finished else max(spent, float(self.section_budget(section.id)))
        return self.total_seconds - cost

    def section_started_at(self, section_id: str) -> datetime | None:
        visits = self._visits[self.section(section_id).id]
        return visits[0][0] if visits else None

    def section_ended_at(self, section_id: str) -> datetime | None:
        visits = self._visits[self.section(section_id).id]
        return visits[-1][1] if visits else None

    def visited(self, section_id: str) -> bool:
        return bool(self._visits[self.section(section_id).id])

    def _section_id(self, section_id: str | None) -> str | None:
        if section_id is None:
            current = self.current
            return None if current is None else current.id
        return self.section(section_id).id

    # -- what the store records --------------------------------------------------------
    def recorded_values(self) -> dict[str, str]:
        """The meeting's derived values by item_id, as text for the store.

        Times that never happened (a part never reached) are left out rather than
        written empty; ``<section>_seconds`` is then 0. Names follow
        ``instrument.derived_meeting_items``.
        """
        values: dict[str, str] = {}
        if self.started_at is not None:
            values["meeting_started_at"] = _stamp(self.started_at)
        if self.ended_at is not None:
            values["meeting_ended_at"] = _stamp(self.ended_at)
            values["meeting_seconds"] = str(round(self.elapsed()))
        for section in self.sections:
            sid = section.id
            started = self.section_started_at(sid)
            ended = self.section_ended_at(sid)
            if started is not None:
                values[f"{sid}_started_at"] = _stamp(started)
            if ended is not None:
                values[f"{sid}_ended_at"] = _stamp(ended)
            values[f"{sid}_seconds"] = str(round(self.section_elapsed(sid)))
            values[f"{sid}_budget_seconds"] = str(section.budget_seconds)
            values[f"{sid}_extended_seconds"] = str(self._extended[sid])
        return values

    # -- drafts -----------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Everything needed to resume exactly, as JSON-ready data."""
        return {
            "version": _FORMAT_VERSION,
            "total_seconds": self.total_seconds,
            "sections": [
                {
                    "id": s.id,
                    "title": s.title,
                    "budget_seconds": s.budget_seconds,
                    "skipped": s.skipped,
                    "skip_reason": s.skip_reason,
                }
                for s in self.sections
            ],
            "started_at": None if self.started_at is None else _stamp(self.started_at),
            "ended_at": None if self.ended_at is None else _stamp(self.ended_at),
            "current": None if self.current is None else self.current.id,
            "visits": self._visits_dict(),
            "extended": {sid: n for sid, n in self._extended.items() if n},
        }

    def _visits_dict(self) -> dict[str, list[list[str | None]]]:
        out: dict[str, list[list[str | None]]] = {}
        for sid, visits in self._visits.items():
            if visits:
                out[sid] = [
                    [None if start is None else _stamp(start), None if end is None else _stamp(end)]
                    for start, end in visits
                ]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, clock: Clock = _utc_now) -> MeetingTimer:
        """Rebuild a timer saved by :meth:`to_dict`; refuse data that does not fit."""
        try:
            if data.get("version") != _FORMAT_VERSION:
                raise TimerError(
                    f"saved meeting clock has format {data.get('version')!r}; "
                    f"this kit reads format {_FORMAT_VERSION}"
                )
            sections = [
                PlannedSection(
                    id=str(s["id"]),
                    title=str(s["title"]),
                    budget_seconds=int(s["budget_seconds"]),
                    skipped=bool(s.get("skipped", False)),
                    skip_reason=str(s.get("skip_reason", "")),
                )
                for s in data["sections"]
            ]
            timer = cls(sections, total_seconds=int(data["total_seconds"]), clock=clock)
            if data.get("started_at"):
                timer.started_at = _parse(data["started_at"])
            if data.get("ended_at"):
                timer.ended_at = _parse(data["ended_at"])
            for sid, visits in dict(data.get("visits") or {}).items():
                timer.section(sid)
                timer._visits[sid] = [
                    [_parse(start), None if end is None else _parse(end)] for start, end in visits
                ]
            for sid, seconds in dict(data.get("extended") or {}).items():
                timer._extended[timer.section(sid).id] = int(seconds)
            current = data.get("current")
            if current is not None:
                ids = [s.id for s in timer.running]
                if current not in ids:
                    raise TimerError(f"saved current section {current!r} is not one that runs")
                timer._current = ids.index(current)
        except (KeyError, TypeError, ValueError) as exc:
            raise TimerError(f"saved meeting clock cannot be read: {exc}") from exc
        return timer
