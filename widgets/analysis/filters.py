"""Which sessions an analyst looks at: programs, cohorts and a range of meeting days.

Filtering is by meeting, not by save: a meeting's checklist, prep, meeting and debrief
are separate sessions saved on different days, and they must stay together for any
per-meeting question to add up.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd

__all__ = ["MEETING_KEY", "meeting_days", "filter_sessions"]

# The unit of most program questions: one meeting of one engagement.
MEETING_KEY = ["engagement_id", "meeting_number"]


def meeting_days(sessions: pd.DataFrame) -> pd.DataFrame:
    """The day each (engagement, meeting) happened or is planned.

    The day the meeting started when it was held (a moved meeting belongs to the day it
    really happened), else the checklist's planned date, else the first day anything
    was saved for that meeting.
    """
    if sessions.empty:
        return pd.DataFrame({"engagement_id": [], "meeting_number": [], "day": []})
    planned = sessions["meeting_date"].where(sessions["form"] == "checklist")
    started = sessions["meeting_started_at"].dt.tz_convert(None).dt.normalize()
    saved = sessions["recorded_at"].dt.tz_convert(None).dt.normalize()
    frame = sessions[MEETING_KEY].assign(
        planned=planned.astype("datetime64[us]"),
        started=started.astype("datetime64[us]"),
        saved=saved.astype("datetime64[us]"),
    )
    grouped = frame.groupby(MEETING_KEY, observed=True, sort=False).agg(
        planned=("planned", "max"), started=("started", "min"), saved=("saved", "min")
    )
    day = grouped["started"].fillna(grouped["planned"]).fillna(grouped["saved"])
    return day.rename("day").reset_index()


def filter_sessions(
    sessions: pd.DataFrame,
    *,
    programs: Iterable[str] | None = None,
    cohorts: Iterable[str] | None = None,
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """Sessions of the chosen programs and cohorts whose meeting day is in [start, end].

    A meeting's sessions stay together: the date range picks meetings (by
    :func:`meeting_days`), not single saves, so a prep made before ``start`` for a
    meeting inside the range still counts. ``None`` means no limit.
    """
    keep = pd.Series(True, index=sessions.index)
    if programs is not None:
        keep &= sessions["program"].astype(object).isin(list(programs))
    if cohorts is not None:
        keep &= sessions["cohort"].astype(object).isin(list(cohorts))
    if start is not None or end is not None:
        days = meeting_days(sessions)
        inside = pd.Series(True, index=days.index)
        if start is not None:
            inside &= days["day"] >= pd.Timestamp(start)
        if end is not None:
            inside &= days["day"] <= pd.Timestamp(end)
        chosen = days.loc[inside, MEETING_KEY]
        index = pd.MultiIndex.from_frame(sessions[MEETING_KEY].astype(object))
        wanted = pd.MultiIndex.from_frame(chosen.astype(object))
        keep &= index.isin(wanted)
    return sessions[keep.to_numpy()]
