"""Meetings by month and agenda overruns, checked against plain pandas on responses.csv.

The program below has meetings held on another day than planned (some in another
engagement month), a meeting planned and never held, second meetings, and agenda parts
just over and well over their budgets. The expected figures are computed in the test
from the files the store wrote, not from the kit's own tables.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd
import pytest
from dateutil.relativedelta import relativedelta

from tests.test_loader import engagement, save
from widgets.analysis import metrics
from widgets.analysis.long_table import load_responses
from widgets.analysis.wide_table import wide_sessions
from widgets.apps.timing import (
    DEFAULT_TOLERANCE,
    OverrunTolerance,
    ProgramSettingsError,
    RecommendedWindow,
    load_overrun_tolerance,
    load_window,
    load_windows,
)

# (start, planned date, held date or None, program) per engagement's first meeting.
FIRST_MEETINGS = [
    (date(2025, 1, 10), "2025-02-15", "2025-02-20", "P1"),  # same month
    (date(2025, 1, 10), "2025-03-01", "2025-03-12", "P1"),  # month 2 planned, month 3 held
    (date(2025, 1, 20), "2025-02-25", "2025-02-10", "P1"),  # month 2 planned, month 1 held
    (date(2025, 2, 1), "2025-03-15", None, "P2"),  # planned, never held
    (date(2025, 2, 1), "2025-03-03", "2025-03-03", "P2"),
    (date(2025, 2, 5), "2025-04-01", "2025-03-06", "P2"),  # month 2 planned, month 2 held
]
# Actual seconds of the close (budget 120 s) and the strengths (720 s) per held meeting.
CLOSE = [121, 150, 151, 100, 400]
STRENGTHS = [790, 792, 793, 600, 720]


def _stamp(day: str) -> str:
    return datetime.fromisoformat(day).replace(hour=9, tzinfo=timezone.utc).isoformat()


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("moved")
    held_count = 0
    for index, (start, planned, held, prog) in enumerate(FIRST_MEETINGS):
        eid = engagement(root, f"Name{index}", start, program=prog, cohort="C1").engagement_id
        save(root, eid, "checklist", 1, {"meeting_date": planned})
        if held is None:
            continue
        values = {
            "meeting_started_at": _stamp(held),
            "close_seconds": str(CLOSE[held_count]),
            "close_budget_seconds": "120",
            "strengths_seconds": str(STRENGTHS[held_count]),
            "strengths_budget_seconds": "720",
        }
        held_count += 1
        save(root, eid, "meeting", 1, values)
        if index < 2:  # two second meetings, months 6 and 8
            second = start + relativedelta(months=5 + 2 * index, days=3)
            save(root, eid, "checklist", 2, {"meeting_date": second.isoformat()})
            save(root, eid, "meeting", 2, {"meeting_started_at": _stamp(second.isoformat())})
    return root


@pytest.fixture(scope="module")
def sessions(program: Path) -> pd.DataFrame:
    return wide_sessions(load_responses(program, cache=False))


def _expected_months(root: Path) -> pd.DataFrame:
    """(meeting_number, month, held) per meeting, from the raw CSVs alone."""
    rows = pd.read_csv(root / "responses.csv", dtype=str, keep_default_na=False)
    starts = pd.read_csv(root / "private" / "engagements.csv", dtype=str).set_index(
        "engagement_id"
    )["start_date"]
    planned = rows[(rows["form"] == "checklist") & (rows["item_id"] == "meeting_date")]
    started = rows[(rows["form"] == "meeting") & (rows["item_id"] == "meeting_started_at")]
    out = []
    for (eid, number), plan in planned.groupby(["engagement_id", "meeting_number"]):
        held = started[(started["engagement_id"] == eid) & (started["meeting_number"] == number)]
        day = held["value"].iloc[0][:10] if len(held) else plan["value"].iloc[0]
        delta = relativedelta(date.fromisoformat(day), date.fromisoformat(starts[eid]))
        out.append((int(number), delta.years * 12 + delta.months + 1, bool(len(held))))
    return pd.DataFrame(out, columns=["meeting_number", "month", "held"])


def test_meetings_are_placed_by_the_day_they_were_held(
    program: Path, sessions: pd.DataFrame
) -> None:
    expected = _expected_months(program)
    table = metrics.meetings_by_month(sessions)
    got = table.set_index(["meeting_number", "meeting_month"])
    held = expected[expected["held"]].groupby(["meeting_number", "month"]).size()
    planned_only = expected[~expected["held"]].groupby(["meeting_number", "month"]).size()
    for key, count in held.items():
        assert got.loc[key, "meetings"] == count
        assert got.loc[key, "share"] == pytest.approx(count / held.loc[key[0]].sum())
    for key, count in planned_only.items():
        assert got.loc[key, "planned_only"] == count
    # Held meetings and planned-only ones are never counted twice, nor lost.
    assert table["meetings"].sum() == expected["held"].sum()
    assert table["planned_only"].sum() == (~expected["held"]).sum()


def test_in_window_share_counts_held_meetings_only(sessions: pd.DataFrame, program: Path) -> None:
    expected = _expected_months(program)
    first = expected[(expected["meeting_number"] == 1) & expected["held"]]
    share = first["month"].eq(2).mean()
    table = metrics.meetings_by_month(sessions)
    first_rows = table[table["meeting_number"] == 1]
    in_window = first_rows.loc[first_rows["timing"] == "in_window", "share"].sum()
    assert in_window == pytest.approx(share)


def test_each_meeting_number_has_its_own_window(sessions: pd.DataFrame) -> None:
    table = metrics.meetings_by_month(sessions)
    assert set(table.loc[table["meeting_number"] == 2, "timing"]) == {"no_window"}
    windowed = metrics.meetings_by_month(sessions, windows={2: RecommendedWindow(6, 7)})
    second = windowed[windowed["meeting_number"] == 2].set_index("meeting_month")["timing"]
    assert second.to_dict() == {6: "in_window", 8: "late"}


def test_meetings_by_month_per_program(sessions: pd.DataFrame, program: Path) -> None:
    table = metrics.meetings_by_month(sessions, by="program")
    assert list(table.columns[:1]) == ["program"]
    per_program = table.groupby("program")[["meetings", "planned_only"]].sum()
    # Second meetings were held by the first two engagements (both P1).
    firsts = pd.DataFrame(FIRST_MEETINGS, columns=["start", "planned", "held", "program"])
    for prog, group in firsts.groupby("program"):
        held = int(group["held"].notna().sum())
        seconds = 2 if prog == "P1" else 0
        assert per_program.loc[prog, "meetings"] == held + seconds
        assert per_program.loc[prog, "planned_only"] == int(group["held"].isna().sum())


def _expected_overruns(root: Path, tolerance: OverrunTolerance) -> dict[str, int]:
    rows = pd.read_csv(root / "responses.csv", dtype=str, keep_default_na=False)
    meeting = rows[rows["form"] == "meeting"].pivot(
        index="session_id", columns="item_id", values="value"
    )
    out = {}
    for section in ("close", "strengths"):
        ran = meeting.dropna(subset=[f"{section}_seconds"])
        actual = ran[f"{section}_seconds"].astype(float)
        budget = ran[f"{section}_budget_seconds"].astype(float)
        allowed = [max(tolerance.share * b, tolerance.min_seconds) for b in budget]
        out[section] = int((actual > budget + allowed).sum())
    return out


@pytest.mark.parametrize(
    "tolerance",
    [DEFAULT_TOLERANCE, OverrunTolerance(share=0.0, min_seconds=0.0), OverrunTolerance(0.5, 10)],
)
def test_overruns_allow_the_tolerance(
    sessions: pd.DataFrame, program: Path, tolerance: OverrunTolerance
) -> None:
    expected = _expected_overruns(program, tolerance)
    table = metrics.section_timing(sessions, tolerance=tolerance)
    first = table[table["meeting_number"] == 1].set_index("section")
    for section, overruns in expected.items():
        assert first.loc[section, "overruns"] == overruns
        assert first.loc[section, "overrun_rate"] == pytest.approx(
            overruns / first.loc[section, "meetings"]
        )


def test_a_close_one_second_over_is_not_an_overrun(sessions: pd.DataFrame) -> None:
    table = metrics.section_timing(sessions).set_index(["meeting_number", "section"])
    close = table.loc[(1, "close")]
    # 121 s and 150 s on a 120 s budget are within 30 s; 151 s and 400 s are not.
    assert (close["overruns"], close["tolerance_seconds"]) == (2, 30.0)
    strengths = table.loc[(1, "strengths")]
    assert (strengths["overruns"], strengths["tolerance_seconds"]) == (1, 72.0)


def test_program_yaml_sets_windows_and_tolerance(tmp_path: Path) -> None:
    assert load_windows(tmp_path) == {1: load_window(tmp_path), 2: None}
    assert load_overrun_tolerance(tmp_path) == DEFAULT_TOLERANCE
    (tmp_path / "program.yaml").write_text(
        "recommended_window: {first_month: 1, last_month: 2}\n"
        "second_meeting_window: {first_month: 5, last_month: 9}\n"
        "overrun_tolerance: {share: 0.2}\n",
        encoding="utf-8",
    )
    assert load_windows(tmp_path) == {1: RecommendedWindow(1, 2), 2: RecommendedWindow(5, 9)}
    assert load_overrun_tolerance(tmp_path) == OverrunTolerance(0.2, 30.0)
    assert load_overrun_tolerance(tmp_path).allowance(600) == 120


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("overrun_tolerance: {share: 2}\n", "share must be from 0 to 1"),
        ("overrun_tolerance: {min_seconds: lots}\n", "must be numbers"),
        ("second_meeting_window: {first_month: 4}\n", "second_meeting_window needs"),
    ],
)
def test_bad_program_settings_are_named(tmp_path: Path, text: str, named: str) -> None:
    (tmp_path / "program.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ProgramSettingsError, match=named) as caught:
        load_windows(tmp_path)
        load_overrun_tolerance(tmp_path)
    assert "program.yaml" in str(caught.value)
