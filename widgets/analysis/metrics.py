"""Program-level questions, one function each, on the wide session table.

Every function takes the table from :func:`widgets.analysis.reading.wide_sessions` (one row per
session) and returns a small DataFrame: the numbers behind a chart, so an analyst can
check them, filter them and copy them. Only structured fields are used; free text never
enters a metric. Chart functions take those tables and return a matplotlib Figure;
matplotlib is imported inside them, so computing the numbers never needs it.

The unit of most questions is a meeting of an engagement: ``(engagement_id,
meeting_number)``, whose checklist, prep, meeting and debrief are separate sessions.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from widgets.apps.timing import DEFAULT_WINDOW, RecommendedWindow
from widgets.instrument.instrument import Instrument
from widgets.instrument.yaml_loading import load_instrument

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "METRICS",
    "meeting_days",
    "filter_sessions",
    "meetings_by_month",
    "section_timing",
    "goal_alignment_uptake",
    "common_asks",
    "feeling_distribution",
    "debrief_rates",
    "checkpoint_completion",
    "second_meeting_share",
    "all_metrics",
    "chart_meetings_by_month",
    "chart_section_timing",
    "chart_common_asks",
    "chart_feeling",
    "chart_checkpoints",
]

_MEETING_KEY = ["engagement_id", "meeting_number"]


def _form(sessions: pd.DataFrame, form: str, columns: Iterable[str] = ()) -> pd.DataFrame:
    """The sessions of one form, with only the columns a metric reads.

    Selecting columns before rows matters: the wide table has ~100 columns, and copying
    all of them for every metric cost more than the metrics themselves.
    """
    wanted = ["engagement_id", "meeting_number", *columns]
    return sessions.loc[(sessions["form"] == form).to_numpy(), wanted]


def _rate(part: Any, whole: Any) -> float:
    return float(part) / float(whole) if whole else float("nan")


# ------------------------------------------------------------------- filters


def meeting_days(sessions: pd.DataFrame) -> pd.DataFrame:
    """The day each (engagement, meeting) happened or is planned.

    The checklist's meeting date when given, else the day the meeting started, else the
    first day anything was saved for that meeting.
    """
    if sessions.empty:
        return pd.DataFrame({"engagement_id": [], "meeting_number": [], "day": []})
    planned = sessions["meeting_date"].where(sessions["form"] == "checklist")
    started = sessions["meeting_started_at"].dt.tz_convert(None).dt.normalize()
    saved = sessions["recorded_at"].dt.tz_convert(None).dt.normalize()
    frame = sessions[_MEETING_KEY].assign(
        planned=planned.astype("datetime64[us]"),
        started=started.astype("datetime64[us]"),
        saved=saved.astype("datetime64[us]"),
    )
    grouped = frame.groupby(_MEETING_KEY, observed=True, sort=False).agg(
        planned=("planned", "max"), started=("started", "min"), saved=("saved", "min")
    )
    day = grouped["planned"].fillna(grouped["started"]).fillna(grouped["saved"])
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
        chosen = days.loc[inside, _MEETING_KEY]
        index = pd.MultiIndex.from_frame(sessions[_MEETING_KEY].astype(object))
        wanted = pd.MultiIndex.from_frame(chosen.astype(object))
        keep &= index.isin(wanted)
    return sessions[keep.to_numpy()]


# ------------------------------------------------------------------- metrics


def _window_position(month: int, window: RecommendedWindow) -> str:
    if month < window.first_month:
        return "early"
    if month > window.last_month:
        return "late"
    return "in_window"


def meetings_by_month(
    sessions: pd.DataFrame, window: RecommendedWindow = DEFAULT_WINDOW
) -> pd.DataFrame:
    """How many meetings fall in each engagement month, against the recommended window.

    One count per (engagement, meeting) with a known month. Columns: meeting_number,
    meeting_month, meetings, share (of that meeting number), timing (early, in_window,
    late).
    """
    known = sessions[[*_MEETING_KEY, "meeting_month"]].dropna(subset=["meeting_month"])
    known = known.drop_duplicates(_MEETING_KEY)
    counts = (
        known.groupby(["meeting_number", "meeting_month"], observed=True)
        .size()
        .rename("meetings")
        .reset_index()
    )
    counts["meeting_number"] = counts["meeting_number"].astype("int64")
    counts["meeting_month"] = counts["meeting_month"].astype("int64")
    totals = counts.groupby("meeting_number")["meetings"].transform("sum")
    counts["share"] = counts["meetings"] / totals
    counts["timing"] = [_window_position(int(m), window) for m in counts["meeting_month"]]
    return counts.sort_values(["meeting_number", "meeting_month"]).reset_index(drop=True)


def _timed_sections(instrument: Instrument) -> list[tuple[str, str]]:
    """(section id, title) of every meeting section that has a time budget."""
    form = instrument.form("meeting")
    return [(s.id, s.title) for s in form.sections if s.budget_seconds is not None]


def section_timing(sessions: pd.DataFrame, instrument: Instrument | None = None) -> pd.DataFrame:
    """Each agenda part's actual time against its budget, and how often it overruns.

    Only meetings where the part ran (it has an actual time). Columns: meeting_number,
    section, title, meetings, budget_seconds (median), mean_seconds, median_seconds,
    mean_over_seconds (actual minus budget), overruns, overrun_rate (actual > budget).
    """
    instrument = instrument or load_instrument()
    timed = _timed_sections(instrument)
    needed = [f"{s}_{part}" for s, _ in timed for part in ("seconds", "budget_seconds")]
    meetings = _form(sessions, "meeting", [c for c in needed if c in sessions])
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
            over = actual > budget
            rows.append(
                {
                    "meeting_number": int(number),
                    "section": section,
                    "title": title,
                    "meetings": len(ran),
                    "budget_seconds": float(budget.median()),
                    "mean_seconds": float(actual.mean()),
                    "median_seconds": float(actual.median()),
                    "mean_over_seconds": float((actual - budget).mean()),
                    "overruns": int(over.sum()),
                    "overrun_rate": _rate(over.sum(), len(ran)),
                }
            )
    columns = [
        "meeting_number",
        "section",
        "title",
        "meetings",
        "budget_seconds",
        "mean_seconds",
        "median_seconds",
        "mean_over_seconds",
        "overruns",
        "overrun_rate",
    ]
    return pd.DataFrame(rows, columns=columns)


def goal_alignment_uptake(sessions: pd.DataFrame) -> pd.DataFrame:
    """How often the optional goal alignment is agreed in prep and held in the meeting.

    Columns: meeting_number, preps (answered goal_alignment_ok), agreed, agreed_rate,
    meetings, goals_held (goals part not skipped), held_rate.
    """
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


def common_asks(sessions: pd.DataFrame, instrument: Instrument | None = None) -> pd.DataFrame:
    """Which asks of the manager coachees choose, most common first.

    Share is of preps that answered the question (a prep may choose several). Columns:
    ask, label, preps, share.
    """
    instrument = instrument or load_instrument()
    labels = {c.value: c.label for c in instrument.form("prep").item("asks").options()}
    answered = _form(sessions, "prep", ["asks"])["asks"].dropna()
    answered = answered[answered.str.len() > 0]
    chosen = answered.str.split(";").explode().str.strip()
    counts = chosen[chosen != ""].value_counts()
    rows = [
        {
            "ask": value,
            "label": labels.get(value, value),
            "preps": int(counts.get(value, 0)),
            "share": _rate(counts.get(value, 0), len(answered)),
        }
        for value in [*labels, *sorted(set(counts.index) - set(labels))]
    ]
    table = pd.DataFrame(rows, columns=["ask", "label", "preps", "share"])
    return table.sort_values(["preps", "ask"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )


def feeling_distribution(sessions: pd.DataFrame) -> pd.DataFrame:
    """How coachees feel right after the meeting (1 to 5), per meeting number.

    Columns: meeting_number, feeling, debriefs, share (of answered debriefs).
    """
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


def debrief_rates(sessions: pd.DataFrame) -> pd.DataFrame:
    """Mean feeling, go-deeper rate and priority-change rate, per meeting number.

    Rates count "yes" among the debriefs that answered; "not sure" is its own column.
    Columns: meeting_number, debriefs, mean_feeling, go_deeper_yes, go_deeper_not_sure,
    go_deeper_rate, priorities_change_yes, priorities_change_not_sure,
    priorities_change_rate.
    """
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
            row[f"{item}_rate"] = _rate((answers == "yes").sum(), len(answers))
        rows.append(row)
    columns = [
        "meeting_number",
        "debriefs",
        "mean_feeling",
        "go_deeper_yes",
        "go_deeper_not_sure",
        "go_deeper_rate",
        "priorities_change_yes",
        "priorities_change_not_sure",
        "priorities_change_rate",
    ]
    return pd.DataFrame(rows, columns=columns)


def checkpoint_completion(
    sessions: pd.DataFrame, instrument: Instrument | None = None
) -> pd.DataFrame:
    """Share of meetings in which each checkpoint was ticked.

    A checkpoint with no row in a saved meeting counts as not ticked. Columns:
    meeting_number, checkpoint, section, meetings, ticked, rate.
    """
    instrument = instrument or load_instrument()
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


def second_meeting_share(sessions: pd.DataFrame) -> pd.DataFrame:
    """Of the engagements that held a first meeting, how many held a second.

    "Held" means the meeting form was saved. Columns: engagements, with_second_meeting,
    share.
    """
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
    "feeling_distribution",
    "debrief_rates",
    "checkpoint_completion",
    "second_meeting_share",
)


def all_metrics(
    sessions: pd.DataFrame,
    *,
    window: RecommendedWindow = DEFAULT_WINDOW,
    instrument: Instrument | None = None,
) -> dict[str, pd.DataFrame]:
    """Every table of the analysis notebook, by name (the order of ``METRICS``)."""
    instrument = instrument or load_instrument()
    return {
        "meetings_by_month": meetings_by_month(sessions, window),
        "section_timing": section_timing(sessions, instrument),
        "goal_alignment_uptake": goal_alignment_uptake(sessions),
        "common_asks": common_asks(sessions, instrument),
        "feeling_distribution": feeling_distribution(sessions),
        "debrief_rates": debrief_rates(sessions),
        "checkpoint_completion": checkpoint_completion(sessions, instrument),
        "second_meeting_share": second_meeting_share(sessions),
    }


# -------------------------------------------------------------------- charts


def _figure(title: str, xlabel: str, ylabel: str) -> tuple[Figure, Any]:
    """A chart with its plain title and axis labels (every chart has all three)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.6), layout="constrained")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return fig, ax


