"""Program-level questions, one function each, on the wide session table.

Every function takes the table from :func:`widgets.analysis.wide_table.wide_sessions`
(one row per session, perhaps narrowed by :func:`widgets.analysis.filters.filter_sessions`)
and returns a small DataFrame: the numbers behind a chart, so an analyst can check
them, filter them and copy them. Only structured fields are used; free text never
enters a metric. The charts of these tables are in :mod:`widgets.analysis.charts`.

The unit of most questions is a meeting of an engagement: ``(engagement_id,
meeting_number)``, whose checklist, prep, meeting and debrief are separate sessions.
Every metric takes ``by=`` ("program", "cohort" or both) to answer per group, the
group's columns first (:mod:`widgets.analysis.grouping`). The timing metrics live in
:mod:`widgets.analysis.timing_metrics`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from widgets.analysis.grouping import per_group
from widgets.analysis.role_metrics import coach_role_choices
from widgets.analysis.timing_metrics import meetings_by_month, section_timing
from widgets.apps.timing import (
    DEFAULT_TOLERANCE,
    DEFAULT_WINDOW,
    OverrunTolerance,
    RecommendedWindow,
)
from widgets.instrument.instrument import Instrument
from widgets.instrument.yaml_loading import load_instrument

__all__ = [
    "METRICS",
    "meetings_by_month",
    "section_timing",
    "goal_alignment_uptake",
    "common_asks",
    "coach_role_choices",
    "feeling_distribution",
    "debrief_rates",
    "checkpoint_completion",
    "second_meeting_share",
    "all_metrics",
]


def _form(sessions: pd.DataFrame, form: str, columns: Iterable[str] = ()) -> pd.DataFrame:
    """The sessions of one form, with only the columns a metric reads.

    Selecting columns before rows matters: the wide table has ~100 columns, and copying
    all of them for every metric cost more than the metrics themselves.
    """
    wanted = ["engagement_id", "meeting_number", *columns]
    return sessions.loc[(sessions["form"] == form).to_numpy(), wanted]


def _rate(part: Any, whole: Any) -> float:
    return float(part) / float(whole) if whole else float("nan")


def goal_alignment_uptake(
    sessions: pd.DataFrame, *, by: str | Sequence[str] | None = None
) -> pd.DataFrame:
    """How often the optional goal alignment is agreed in prep and held in the meeting.

    Columns: meeting_number, preps (answered goal_alignment_ok), agreed, agreed_rate,
    meetings, goals_held (goals part not skipped), held_rate.
    """
    if by is not None:
        return per_group(goal_alignment_uptake, sessions, by)
    rows = []
    preps = _form(sessions, "prep", ["goal_alignment_ok"])
    meetings = _form(sessions, "meeting", ["goals_skipped", "goals_seconds"])
    numbers = sorted(
        set(preps["meeting_number"].dropna()) | set(meetings["meeting_number"].dropna())
    )
    for number in numbers:
        prep = preps[preps["meeting_number"] == number]["goal_alignment_ok"].dropna()
        held_frame = meetings[meetings["meeting_number"] == number]
        skipped = held_frame["goals_skipped"]
        # Older meetings may not record "skipped": a recorded goals time means it ran.
        held = (skipped == False).fillna(False) | (  # noqa: E712 - nullable boolean
            skipped.isna() & held_frame["goals_seconds"].notna()
        )
        rows.append(
            {
                "meeting_number": int(number),
                "preps": len(prep),
                "agreed": int(prep.sum()),
                "agreed_rate": _rate(prep.sum(), len(prep)),
                "meetings": len(held_frame),
                "goals_held": int(held.sum()),
                "held_rate": _rate(held.sum(), len(held_frame)),
            }
        )
    columns = [
        "meeting_number",
        "preps",
        "agreed",
        "agreed_rate",
        "meetings",
        "goals_held",
        "held_rate",
    ]
    return pd.DataFrame(rows, columns=columns)


def common_asks(
    sessions: pd.DataFrame,
    instrument: Instrument | None = None,
    *,
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Which asks of the manager coachees choose, per meeting number, most common first.

    Share is of that meeting's preps that answered the question (a prep may choose
    several), so meeting 1 and meeting 2 are never mixed, as in every other table. A
    meeting with no prep answering has no rows. Columns: meeting_number, ask, label,
    preps, share.
    """
    instrument = instrument or load_instrument()
    if by is not None:
        return per_group(lambda part: common_asks(part, instrument), sessions, by)
    labels = {c.value: c.label for c in instrument.form("prep").item("asks").options()}
    preps = _form(sessions, "prep", ["asks"]).dropna(subset=["asks"])
    preps = preps[preps["asks"].astype(str).str.len() > 0]
    rows = []
    for number, group in preps.groupby("meeting_number", observed=True, sort=True):
        # Each distinct answer ("a;b") is split once, weighted by how many preps gave it.
        counts: Counter[str] = Counter()
        for text, given in group["asks"].value_counts(sort=False).items():
            for part in str(text).split(";"):
                if part.strip():
                    counts[part.strip()] += int(given)
        found: list[dict[str, Any]] = [
            {
                "meeting_number": int(number),
                "ask": value,
                "label": labels.get(value, value),
                "preps": int(counts.get(value, 0)),
                "share": _rate(counts.get(value, 0), len(group)),
            }
            for value in [*labels, *sorted(set(counts) - set(labels))]
        ]
        rows.extend(sorted(found, key=lambda row: (-row["preps"], row["ask"])))
    return pd.DataFrame(rows, columns=["meeting_number", "ask", "label", "preps", "share"])


