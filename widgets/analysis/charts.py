"""The program questions as matplotlib figures, one per metric, and as SVG text.

Each chart takes the table a metric returns (never the sessions), already narrowed to
the meeting shown, so what is drawn is exactly the table printed beside it. Shares are
drawn on 0-100 % axes with each bar's n and percentage written on it and the total n
in the title, because a share without its base misleads: 80 % of 5 preps is not 80 %
of 500. Labels are the codebook's (choice labels, item wording), never raw item ids.
matplotlib is imported inside the functions: the numbers never need it.

:func:`figure_svg` turns a figure into SVG that scales to its container: it is what a
notebook keeps as an ordinary output, so an exported HTML report shows the charts with
no network and no widget code.
"""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from widgets.apps.timing import DEFAULT_WINDOW, RecommendedWindow
from widgets.instrument.instrument import Instrument
from widgets.shell.ui_text import counted

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "CHARTS",
    "codebook_labels",
    "choice_labels",
    "figure_svg",
    "chart_meetings_by_month",
    "chart_section_timing",
    "chart_goal_alignment",
    "chart_coach_roles",
    "chart_common_asks",
    "chart_feeling",
    "chart_debrief_rates",
    "chart_checkpoints",
    "chart_second_meetings",
]

_BLUE, _GREY = "#2b7bb9", "#b8c4cc"
_TIMING_COLOURS = {"early": "#c98a2b", "in_window": _BLUE, "late": "#9a4f96"}


def codebook_labels(instrument: Instrument) -> dict[str, str]:
    """Item id -> its wording, with ``{name}`` read as "the coachee" (a chart has no name)."""
    return {
        entry.item_id: entry.wording.replace("{name}", "the coachee")
        for entry in instrument.codebook()
    }


def choice_labels(instrument: Instrument, item_id: str) -> dict[str, str]:
    """Stored value -> label of one item's choices; a bare value labels itself."""
    for entry in instrument.codebook():
        if entry.item_id == item_id and entry.choices:
            pairs = (part.strip().partition("=") for part in entry.choices.split(";"))
            return {value: label or value for value, _, label in pairs}
    return {}


def figure_svg(figure: Figure) -> str:
    """The figure as inline SVG sized by its container (width 100 %, height by aspect),
    named by its title so a screen reader says what the chart shows."""
    import html

    import matplotlib.pyplot as plt

    titles = [ax.get_title() for ax in figure.axes if ax.get_title()]
    name = html.escape(titles[0] if titles else "Chart", quote=True)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    plt.close(figure)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # no XML prolog or doctype inside an HTML page
    return re.sub(
        r'<svg([^>]*?) width="[^"]*" height="[^"]*"',
        rf'<svg\1 width="100%" style="height:auto;max-width:960px" role="img" aria-label="{name}"',
        svg,
        count=1,
    )


def _figure(title: str, xlabel: str, ylabel: str, rows: int = 0) -> tuple[Figure, Any]:
    """A chart with its plain title and axis labels (every chart has all three)."""
    import matplotlib

    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: searchable, small
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, max(3.4, 0.45 * rows + 1.4)), layout="constrained")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return fig, ax


def _no_data(ax: Any) -> None:
    ax.text(0.5, 0.5, "No data for this selection", ha="center", va="center")
    ax.set_xticks([])
    ax.set_yticks([])


def _percent_axis(ax: Any, horizontal: bool = False) -> None:
    (ax.set_xlim if horizontal else ax.set_ylim)(0, 100)


def _annotate(ax: Any, bars: Any, counts: Sequence[Any], shares: Sequence[float]) -> None:
    """Each bar's n and percentage written on it."""
    labels = [
        f"{int(n)} ({s:.0f} %)" if not pd.isna(s) else f"{int(n)}"
        for n, s in zip(counts, shares, strict=True)
    ]
    ax.bar_label(bars, labels=labels, padding=2, fontsize=9)


def _share_bars(
    ax: Any,
    names: Sequence[Any],
    counts: Sequence[Any],
    shares: Sequence[float],
    *,
    horizontal: bool = False,
    color: Any = _BLUE,
) -> None:
    """Bars of shares on a 0-100 % axis, each with its n and percentage written on it.

    A share with no base (NaN) is drawn as an empty bar and labelled with its n alone.
    """
    draw = ax.barh if horizontal else ax.bar
    bars = draw(names, np.nan_to_num(shares), color=color)
    _annotate(ax, bars, counts, shares)
    _percent_axis(ax, horizontal)