def _no_data(ax: Any) -> None:
    ax.text(0.5, 0.5, "No data for this selection", ha="center", va="center")
    ax.set_xticks([])
    ax.set_yticks([])


def chart_meetings_by_month(
    table: pd.DataFrame, window: RecommendedWindow = DEFAULT_WINDOW
) -> Figure:
    """Bars of first meetings per engagement month; the window shaded."""
    fig, ax = _figure(
        "When first meetings happen in the engagement", "Engagement month", "Meetings"
    )
    first = table[table["meeting_number"] == 1]
    if first.empty:
        _no_data(ax)
        return fig
    colours = {"early": "#c98a2b", "in_window": "#2b7bb9", "late": "#9a4f96"}
    ax.bar(
        first["meeting_month"],
        first["meetings"],
        color=[colours[t] for t in first["timing"]],
    )
    ax.axvspan(window.first_month - 0.5, window.last_month + 0.5, color="#2b7bb9", alpha=0.12, lw=0)
    ax.set_xticks(list(first["meeting_month"]))
    ax.text(
        window.first_month,
        ax.get_ylim()[1] * 0.95,
        f"recommended: {window.describe()}",
        ha="center",
        va="top",
    )
    return fig


def chart_section_timing(table: pd.DataFrame, meeting_number: int = 1) -> Figure:
    """Median actual minutes beside the budget for each agenda part."""
    fig, ax = _figure(
        f"Time per agenda part, meeting {meeting_number}: actual against budget",
        "Agenda part",
        "Minutes",
    )
    rows = table[table["meeting_number"] == meeting_number]
    if rows.empty:
        _no_data(ax)
        return fig
    x = np.arange(len(rows))
    ax.bar(x - 0.2, rows["budget_seconds"] / 60, width=0.4, label="Budget", color="#b8c4cc")
    ax.bar(x + 0.2, rows["median_seconds"] / 60, width=0.4, label="Median actual", color="#2b7bb9")
    ax.set_xticks(
        x,
        [f"{t}\n{r:.0%} overrun" for t, r in zip(rows["title"], rows["overrun_rate"], strict=True)],
    )
    ax.legend()
    return fig