def feeling_distribution(
    sessions: pd.DataFrame, *, by: str | Sequence[str] | None = None
) -> pd.DataFrame:
    """How coachees feel right after the meeting (1 to 5), per meeting number.

    Columns: meeting_number, feeling, debriefs, share (of answered debriefs).
    """
    if by is not None:
        return per_group(feeling_distribution, sessions, by)
    debriefs = _form(sessions, "debrief", ["feeling"]).dropna(subset=["feeling"])
    rows = []
    for number, group in debriefs.groupby("meeting_number", observed=True):
        counts = group["feeling"].astype("int64").value_counts()
        for feeling in range(1, 6):
            rows.append(
                {
                    "meeting_number": int(number),
                    "feeling": feeling,
                    "debriefs": int(counts.get(feeling, 0)),
                    "share": _rate(counts.get(feeling, 0), len(group)),
                }
            )
    return pd.DataFrame(rows, columns=["meeting_number", "feeling", "debriefs", "share"])


def debrief_rates(sessions: pd.DataFrame, *, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Mean feeling, go-deeper rate and priority-change rate, per meeting number.

    Rates count "yes" among the debriefs that answered (``*_answered``, the rate's
    base: a value left out as not fitting the codebook is not an answer, so it can be
    fewer than ``debriefs``); "not sure" is its own column. Columns: meeting_number,
    debriefs, mean_feeling, go_deeper_yes, go_deeper_not_sure, go_deeper_answered,
    go_deeper_rate, priorities_change_yes, priorities_change_not_sure,
    priorities_change_answered, priorities_change_rate.
    """
    if by is not None:
        return per_group(debrief_rates, sessions, by)
    debriefs = _form(sessions, "debrief", ["feeling", "go_deeper", "priorities_change"])
    rows = []
    for number, group in debriefs.groupby("meeting_number", observed=True):
        row: dict[str, Any] = {
            "meeting_number": int(number),
            "debriefs": len(group),
            "mean_feeling": float(group["feeling"].astype("float64").mean()),
        }
        for item in ("go_deeper", "priorities_change"):
            answers = group[item].dropna().astype(str)
            row[f"{item}_yes"] = int((answers == "yes").sum())
            row[f"{item}_not_sure"] = int((answers == "not_sure").sum())
            row[f"{item}_answered"] = len(answers)
            row[f"{item}_rate"] = _rate((answers == "yes").sum(), len(answers))
        rows.append(row)
    columns = [
        "meeting_number",
        "debriefs",
        "mean_feeling",
        "go_deeper_yes",
        "go_deeper_not_sure",
        "go_deeper_answered",
        "go_deeper_rate",
        "priorities_change_yes",
        "priorities_change_not_sure",
        "priorities_change_answered",
        "priorities_change_rate",
    ]
    return pd.DataFrame(rows, columns=columns)


def checkpoint_completion(
    sessions: pd.DataFrame,
    instrument: Instrument | None = None,
    *,
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Share of meetings in which each checkpoint was ticked.

    A checkpoint with no row in a saved meeting counts as not ticked. Columns:
    meeting_number, checkpoint, section, meetings, ticked, rate.
    """
    instrument = instrument or load_instrument()
    if by is not None:
        return per_group(lambda part: checkpoint_completion(part, instrument), sessions, by)
    form = instrument.form("meeting")
    ticks = [c for c in sessions.columns if str(c).endswith("_ticked")]
    meetings = _form(sessions, "meeting", ticks)
    rows = []
    for number, group in meetings.groupby("meeting_number", observed=True):
        for section in form.sections_for(int(number)):
            for item in section.items_for(int(number)):
                if item.type != "checkpoint":
                    continue
                ticked = int(group[f"{item.id}_ticked"].fillna(False).sum())
                rows.append(
                    {
                        "meeting_number": int(number),
                        "checkpoint": item.id,
                        "section": section.id,
                        "meetings": len(group),
                        "ticked": ticked,
                        "rate": _rate(ticked, len(group)),
                    }
                )
    columns = ["meeting_number", "checkpoint", "section", "meetings", "ticked", "rate"]
    return pd.DataFrame(rows, columns=columns)


def second_meeting_share(
    sessions: pd.DataFrame, *, by: str | Sequence[str] | None = None
) -> pd.DataFrame:
    """Of the engagements that held a first meeting, how many held a second.

    "Held" means the meeting form was saved. Columns: engagements, with_second_meeting,
    share.
    """
    if by is not None:
        return per_group(second_meeting_share, sessions, by)
    meetings = _form(sessions, "meeting")
    first = set(meetings.loc[meetings["meeting_number"] == 1, "engagement_id"].astype(object))
    second = set(meetings.loc[meetings["meeting_number"] == 2, "engagement_id"].astype(object))
    both = len(first & second)
    return pd.DataFrame(
        [{"engagements": len(first), "with_second_meeting": both, "share": _rate(both, len(first))}]
    )


METRICS = (
    "meetings_by_month",
    "section_timing",
    "goal_alignment_uptake",
    "common_asks",
    "coach_role_choices",
    "feeling_distribution",
    "debrief_rates",
    "checkpoint_completion",
    "second_meeting_share",
)


def all_metrics(
    sessions: pd.DataFrame,
    *,
    window: RecommendedWindow = DEFAULT_WINDOW,
    windows: Mapping[int, RecommendedWindow | None] | None = None,
    tolerance: OverrunTolerance = DEFAULT_TOLERANCE,
    instrument: Instrument | None = None,
    by: str | Sequence[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """Every table of the analysis notebook, by name (the order of ``METRICS``)."""
    instrument = instrument or load_instrument()
    return {
        "meetings_by_month": meetings_by_month(sessions, window, windows=windows, by=by),
        "section_timing": section_timing(sessions, instrument, tolerance=tolerance, by=by),
        "goal_alignment_uptake": goal_alignment_uptake(sessions, by=by),
        "common_asks": common_asks(sessions, instrument, by=by),
        "coach_role_choices": coach_role_choices(sessions, instrument, by=by),
        "feeling_distribution": feeling_distribution(sessions, by=by),
        "debrief_rates": debrief_rates(sessions, by=by),
        "checkpoint_completion": checkpoint_completion(sessions, instrument, by=by),
        "second_meeting_share": second_meeting_share(sessions, by=by),
    }