def _wrap(text: str, width: int = 38) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def chart_meetings_by_month(
    table: pd.DataFrame, window: RecommendedWindow | None = DEFAULT_WINDOW, meeting_number: int = 1
) -> Figure:
    """Share of held meetings per engagement month; the recommended window shaded."""
    rows = table[table["meeting_number"] == meeting_number]
    n = int(rows["meetings"].sum())
    fig, ax = _figure(
        f"When meeting {meeting_number} is held in the engagement (n = {counted(n, 'meeting')})",
        "Engagement month",
        "Share of held meetings (%)",
    )
    if rows.empty or n == 0:
        _no_data(ax)
        return fig
    shares = rows["share"] * 100
    colours = [_TIMING_COLOURS.get(str(t), _GREY) for t in rows["timing"]]
    _share_bars(ax, rows["meeting_month"], rows["meetings"], shares, color=colours)
    ax.set_xticks(list(rows["meeting_month"]))
    if window is not None:
        ax.axvspan(window.first_month - 0.5, window.last_month + 0.5, color=_BLUE, alpha=0.12)
        ax.text(window.first_month, 95, f"recommended: {window.describe()}", ha="center", va="top")
    return fig


def chart_section_timing(
    table: pd.DataFrame, meeting_number: int = 1, labels: Mapping[str, str] | None = None
) -> Figure:
    """Median actual minutes beside the budget for each agenda part, with its overrun share."""
    rows = table[table["meeting_number"] == meeting_number]
    n = int(rows["meetings"].max()) if len(rows) else 0
    fig, ax = _figure(
        f"Time per agenda part, meeting {meeting_number}: actual against budget "
        f"(n = {counted(n, 'meeting')})",
        "Agenda part (share of meetings over budget beyond the tolerance)",
        "Minutes",
    )
    if rows.empty:
        _no_data(ax)
        return fig
    x = np.arange(len(rows))
    ax.bar(x - 0.2, rows["budget_seconds"] / 60, width=0.4, label="Budget", color=_GREY)
    ax.bar(x + 0.2, rows["median_seconds"] / 60, width=0.4, label="Median actual", color=_BLUE)
    ticks = [
        f"{_wrap(str(title), 16)}\n{int(over)} of {int(m)} over ({rate * 100:.0f} %)"
        for title, over, m, rate in zip(
            rows["title"], rows["overruns"], rows["meetings"], rows["overrun_rate"], strict=True
        )
    ]
    ax.set_xticks(x, ticks, fontsize=8)
    ax.legend()
    return fig


def chart_goal_alignment(table: pd.DataFrame, meeting_number: int = 1) -> Figure:
    """Share of preps agreeing to goal alignment, and of meetings that then held it."""
    rows = table[table["meeting_number"] == meeting_number]
    fig, ax = _figure(f"Goal alignment, meeting {meeting_number}", "", "Share (%)")
    if rows.empty or int(rows["preps"].sum()) + int(rows["meetings"].sum()) == 0:
        _no_data(ax)
        return fig
    row = rows.iloc[0]
    names = [
        f"Agreed in prep\n(n = {counted(int(row['preps']), 'prep')})",
        f"Held in the meeting\n(n = {counted(int(row['meetings']), 'meeting')})",
    ]
    shares = [row["agreed_rate"] * 100, row["held_rate"] * 100]
    _share_bars(ax, names, [row["agreed"], row["goals_held"]], shares)
    return fig


def _preps_by_label(table: pd.DataFrame, title: str, axis: str, n: int) -> Figure:
    """Horizontal bars of the share of preps per choice, labelled from the codebook."""
    fig, ax = _figure(
        f"{title} (n = {counted(n, 'prep')})", "Share of preps (%)", axis, rows=len(table)
    )
    if table.empty or n == 0:
        _no_data(ax)
        return fig
    rows = table.iloc[::-1]
    shares = rows["share"] * 100
    _share_bars(
        ax, [_wrap(str(label)) for label in rows["label"]], rows["preps"], shares, horizontal=True
    )
    return fig


def chart_common_asks(table: pd.DataFrame) -> Figure:
    """Horizontal bars: share of preps choosing each ask (labels from the codebook)."""
    # preps counts the preps choosing each ask; share is of the preps that answered.
    chosen = table[table["share"] > 0]
    n = round(chosen["preps"].iloc[0] / chosen["share"].iloc[0]) if len(chosen) else 0
    return _preps_by_label(table, "What coachees ask of their manager", "Ask", n)


