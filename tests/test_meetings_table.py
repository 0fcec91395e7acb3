"""The meeting-level table against a plain-pandas join of the raw responses.csv."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from widgets.analysis import metrics
from widgets.analysis.long_table import load_responses
from widgets.analysis.meetings_table import MEETING_COLUMNS, meetings_table
from widgets.analysis.wide_table import wide_sessions
from widgets.instrument.yaml_loading import load_instrument
from widgets.training.demo import write_program


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    write_program(root, 40, 3)
    return root


@pytest.fixture(scope="module")
def sessions(program: Path) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the kit's own data fits its codebook
        return wide_sessions(load_responses(program, cache=False))


def _latest(raw: pd.DataFrame, form: str, item: str) -> pd.Series:
    """item's value in the latest save of ``form`` per (engagement, meeting), by hand."""
    rows = raw[raw["form"] == form].copy()
    rows["revision"] = rows["revision"].astype(int)
    top = rows.groupby(["engagement_id", "meeting_number"])["revision"].transform("max")
    rows = rows[(rows["revision"] == top) & (rows["item_id"] == item)]
    rows = rows.sort_values("recorded_at").drop_duplicates(
        ["engagement_id", "meeting_number"], keep="last"
    )
    return rows.set_index(["engagement_id", "meeting_number"])["value"]


def test_one_row_per_meeting_joining_every_form(program: Path, sessions: pd.DataFrame) -> None:
    raw = pd.read_csv(program / "responses.csv", dtype=str, keep_default_na=False)
    raw["meeting_number"] = raw["meeting_number"].astype(int)
    table = meetings_table(sessions)
    assert list(table.columns[: len(MEETING_COLUMNS)]) == list(MEETING_COLUMNS)
    expected_keys = set(raw.groupby(["engagement_id", "meeting_number"]).groups)
    keys = list(zip(table["engagement_id"].astype(str), table["meeting_number"], strict=True))
    assert len(keys) == len(set(keys)) and set(keys) == expected_keys
    indexed = table.assign(engagement_id=table["engagement_id"].astype(str)).set_index(
        ["engagement_id", "meeting_number"]
    )
    feeling = _latest(raw, "debrief", "feeling")
    assert indexed.loc[feeling.index, "feeling"].astype(int).tolist() == [int(v) for v in feeling]
    skipped = _latest(raw, "meeting", "goals_skipped")
    assert indexed.loc[skipped.index, "goals_skipped"].tolist() == [v == "yes" for v in skipped]
    held = set(
        raw.loc[raw["form"] == "meeting", ["engagement_id", "meeting_number"]].itertuples(
            index=False, name=None
        )
    )
    assert {k for k, h in zip(keys, table["held"], strict=True) if h} == held


def test_asks_become_one_boolean_column_per_choice(program: Path, sessions: pd.DataFrame) -> None:
    raw = pd.read_csv(program / "responses.csv", dtype=str, keep_default_na=False)
    raw["meeting_number"] = raw["meeting_number"].astype(int)
    asks = _latest(raw, "prep", "asks")
    table = meetings_table(sessions)
    assert "asks" not in table
    choices = load_instrument().form("prep").item("asks").choice_values()
    indexed = table.assign(engagement_id=table["engagement_id"].astype(str)).set_index(
        ["engagement_id", "meeting_number"]
    )
    for choice in choices:
        expected = [choice in value.split(";") for value in asks]
        assert indexed.loc[asks.index, f"asks_{choice}"].tolist() == expected
    no_prep = ~table["prep_recorded_at"].notna()
    assert table.loc[no_prep, f"asks_{choices[0]}"].isna().all()


def test_choice_columns_show_codebook_labels(sessions: pd.DataFrame) -> None:
    item = load_instrument().form("debrief").item("go_deeper")
    labelled = meetings_table(sessions)["go_deeper"].dropna()
    coded = meetings_table(sessions, labels=False)["go_deeper"].dropna()
    to_label = {c.value: c.label for c in item.options()}
    assert labelled.astype(str).tolist() == [to_label[v] for v in coded.astype(str)]
    assert set(labelled.astype(str)) <= set(to_label.values())


def test_the_readme_example_feeling_by_goals_skipped(sessions: pd.DataFrame) -> None:
    table = meetings_table(sessions)
    answer = table.groupby("goals_skipped")["feeling"].mean()
    by_hand = {}
    for skipped in (True, False):
        rows = table[(table["goals_skipped"] == skipped).fillna(False)]
        by_hand[skipped] = rows["feeling"].dropna().astype(float).mean()
    assert answer.to_dict() == pytest.approx(by_hand)


def test_every_metric_groups_by_program_and_cohort(sessions: pd.DataFrame) -> None:
    tables = metrics.all_metrics(sessions, by=["program", "cohort"])
    for name, table in tables.items():
        assert list(table.columns[:2]) == ["program", "cohort"], name
    rates = tables["debrief_rates"]
    for (prog, cohort), group in sessions[sessions["form"] == "debrief"].groupby(
        ["program", "cohort"], observed=True
    ):
        got = rates[(rates["program"] == prog) & (rates["cohort"] == cohort)]
        for number, part in group.groupby("meeting_number", observed=True):
            row = got[got["meeting_number"] == number].iloc[0]
            assert row["mean_feeling"] == pytest.approx(part["feeling"].astype(float).mean())
    with pytest.raises(ValueError, match="Group by program or cohort"):
        metrics.debrief_rates(sessions, by="coach")
