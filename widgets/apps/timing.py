"""When in the engagement a meeting falls, against the recommended window.

The domain recommends the second month of the engagement; a program manager may set
another window in ``program.yaml`` beside the data (see :func:`load_window`), a window
for the optional second meeting (:func:`load_windows`; none by default) and how far an
agenda part may run past its budget before it counts as an overrun
(:func:`load_overrun_tolerance`)::

    recommended_window: {first_month: 2, last_month: 2}
    second_meeting_window: {first_month: 4, last_month: 9}
    overrun_tolerance: {share: 0.10, min_seconds: 30}
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from dateutil.relativedelta import relativedelta

from widgets.errors import SettingsError

__all__ = [
    "DEFAULT_WINDOW",
    "PLAUSIBLE_MONTHS",
    "RecommendedWindow",
    "TimingCheck",
    "engagement_month",
    "check_timing",
    "load_window",
    "load_windows",
    "load_overrun_tolerance",
    "OverrunTolerance",
    "DEFAULT_TOLERANCE",
    "ProgramSettingsError",
]


class ProgramSettingsError(SettingsError, ValueError):
    """``program.yaml`` exists but cannot be used; the message names the file and key."""


@dataclass(frozen=True)
class RecommendedWindow:
    """Engagement months (1 = the first month) in which the meeting should happen."""

    first_month: int = 2
    last_month: int = 2

    def describe(self) -> str:
        if self.first_month == self.last_month:
            return f"month {self.first_month}"
        return f"months {self.first_month} to {self.last_month}"


DEFAULT_WINDOW = RecommendedWindow()


@dataclass(frozen=True)
class OverrunTolerance:
    """How far past its budget an agenda part may run before it counts as an overrun.

    A part overruns when it takes longer than its budget plus the larger of ``share``
    of that budget and ``min_seconds``: a 2-minute close that ran 121 s was on time,
    and a stopwatch tapped a second late must not turn half the meetings red.
    """

    share: float = 0.10
    min_seconds: float = 30.0

    def allowance(self, budget_seconds: float) -> float:
        """Seconds over ``budget_seconds`` that still count as on time."""
        return max(self.share * budget_seconds, self.min_seconds)

    def describe(self) -> str:
        return f"{self.share:.0%} of the budget or {self.min_seconds:g} s, whichever is larger"


DEFAULT_TOLERANCE = OverrunTolerance()


@dataclass(frozen=True)
class TimingCheck:
    """The verdict shown beside the meeting date: status is one of
    ``before_start``, ``early``, ``in_window``, ``late``, ``implausible`` (years after
    the start: surely a mistyped year)."""

    status: str
    month: int | None
    message: str

    @property
    def blocks_saving(self) -> bool:
        return self.status in ("before_start", "implausible")


# A meeting planned more than this many months into an engagement is a mistyped date:
# engagements run months, not years.
PLAUSIBLE_MONTHS = 36


def engagement_month(start: date, when: date) -> int:
    """Return the engagement month ``when`` falls in: 1 for the first calendar month."""
    delta = relativedelta(when, start)
    return delta.years * 12 + delta.months + 1


def check_timing(
    start: date, meeting_date: date, window: RecommendedWindow = DEFAULT_WINDOW
) -> TimingCheck:
    """Compare a planned meeting date with the engagement start and the window."""
    if meeting_date < start:
        return TimingCheck(
            "before_start",
            None,
            f"The meeting date {meeting_date:%d %b %Y} is before the engagement started "
            f"({start:%d %b %Y}). Check the date.",
        )
    month = engagement_month(start, meeting_date)
    if month > PLAUSIBLE_MONTHS:
        return TimingCheck(
            "implausible",
            month,
            f"The meeting date {meeting_date:%d %b %Y} is {(month - 1) // 12} years after the "
            f"engagement started ({start:%d %b %Y}). Check the year.",
        )
    where = f"This meeting falls in month {month} of the engagement"
    if month < window.first_month:
        earliest = start + relativedelta(months=window.first_month - 1)
        return TimingCheck(
            "early",
            month,
            f"{where}: earlier than the recommended {window.describe()}. Trust with the "
            f"coach and first goals may not be in place yet; the window opens "
            f"{earliest:%d %b %Y}.",
        )
    if month > window.last_month:
        return TimingCheck(
            "late",
            month,
            f"{where}: later than the recommended {window.describe()}. Hold it soon so "
            "the manager's view can still shape the coaching.",
        )
    return TimingCheck("in_window", month, f"{where}: inside the recommended {window.describe()}.")


def _read_program_yaml(root: Path) -> tuple[Path, dict[str, Any]]:
    """``root/program.yaml`` as a mapping (empty when the file is absent)."""
    path = root / "program.yaml"
    if not path.exists():
        return path, {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ProgramSettingsError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise ProgramSettingsError(
            f"{path}: expected keys such as recommended_window, got {type(data).__name__}. "
            "Write one 'key: value' per line."
        )
    return path, data


def _parse_window(path: Path, key: str, raw: Any) -> RecommendedWindow:
    try:
        first, last = int(raw["first_month"]), int(raw["last_month"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ProgramSettingsError(
            f"{path}: {key} needs whole numbers first_month and last_month"
        ) from exc
    if not 1 <= first <= last:
        raise ProgramSettingsError(
            f"{path}: {key} must satisfy 1 <= first_month <= last_month, got {first} and {last}"
        )
    return RecommendedWindow(first, last)


def load_window(root: Path) -> RecommendedWindow:
    """Read the program's window for the first meeting from ``root/program.yaml``.

    The default (month 2) when the file or the key is absent.
    """
    path, data = _read_program_yaml(root)
    raw = data.get("recommended_window")
    if raw is None:
        return DEFAULT_WINDOW
    return _parse_window(path, "recommended_window", raw)


def load_windows(root: Path) -> dict[int, RecommendedWindow | None]:
    """The window of each meeting number: ``recommended_window`` for the first meeting,
    ``second_meeting_window`` for the second.

    A second meeting happens "later in the engagement" with no recommended month, so it
    has no window (``None``: neither early nor late) unless the program sets one.
    Judging it against the first meeting's window would call every one of them late.
    """
    path, data = _read_program_yaml(root)
    second = data.get("second_meeting_window")
    return {
        1: load_window(root),
        2: None if second is None else _parse_window(path, "second_meeting_window", second),
    }


def load_overrun_tolerance(root: Path) -> OverrunTolerance:
    """The program's overrun tolerance from ``overrun_tolerance`` in ``root/program.yaml``.

    Keys ``share`` (of the part's budget, 0 to 1) and ``min_seconds``; either may be
    left out to keep its default (10% and 30 s).
    """
    path, data = _read_program_yaml(root)
    raw = data.get("overrun_tolerance")
    if raw is None:
        return DEFAULT_TOLERANCE
    if not isinstance(raw, dict):
        raise ProgramSettingsError(
            f"{path}: overrun_tolerance needs keys share (0 to 1) and min_seconds, got {raw!r}"
        )
    try:
        share = float(raw.get("share", DEFAULT_TOLERANCE.share))
        min_seconds = float(raw.get("min_seconds", DEFAULT_TOLERANCE.min_seconds))
    except (TypeError, ValueError) as exc:
        raise ProgramSettingsError(
            f"{path}: overrun_tolerance share and min_seconds must be numbers, got {raw!r}"
        ) from exc
    if not 0 <= share <= 1 or min_seconds < 0:
        raise ProgramSettingsError(
            f"{path}: overrun_tolerance share must be from 0 to 1 and min_seconds 0 or more, "
            f"got share={share} and min_seconds={min_seconds}"
        )
    return OverrunTolerance(share, min_seconds)