def chart_common_asks(table: pd.DataFrame) -> Figure:
    """Horizontal bars: share of preps choosing each ask."""
    fig, ax = _figure("What coachees ask of their manager", "Share of preps", "Ask")
    if table.empty or table["preps"].sum() == 0:
        _no_data(ax)
        return fig
    rows = table.iloc[::-1]
    ax.barh(rows["label"], rows["share"], color="#2b7bb9")
    ax.set_xlim(0, 1)
    return fig


def chart_feeling(table: pd.DataFrame, meeting_number: int = 1) -> Figure:
    """Bars of debrief feeling, 1 (struggling) to 5 (energised)."""
    fig, ax = _figure(
        f"How coachees feel after meeting {meeting_number}",
        "Feeling (1 = struggling, 5 = energised)",
        "Debriefs",
    )
    rows = table[table["meeting_number"] == meeting_number]
    if rows.empty or rows["debriefs"].sum() == 0:
        _no_data(ax)
        return fig
    ax.bar(rows["feeling"], rows["debriefs"], color="#2b7bb9")
    ax.set_xticks(range(1, 6))
    return fig


def chart_checkpoints(table: pd.DataFrame, meeting_number: int = 1) -> Figure:
    """Horizontal bars: share of meetings in which each checkpoint was ticked."""
    fig, ax = _figure(
        f"Checkpoints ticked, meeting {meeting_number}", "Share of meetings", "Checkpoint"
    )
    rows = table[table["meeting_number"] == meeting_number]
    if rows.empty:
        _no_data(ax)
        return fig
    ax.barh(rows["checkpoint"].iloc[::-1], rows["rate"].iloc[::-1], color="#2b7bb9")
    ax.set_xlim(0, 1)
    return fig
