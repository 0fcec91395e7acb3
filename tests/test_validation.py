"""Loaded values are checked against the codebook; a folder with its own export is refused.

The expected problems and figures are computed in each test with plain pandas from the
responses.csv the store wrote, not from the kit's tables.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from tests.test_loader import T0, engagement, save
from widgets.analysis import metrics
from widgets.analysis.charts import chart_debrief_rates
from widgets.analysis.export.program import export_program
from widgets.analysis.long_table import load_responses
from widgets.analysis.validation import (
    PROBLEM_COLUMNS,
    DuplicateSourceError,
    InvalidValuesWarning,
    validation_report,
)
from widgets.analysis.wide_table import wide_sessions

KEY = "a-program-key-long-enough-to-be-safe"
# (feeling, go_deeper) per debrief; "9", "3.5" and "maybe" do not fit the codebook.
DEBRIEFS = [("4", "yes"), ("9", "no"), ("3.5", "yes"), ("2", "maybe"), ("5", "not_sure")]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("coach")
    for index, (feeling, go_deeper) in enumerate(DEBRIEFS):
        eid = engagement(root, f"Name{index}", date(2025, 1, 10), program="P1").engagement_id
        when = T0 + timedelta(minutes=index)
        save(root, eid, "checklist", 1, {"meeting_date": "2025-02-15"}, when)
        save(root, eid, "prep", 1, {"asks": "support", "goal_alignment_ok": "yes"}, when)
        save(root, eid, "debrief", 1, {"feeling": feeling, "go_deeper": go_deeper}, when)
    return root


def _raw(root: Path) -> pd.DataFrame:
    return pd.read_csv(root / "responses.csv", dtype=str, keep_default_na=False)


def test_values_outside_the_codebook_are_reported_and_left_out(folder: Path) -> None:
    raw = _raw(folder)
    feeling = raw[raw["item_id"] == "feeling"]
    go_deeper = raw[raw["item_id"] == "go_deeper"]
    bad_feeling = feeling[~feeling["value"].isin(["1", "2", "3", "4", "5"])]
    bad_go_deeper = go_deeper[~go_deeper["value"].isin(["yes", "no", "not_sure"])]
    with pytest.warns(InvalidValuesWarning, match="validation_report") as caught:
        long = load_responses(folder, cache=False)
    # The warning points at the line that loaded, not inside the kit.
    assert [w.filename for w in caught] == [__file__]
    report = validation_report(long)
    assert list(report.columns) == PROBLEM_COLUMNS
    expected = sorted(zip(bad_feeling["item_id"], bad_feeling["value"], strict=True)) + sorted(
        zip(bad_go_deeper["item_id"], bad_go_deeper["value"], strict=True)
    )
    assert sorted(zip(report["item_id"], report["value"], strict=True)) == sorted(expected)
    assert set(report["source"]) == {str(folder / "responses.csv")}
    by_value = dict(zip(report["value"], report["problem"], strict=True))
    assert "whole number from 1 to 5" in by_value["9"]
    assert "whole number from 1 to 5" in by_value["3.5"]
    assert "yes, no, not_sure" in by_value["maybe"]
    # None of them is in the table any more; everything else is.
    left_out = raw.loc[raw["value"].isin(["9", "3.5", "maybe"]), "record_id"]
    assert not long["record_id"].isin(left_out).any()
    assert len(long) == len(raw) - len(expected)


def test_metrics_never_count_a_value_outside_the_codebook(folder: Path) -> None:
    raw = _raw(folder)
    with pytest.warns(InvalidValuesWarning):
        sessions = wide_sessions(load_responses(folder, cache=False))
    # The report travels with the wide table.
    assert len(validation_report(sessions)) == 3
    feeling = pd.to_numeric(raw.loc[raw["item_id"] == "feeling", "value"])
    valid_feeling = feeling[feeling.isin([1, 2, 3, 4, 5])]
    go = raw.loc[raw["item_id"] == "go_deeper", "value"]
    valid_go = go[go.isin(["yes", "no", "not_sure"])]
    rates = metrics.debrief_rates(sessions).iloc[0]
    assert rates["mean_feeling"] == pytest.approx(valid_feeling.mean())
    assert rates["go_deeper_rate"] == pytest.approx((valid_go == "yes").mean())
    # The rate's base is shown beside it: the debriefs that answered, not all of them.
    assert rates["go_deeper_answered"] == len(valid_go) < rates["debriefs"]
    chart = chart_debrief_rates(metrics.debrief_rates(sessions), 1)
    texts = [t.get_text() for t in chart.axes[0].get_yticklabels()]
    assert any(f"(of {len(valid_go)} answering)" in text for text in texts)
    assert sessions["feeling"].dtype == "Int64"  # 3.5 did not turn the column into floats
    distribution = metrics.feeling_distribution(sessions)
    assert distribution["debriefs"].sum() == len(valid_feeling)


def test_a_clean_folder_has_an_empty_report(tmp_path: Path) -> None:
    eid = engagement(tmp_path).engagement_id
    save(tmp_path, eid, "debrief", 1, {"feeling": "3", "go_deeper": "no"})
    long = load_responses(tmp_path, cache=False)
    assert validation_report(long).empty
    assert validation_report(pd.DataFrame()).empty


def test_a_folder_loaded_with_its_own_export_is_refused(folder: Path, tmp_path: Path) -> None:
    export = tmp_path / "export"
    with pytest.warns(InvalidValuesWarning):
        export_program(export, folder, key=KEY)
    with pytest.raises(DuplicateSourceError) as caught:
        load_responses(folder, export, cache=False)
    message = str(caught.value)
    assert str(folder / "responses.csv") in message
    assert str(export / "responses.csv") in message
    assert "twice" in message and "Load only one" in message


def test_overlapping_copies_of_one_folder_are_kept_once(folder: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    raw = _raw(folder)
    with pytest.warns(InvalidValuesWarning):
        both = load_responses(folder, copy, cache=False)
    assert both["record_id"].nunique() == len(both)
    assert set(both["record_id"]) == set(raw["record_id"]) - set(
        raw.loc[raw["value"].isin(["9", "3.5", "maybe"]), "record_id"]
    )
    assert len(validation_report(both)) == 3


def test_two_coaches_with_similar_small_folders_load_together(tmp_path: Path) -> None:
    for name in ("one", "two"):
        eid = engagement(tmp_path / name).engagement_id
        save(tmp_path / name, eid, "debrief", 1, {"feeling": "5"})
    long = load_responses(tmp_path / "one", tmp_path / "two", cache=False)
    assert long["engagement_id"].nunique() == 2
