"""Every program metric against a small program worked out by hand.

Three engagements, written through the store:

* A (P1/C1, starts 10 Jan): meeting 1 planned 15 Feb (month 2), goals agreed and held;
  meeting 2 planned 1 Jun (month 5), goals skipped.
* B (P1/C2, starts 20 Jan): meeting 1 planned 30 Jan (month 1); prep and debrief
  each corrected once (the corrections must win).
* C (P2/C3, starts 1 Feb): meeting 1 planned 15 Apr (month 3); prepared, never held.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from tests.test_loader import T0, engagement, save
from widgets.analysis import charts, filters, metrics
from widgets.analysis.dashboard import AnalysisApp, load_analysis_data
from widgets.analysis.long_table import load_responses
from widgets.analysis.wide_table import wide_sessions
from widgets.apps.timing import OverrunTolerance, RecommendedWindow


def meeting(section_seconds: dict[str, int], ticks: list[str], skipped: bool | None) -> dict:
    budgets = {
        "opening": 180,
        "strengths": 720,
        "insights": 600,
        "followup": 1320,
        "goals": 180,
        "close": 120,
    }
    values = {}
    for section, seconds in section_seconds.items():
        values[f"{section}_seconds"] = str(seconds)
        values[f"{section}_budget_seconds"] = str(budgets[section])
    if skipped is not None:
        values["goals_skipped"] = "yes" if skipped else "no"
        values["goals_budget_seconds"] = "180"
    for tick in ticks:
        values[tick] = "2025-02-15T10:01:00+01:00"
    return values


@pytest.fixture(scope="module")
def sessions(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    root = tmp_path_factory.mktemp("program")
    later = T0 + timedelta(days=1)
    a = engagement(root, "Quorvelle", date(2025, 1, 10), program="P1", cohort="C1").engagement_id
    b = engagement(root, "Ysoldra", date(2025, 1, 20), program="P1", cohort="C2").engagement_id
    c = engagement(root, "Thandrix", date(2025, 2, 1), program="P2", cohort="C3").engagement_id

    save(root, a, "checklist", 1, {"meeting_date": "2025-02-15"})
    save(
        root,
        a,
        "prep",
        1,
        {"asks": "priorities;feedback", "goal_alignment_ok": "yes", "text_consent": "yes"},
    )
    save(
        root,
        a,
        "meeting",
        1,
        meeting(
            {"opening": 200, "strengths": 700, "insights": 600, "goals": 200, "close": 100},
            ["opening_thanks", "opening_purpose", "close_anything_else"],
            False,
        ),
    )
    save(root, a, "debrief", 1, {"feeling": "4", "go_deeper": "yes", "priorities_change": "no"})
    save(root, a, "checklist", 2, {"meeting_date": "2025-06-01"})
    save(root, a, "prep", 2, {"asks": "support", "goal_alignment_ok": "yes", "text_consent": "yes"})
    save(
        root,
        a,
        "meeting",
        2,
        meeting({"opening": 150, "followup": 1400, "close": 130}, ["opening_thanks"], True),
    )
    save(
        root, a, "debrief", 2, {"feeling": "5", "go_deeper": "not_sure", "priorities_change": "yes"}
    )

    save(root, b, "checklist", 1, {"meeting_date": "2025-01-30"})
    save(root, b, "prep", 1, {"asks": "feedback", "goal_alignment_ok": "no", "text_consent": "no"})
    save(
        root,
        b,
        "prep",
        1,
        {"asks": "support;feedback", "goal_alignment_ok": "no", "text_consent": "no"},
        later,
    )
    save(
        root,
        b,
        "meeting",
        1,
        meeting(
            {"opening": 180, "strengths": 800, "insights": 500, "close": 150},
            ["opening_thanks", "opening_purpose", "close_anything_else", "close_thanks_huddle"],
            True,
        ),
    )
    save(root, b, "debrief", 1, {"feeling": "2", "go_deeper": "no", "priorities_change": "yes"})
    save(
        root,
        b,
        "debrief",
        1,
        {"feeling": "3", "go_deeper": "no", "priorities_change": "yes"},
        later,
    )

    save(root, c, "checklist", 1, {"meeting_date": "2025-04-15"})
    save(
        root,
        c,
        "prep",
        1,
        {"asks": "priorities", "goal_alignment_ok": "yes", "text_consent": "yes"},
    )
    return wide_sessions(load_responses(root, cache=False))


def records(table: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return [tuple(row) for row in table[columns].itertuples(index=False)]


def test_meetings_by_month_against_the_window(sessions: pd.DataFrame) -> None:
    table = metrics.meetings_by_month(sessions)
    # C's meeting was planned for month 3 but never held: counted apart, not as a meeting.
    # The second meeting has no window unless the program sets one.
    columns = ["meeting_number", "meeting_month", "meetings", "planned_only", "timing"]
    assert records(table, columns) == [
        (1, 1, 1, 0, "early"),
        (1, 2, 1, 0, "in_window"),
        (1, 3, 0, 1, "late"),
        (2, 5, 1, 0, "no_window"),
    ]
    assert table["share"].round(4).tolist() == [0.5, 0.5, 0.0, 1.0]
    second = metrics.meetings_by_month(sessions, windows={2: RecommendedWindow(3, 4)})
    assert second.loc[second["meeting_number"] == 2, "timing"].tolist() == ["late"]
    wide_window = metrics.meetings_by_month(sessions, RecommendedWindow(1, 3))
    assert set(wide_window.loc[wide_window["meeting_number"] == 1, "timing"]) == {"in_window"}


def test_section_timing_and_overruns_without_tolerance(sessions: pd.DataFrame) -> None:
    exact = OverrunTolerance(share=0, min_seconds=0)
    table = metrics.section_timing(sessions, tolerance=exact).set_index(
        ["meeting_number", "section"]
    )
    expected = {
        (1, "opening"): (2, 180, 190.0, 10.0, 1, 0.5),
        (1, "strengths"): (2, 720, 750.0, 30.0, 1, 0.5),
        (1, "insights"): (2, 600, 550.0, -50.0, 0, 0.0),
        (1, "goals"): (1, 180, 200.0, 20.0, 1, 1.0),  # B skipped it: not counted
        (1, "close"): (2, 120, 125.0, 5.0, 1, 0.5),
        (2, "opening"): (1, 180, 150.0, -30.0, 0, 0.0),
        (2, "followup"): (1, 1320, 1400.0, 80.0, 1, 1.0),
        (2, "close"): (1, 120, 130.0, 10.0, 1, 1.0),
    }
    assert set(table.index) == set(expected)
    for key, (meetings, budget, mean, over, overruns, rate) in expected.items():
        row = table.loc[key]
        assert (row["meetings"], row["budget_seconds"], row["mean_seconds"]) == (
            meetings,
            budget,
            mean,
        )
        assert (row["mean_over_seconds"], row["overruns"], row["overrun_rate"]) == (
            over,
            overruns,
            rate,
        )


def test_goal_alignment_uptake(sessions: pd.DataFrame) -> None:
    table = metrics.goal_alignment_uptake(sessions)
    assert records(table, ["meeting_number", "preps", "agreed", "meetings", "goals_held"]) == [
        (1, 3, 2, 2, 1),
        (2, 1, 1, 1, 0),
    ]
    assert table["agreed_rate"].round(4).tolist() == [0.6667, 1.0]
    assert table["held_rate"].tolist() == [0.5, 0.0]


def test_most_common_asks(sessions: pd.DataFrame) -> None:
    table = metrics.common_asks(sessions)
    # Four preps: A1 priorities+feedback, B1 (corrected) support+feedback, C1 priorities,
    # A2 support. Each meeting counts its own preps, as every other table does.
    assert records(table, ["meeting_number", "ask", "preps", "share"]) == [
        (1, "feedback", 2, 2 / 3),
        (1, "priorities", 2, 2 / 3),
        (1, "support", 1, 1 / 3),
        (1, "strengths_opportunities", 0, 0.0),
        (2, "support", 1, 1.0),
        (2, "feedback", 0, 0.0),
        (2, "priorities", 0, 0.0),
        (2, "strengths_opportunities", 0, 0.0),
    ]
    assert table.loc[0, "label"] == "Specific feedback"


def test_debrief_feeling_go_deeper_and_priorities(sessions: pd.DataFrame) -> None:
    feeling = metrics.feeling_distribution(sessions)
    first = feeling[feeling["meeting_number"] == 1]
    assert first["debriefs"].tolist() == [0, 0, 1, 1, 0]  # B's corrected 3, A's 4
    assert first["share"].tolist() == [0, 0, 0.5, 0.5, 0]
    assert feeling[feeling["meeting_number"] == 2]["debriefs"].tolist() == [0, 0, 0, 0, 1]

    rates = metrics.debrief_rates(sessions)
    assert records(
        rates,
        ["meeting_number", "debriefs", "mean_feeling", "go_deeper_yes", "go_deeper_not_sure"],
    ) == [(1, 2, 3.5, 1, 0), (2, 1, 5.0, 0, 1)]
    assert rates["go_deeper_rate"].tolist() == [0.5, 0.0]
    assert rates["priorities_change_yes"].tolist() == [1, 1]
    assert rates["priorities_change_rate"].tolist() == [0.5, 1.0]


def test_checkpoint_completion(sessions: pd.DataFrame) -> None:
    table = metrics.checkpoint_completion(sessions)
    assert records(table, ["meeting_number", "checkpoint", "meetings", "ticked"]) == [
        (1, "opening_thanks", 2, 2),
        (1, "opening_purpose", 2, 2),
        (1, "close_anything_else", 2, 2),
        (1, "close_thanks_huddle", 2, 1),
        (2, "opening_thanks", 1, 1),
        (2, "opening_purpose", 1, 0),
        (2, "close_anything_else", 1, 0),
        (2, "close_thanks_huddle", 1, 0),
    ]
    assert table["rate"].tolist()[3] == 0.5


def test_second_meeting_share(sessions: pd.DataFrame) -> None:
    table = metrics.second_meeting_share(sessions)
    assert records(table, ["engagements", "with_second_meeting", "share"]) == [(2, 1, 0.5)]


def test_filters_by_program_cohort_and_meeting_date(sessions: pd.DataFrame) -> None:
    only_p2 = filters.filter_sessions(sessions, programs=["P2"])
    assert set(only_p2["engagement_id"]) == set(
        sessions.loc[sessions["program"] == "P2", "engagement_id"]
    )
    assert metrics.second_meeting_share(only_p2)["engagements"].item() == 0
    c2 = filters.filter_sessions(sessions, cohorts=["C2"])
    assert metrics.debrief_rates(c2)["mean_feeling"].tolist() == [3.0]
    # Meetings planned 15 Feb (A1) and 15 Apr (C1) are inside; 30 Jan and 1 Jun are not.
    spring = filters.filter_sessions(sessions, start=date(2025, 2, 1), end=date(2025, 4, 30))
    assert records(metrics.meetings_by_month(spring), ["meeting_number", "meeting_month"]) == [
        (1, 2),
        (1, 3),
    ]
    # Sessions of a kept meeting stay together, even those saved before the range.
    assert set(spring["form"]) == {"checklist", "prep", "meeting", "debrief"}


def test_all_metrics_and_charts_have_plain_labels(sessions: pd.DataFrame) -> None:
    tables = metrics.all_metrics(sessions)
    assert list(tables) == list(metrics.METRICS)
    figures = [
        charts.chart_meetings_by_month(tables["meetings_by_month"]),
        charts.chart_section_timing(tables["section_timing"]),
        charts.chart_common_asks(tables["common_asks"]),
        charts.chart_feeling(tables["feeling_distribution"]),
        charts.chart_checkpoints(tables["checkpoint_completion"]),
        charts.chart_feeling(tables["feeling_distribution"].iloc[:0]),  # empty selection
    ]
    import matplotlib.pyplot as plt

    for figure in figures:
        ax = figure.axes[0]
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
        plt.close(figure)


def test_metrics_on_no_data_return_empty_tables(sessions: pd.DataFrame) -> None:
    nothing = sessions.iloc[:0]
    for name, table in metrics.all_metrics(nothing).items():
        assert isinstance(table, pd.DataFrame), name
    assert metrics.second_meeting_share(nothing)["engagements"].item() == 0


def test_dashboard_filters_update_tables(sessions: pd.DataFrame) -> None:
    from widgets.analysis.dashboard import AnalysisData

    app = AnalysisApp(AnalysisData(sessions, "test data", False))
    assert len(app.tabs.children) == len(metrics.METRICS)
    assert app.tables["second_meeting_share"]["engagements"].item() == 2
    app.programs.value = ("P2",)
    assert app.tables["second_meeting_share"]["engagements"].item() == 0
    assert "1 engagement, " in app.summary.value


def test_empty_data_root_falls_back_to_a_synthetic_program(exports: Path) -> None:
    data = load_analysis_data(synthetic_engagements=8)
    assert data.synthetic and "No responses were found" in data.note
    assert data.sessions["engagement_id"].nunique() >= 7
