"""The program questions as matplotlib figures, drawn from the tables of
:mod:`widgets.analysis.metrics`.

Each chart takes the table a metric returns (never the sessions), so what is drawn is
exactly the table shown beside it. matplotlib is imported inside the functions: the
numbers never need it, and a kernel that only computes them does not pay for it.
Every chart has a plain title and axis labels, and says so when a selection is empty
instead of drawing empty axes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from widgets.apps.timing import DEFAULT_WINDOW, RecommendedWindow

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "chart_meetings_by_month",
    "chart_section_timing",
    "chart_common_asks",
    "chart_feeling",
    "chart_checkpoints",
]


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
