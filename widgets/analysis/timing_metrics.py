"""When meetings happen and how long their agenda parts take: the two timing metrics.

Both answer questions a program manager acts on, so both must count only what really
happened:

* a meeting is placed in the engagement month it was *held* (the day its timer
  started), not the month it was planned for; a meeting that was planned but never
  held is counted apart, never as a meeting;
* each meeting number is judged against its own window (the second meeting has none
  unless the program sets one), not against the first meeting's;
* an agenda part overruns only past its budget plus a tolerance
  (:class:`~widgets.apps.timing.OverrunTolerance`), not one second over.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from widgets.analysis.filters import MEETING_KEY
from widgets.analysis.grouping import per_group
from widgets.apps.timing import (
    DEFAULT_TOLERANCE,
    DEFAULT_WINDOW,
    OverrunTolerance,
    RecommendedWindow,
)
from widgets.instrument.instrument import Instrument
from widgets.instrument.yaml_loading import load_instrument

__all__ = ["meeting_windows", "meetings_by_month", "section_timing"]

MEETINGS_BY_MONTH_COLUMNS = [
    "meeting_number",
    "meeting_month",
    "meetings",
    "share",
    "planned_only",
    "timing",
]
SECTION_TIMING_COLUMNS = [
    "meeting_number",
    "section",
    "title",
    "meetings",
    "budget_seconds",
    "tolerance_seconds",
    "mean_seconds",
    "median_seconds",
    "mean_over_seconds",
    "overruns",
    "overrun_rate",
]


def meeting_windows(
    window: RecommendedWindow = DEFAULT_WINDOW,
    windows: Mapping[int, RecommendedWindow | None] | None = None,
) -> dict[int, RecommendedWindow | None]:
    """The window of each meeting number: ``window`` for the first, none for the second,
    unless ``windows`` (as from :func:`~widgets.apps.timing.load_windows`) says otherwise."""
    chosen: dict[int, RecommendedWindow | None] = {1: window, 2: None}
    chosen.update(windows or {})
    return chosen


def _window_position(month: int, window: RecommendedWindow | None) -> str:
    if window is None:
        return "no_window"
    if month < window.first_month:
        return "early"
    if month > window.last_month:
        return "late"
    return "in_window"


def meetings_by_month(
    sessions: pd.DataFrame,
    window: RecommendedWindow = DEFAULT_WINDOW,
    *,
    windows: Mapping[int, RecommendedWindow | None] | None = None,
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """How many meetings were held in each engagement month, against each meeting's window.

    A meeting is held when its meeting form was saved; its month is that of the day it
    started. Meetings planned (a checklist date) but never held are counted apart, in
    ``planned_only`` by their planned month, and are not in ``meetings`` or ``share``.
    Columns: meeting_number, meeting_month, meetings (held), share (of the held meetings
    of that number), planned_only, timing (early, in_window, late, or no_window for a
    meeting number without a window). ``by`` groups by program and/or cohort.
    """
    if by is not None:
        return per_group(
            lambda part: meetings_by_month(part, window, windows=windows), sessions, by
        )
    chosen = meeting_windows(window, windows)
    known = sessions[[*MEETING_KEY, "meeting_month"]].dropna(subset=["meeting_month"])
    known = known.drop_duplicates(MEETING_KEY)
    held = sessions.loc[(sessions["form"] == "meeting").to_numpy(), MEETING_KEY]
    held_index = pd.MultiIndex.from_frame(held.astype(object))
    is_held = pd.MultiIndex.from_frame(known[MEETING_KEY].astype(object)).isin(held_index)
    known = known.assign(held=is_held.astype("int64"), planned_only=(~is_held).astype("int64"))
    counts = (
        known.groupby(["meeting_number", "meeting_month"], observed=True)[["held", "planned_only"]]
        .sum()
        .reset_index()
        .rename(columns={"held": "meetings"})
    )
    if counts.empty:
        return pd.DataFrame(columns=MEETINGS_BY_MONTH_COLUMNS)
    counts["meeting_number"] = counts["meeting_number"].astype("int64")
    counts["meeting_month"] = counts["meeting_month"].astype("int64")
    totals = counts.groupby("meeting_number")["meetings"].transform("sum")
    counts["share"] = (counts["meetings"] / totals.where(totals > 0)).astype("float64")
    counts["timing"] = [
        _window_position(int(month), chosen.get(int(number)))
        for number, month in zip(counts["meeting_number"], counts["meeting_month"], strict=True)
    ]
    counts = counts.sort_values(["meeting_number", "meeting_month"]).reset_index(drop=True)
    return counts[MEETINGS_BY_MONTH_COLUMNS]


def section_timing(
    sessions: pd.DataFrame,
    instrument: Instrument | None = None,
    *,
    tolerance: OverrunTolerance = DEFAULT_TOLERANCE,
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Each agenda part's actual time against its budget, and how often it overruns.

    Only meetings where the part ran (it has an actual time). A part overruns when it
    took longer than its budget plus ``tolerance.allowance(budget)`` (by default 10% of
    the budget or 30 s, whichever is larger). Columns: meeting_number, section, title,
    meetings, budget_seconds (median), tolerance_seconds (for that budget),
    mean_seconds, median_seconds, mean_over_seconds (actual minus budget), overruns,
    overrun_rate. ``by`` groups by program and/or cohort.
    """
    instrument = instrument or load_instrument()
    if by is not None:
        return per_group(
            lambda part: section_timing(part, instrument, tolerance=tolerance), sessions, by
        )
    form = instrument.form("meeting")
    timed = [(s.id, s.title) for s in form.sections if s.budget_seconds is not None]
    needed = [f"{s}_{part}" for s, _ in timed for part in ("seconds", "budget_seconds")]
    wanted = ["meeting_number", *(c for c in needed if c in sessions)]
    meetings = sessions.loc[(sessions["form"] == "meeting").to_numpy(), wanted]
    rows = []
    for section, title in timed:
        actual_col, budget_col = f"{section}_seconds", f"{section}_budget_seconds"
        if actual_col not in meetings:
            continue
        for number, group in meetings.groupby("meeting_number", observed=True):
            ran = group.dropna(subset=[actual_col])
            if ran.empty:
                continue
            actual = ran[actual_col].astype("float64")
            budget = ran[budget_col].astype("float64")
            # The allowance of each distinct budget (a part has one or two), placed by row.
            codes, budgets = pd.factorize(budget, use_na_sentinel=False)
            allowances = np.array([tolerance.allowance(b) for b in budgets], dtype="float64")
            allowance = pd.Series(allowances[codes], index=budget.index)
            over = actual > budget + allowance
            rows.append(
                {
                    "meeting_number": int(number),
                    "section": section,
                    "title": title,
                    "meetings": len(ran),
                    "budget_seconds": float(budget.median()),
                    "tolerance_seconds": float(allowance.median()),
                    "mean_seconds": float(actual.mean()),
                    "median_seconds": float(actual.median()),
                    "mean_over_seconds": float((actual - budget).mean()),
                    "overruns": int(over.sum()),
                    "overrun_rate": float(over.mean()),
                }
            )
    return pd.DataFrame(rows, columns=SECTION_TIMING_COLUMNS)
