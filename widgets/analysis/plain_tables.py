"""The analysis tables in plain words, for a room of trainees rather than an analyst.

Each tab's table carries the codebook's column names (``meeting_month``,
``overrun_rate``) and stored codes (``in_window``, ``opening_thanks``): exactly right
for an analyst, who reads them against the CSV, and jargon on a projected screen. In
training mode and in projector view the dashboard shows this version instead: headers
in words, codes as their wording, times in minutes, columns that only repeat the tab's
own choice (the meeting number) or a label beside them (``ask`` next to its wording)
left out. The CSV download keeps the codebook's names either way.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

__all__ = ["HEADERS", "plain_table"]

# Column -> header in words. A column not named here is spelled out from its name.
HEADERS: dict[str, str] = {
    "meeting_month": "Month of the engagement",
    "meetings": "Meetings",
    "share": "Share",
    "planned_only": "Planned, not yet held",
    "timing": "Timing",
    "title": "Agenda part",
    "budget_seconds": "Budget",
    "tolerance_seconds": "Leeway",
    "mean_seconds": "Average time",
    "median_seconds": "Median time",
    "mean_over_seconds": "Average over budget",
    "overruns": "Overran",
    "overrun_rate": "Share overrunning",
    "preps": "Preps",
    "agreed": "Agreed to talk about goals",
    "agreed_rate": "Share agreeing",
    "goals_held": "Goals part held",
    "held_rate": "Share held",
    "label": "Answer",
    "feeling": "Feeling (1 to 5)",
    "debriefs": "Debriefs",
    "mean_feeling": "Average feeling",
    "go_deeper_yes": "Go deeper: yes",
    "go_deeper_not_sure": "Go deeper: not sure",
    "go_deeper_answered": "Go deeper: answered",
    "go_deeper_rate": "Share going deeper",
    "priorities_change_yes": "Priorities change: yes",
    "priorities_change_not_sure": "Priorities change: not sure",
    "priorities_change_answered": "Priorities change: answered",
    "priorities_change_rate": "Share changing priorities",
    "checkpoint": "Checkpoint",
    "ticked": "Ticked",
    "rate": "Share ticked",
    "engagements": "Engagements",
    "with_second_meeting": "With a second meeting",
}
# Stored codes shown as words, whatever the column.
_VALUES = {
    "in_window": "in the window",
    "early": "earlier than the window",
    "late": "later than the window",
    "no_window": "no window set",
    "before_start": "before the engagement started",
}
# Columns that repeat what the tab already says or a label shown beside them.
_LEFT_OUT = {"meeting_number", "section", "ask", "coach_role"}
# The label column's header, by the code column it stands for.
_LABEL_OF = {"ask": "Ask of the manager", "coach_role": "Coach's role"}


def _words(name: str) -> str:
    spelled = name.replace("_", " ").strip()
    return spelled[:1].upper() + spelled[1:]


def _minutes(seconds: float) -> str:
    if pd.isna(seconds):
        return ""
    sign = "-" if seconds < 0 else ""
    whole = round(abs(seconds))
    return f"{sign}{whole // 60}:{whole % 60:02d} min"


def _cell(value: object, labels: Mapping[str, str]) -> object:
    if not isinstance(value, str):
        return value
    if value in labels:  # an item id: its wording, as a sentence
        worded = labels[value]
        return worded[:1].upper() + worded[1:]
    text = _VALUES.get(value, value)
    return text.replace("_", " ") if "_" in text and " " not in text else text


def plain_table(table: pd.DataFrame, labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """``table`` as a trainee reads it: every cell a string, every header in words.

    ``labels`` maps stored item ids (checkpoints) to their wording.
    """
    labels = labels or {}
    shown = table.drop(columns=[c for c in table.columns if c in _LEFT_OUT])
    headers = dict(HEADERS)
    for code, label in _LABEL_OF.items():
        if code in table.columns:
            headers["label"] = label
    out = pd.DataFrame(index=shown.index)
    for column in shown.columns:
        values = shown[column]
        if column.endswith(("rate", "share")):
            text = values.map(lambda v: "" if pd.isna(v) else f"{v * 100:.0f} %")
        elif column.endswith("seconds"):
            text = values.map(_minutes)
        elif values.dtype.kind == "f":
            text = values.map(lambda v: "" if pd.isna(v) else f"{v:.1f}")
        else:
            text = values.map(lambda v: _cell(v, labels))
        out[headers.get(column, _words(column))] = text.astype(str)
    return out
