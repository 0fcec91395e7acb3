"""When in the engagement a meeting falls, against the recommended window.

The domain recommends the second month of the engagement; a program manager may set
another window in ``program.yaml`` beside the data (see :func:`load_window`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from dateutil.relativedelta import relativedelta

from widgets.errors import SettingsError

__all__ = [
    "DEFAULT_WINDOW",
    "RecommendedWindow",
    "TimingCheck",
    "engagement_month",
    "check_timing",
    "load_window",
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
class TimingCheck:
    """The verdict shown beside the meeting date: status is one of
    ``before_start``, ``early``, ``in_window``, ``late``."""

    status: str
    month: int | None
    message: str

    @property
    def blocks_saving(self) -> bool:
        return self.status == "before_start"


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


def load_window(root: Path) -> RecommendedWindow:
    """Read the program's window from ``root/program.yaml``; the default when absent."""
    path = root / "program.yaml"
    if not path.exists():
        return DEFAULT_WINDOW
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ProgramSettingsError(f"{path}: not valid YAML ({exc})") from exc
    raw = data.get("recommended_window") if isinstance(data, dict) else None
    if raw is None:
        return DEFAULT_WINDOW
    try:
        first, last = int(raw["first_month"]), int(raw["last_month"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ProgramSettingsError(
            f"{path}: recommended_window needs whole numbers first_month and last_month"
        ) from exc
    if not 1 <= first <= last:
        raise ProgramSettingsError(
            f"{path}: recommended_window must satisfy 1 <= first_month <= last_month, "
            f"got {first} and {last}"
        )
    return RecommendedWindow(first, last)