def chart_feeling(
    table: pd.DataFrame, meeting_number: int = 1, labels: Mapping[str, str] | None = None
) -> Figure:
    """Share of debriefs at each feeling, labelled with the scale's own anchors."""
    rows = table[table["meeting_number"] == meeting_number]
    n = int(rows["debriefs"].sum())
    fig, ax = _figure(
        f"How coachees feel after meeting {meeting_number} (n = {counted(n, 'debrief')})",
        "Feeling",
        "Share of debriefs (%)",
    )
    if rows.empty or n == 0:
        _no_data(ax)
        return fig
    labels = labels or {}
    names = [
        f"{v}\n{labels[str(v)]}" if labels.get(str(v), str(v)) != str(v) else str(v)
        for v in rows["feeling"]
    ]
    shares = rows["share"] * 100
    _share_bars(ax, names, rows["debriefs"], shares)
    return fig


def chart_debrief_rates(
    table: pd.DataFrame, meeting_number: int = 1, labels: Mapping[str, str] | None = None
) -> Figure:
    """Share of debriefs answering yes to going deeper and to changed priorities."""
    rows = table[table["meeting_number"] == meeting_number]
    n = int(rows["debriefs"].sum())
    fig, ax = _figure(
        f"After meeting {meeting_number}: answered yes (n = {counted(n, 'debrief')})",
        "Share of debriefs answering yes (%)",
        "Question",
        rows=2,
    )
    if rows.empty or n == 0:
        _no_data(ax)
        return fig
    labels = labels or {}
    row = rows.iloc[0]
    items = [("priorities_change", "priorities_change"), ("go_deeper", "go_deeper")]
    names = [
        _wrap(labels.get(item, item), 44)
        # A rate's base is who answered; said when some debriefs did not.
        + (
            f"\n(of {int(row[f'{column}_answered'])} answering)"
            if int(row[f"{column}_answered"]) != int(row["debriefs"])
            else ""
        )
        for item, column in items
    ]
    counts = [row[f"{column}_yes"] for _, column in items]
    shares = [row[f"{column}_rate"] * 100 for _, column in items]
    _share_bars(ax, names, counts, shares, horizontal=True)
    return fig


def chart_checkpoints(
    table: pd.DataFrame, meeting_number: int = 1, labels: Mapping[str, str] | None = None
) -> Figure:
    """Horizontal bars: share of meetings in which each checkpoint was ticked."""
    rows = table[table["meeting_number"] == meeting_number].iloc[::-1]
    n = int(rows["meetings"].max()) if len(rows) else 0
    fig, ax = _figure(
        f"Checkpoints ticked, meeting {meeting_number} (n = {counted(n, 'meeting')})",
        "Share of meetings (%)",
        "Checkpoint",
        rows=len(rows),
    )
    if rows.empty or n == 0:
        _no_data(ax)
        return fig
    labels = labels or {}
    names = [_wrap(labels.get(str(c), str(c)), 48) for c in rows["checkpoint"]]
    shares = rows["rate"] * 100
    _share_bars(ax, names, rows["ticked"], shares, horizontal=True)
    return fig


def chart_second_meetings(table: pd.DataFrame) -> Figure:
    """Of the engagements that held a first meeting, the share that held a second."""
    n = int(table["engagements"].sum()) if len(table) else 0
    fig, ax = _figure(
        f"Engagements holding a second meeting (n = {n} with a first meeting)",
        "",
        "Share of engagements (%)",
    )
    if n == 0:
        _no_data(ax)
        return fig
    second = int(table["with_second_meeting"].sum())
    shares = [second / n * 100, (n - second) / n * 100]
    _share_bars(
        ax,
        ["Second meeting held", "First meeting only"],
        [second, n - second],
        shares,
        color=[_BLUE, _GREY],
    )
    return fig


def chart_coach_roles(table: pd.DataFrame, meeting_number: int = 1) -> Figure:
    """Horizontal bars: the role coachees chose for their coach (labels from the codebook)."""
    n = int(table["preps"].sum()) if len(table) else 0
    title = f"The coach's role chosen for meeting {meeting_number}"
    return _preps_by_label(table, title, "Role", n)


# Metric name -> chart; every tab of the dashboard has one.
CHARTS = {
    "meetings_by_month": chart_meetings_by_month,
    "section_timing": chart_section_timing,
    "goal_alignment_uptake": chart_goal_alignment,
    "common_asks": chart_common_asks,
    "coach_role_choices": chart_coach_roles,
    "feeling_distribution": chart_feeling,
    "debrief_rates": chart_debrief_rates,
    "checkpoint_completion": chart_checkpoints,
    "second_meeting_share": chart_second_meetings,
}
