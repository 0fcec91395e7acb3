"""The offline report: charts as SVG outputs, n and codebook labels on every chart, the
meeting filter on every table, CSV links, and the executed notebook as a complete HTML.

Expected figures are counted here with plain pandas from responses.csv.
"""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from widgets.analysis.dashboard import AnalysisApp, load_analysis_data
from widgets.analysis.report import STATIC_CLASS, TITLES
from widgets.instrument.yaml_loading import load_instrument
from widgets.training.demo import write_program

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report-data")
    write_program(folder, 12, seed=3)
    return folder


@pytest.fixture(scope="module")
def app(program: Path) -> AnalysisApp:
    return AnalysisApp(load_analysis_data(program))


def _latest(program: Path, form: str, item: str, meeting: int) -> pd.Series:
    """The latest saved answer to one item per engagement, by plain pandas."""
    raw = pd.read_csv(program / "responses.csv", dtype=str, keep_default_na=False)
    rows = raw[(raw["form"] == form) & (raw["meeting_number"] == str(meeting))]
    latest = rows.sort_values(["recorded_at", "revision"]).drop_duplicates(
        ["engagement_id"], keep="last"
    )["session_id"]
    answers = raw[raw["session_id"].isin(latest) & (raw["item_id"] == item)]
    return answers.set_index("engagement_id")["value"]


def _tab_html(app: AnalysisApp, name: str) -> str:
    return app.tabs.children[list(TITLES).index(name)].value


def _title(html: str) -> str:
    """The chart's title: the text of its SVG that gives the n."""
    return next(t for t in re.findall(r"<text[^>]*>([^<]*)</text>", html) if "n = " in t)


def test_every_tab_has_an_svg_chart_a_table_and_a_csv_link(app: AnalysisApp) -> None:
    assert [app.tabs.get_title(i) for i in range(len(app.tabs.children))] == list(TITLES.values())
    for page in app.tabs.children:
        assert page.value.count("<svg") == 1
        assert 'width="100%"' in page.value  # sized by its container
        assert "<table" in page.value and "data:text/csv;charset=utf-8;base64," in page.value


def test_chart_titles_carry_n_counted_independently(app: AnalysisApp, program: Path) -> None:
    feelings = _latest(program, "debrief", "feeling", 1)
    feeling = _title(_tab_html(app, "feeling_distribution"))
    assert f"(n = {(feelings != '').sum()} debriefs)" in feeling
    asks = _latest(program, "prep", "asks", 1)
    assert f"(n = {(asks != '').sum()} preps)" in _title(_tab_html(app, "common_asks"))


def test_labels_come_from_the_codebook_and_shares_are_percent(app: AnalysisApp) -> None:
    instrument = load_instrument()
    entries = {e.item_id: e for e in instrument.codebook()}
    asks = _tab_html(app, "common_asks")
    for part in entries["asks"].choices.split(";"):
        value, _, label = part.strip().partition("=")
        assert label.split()[0] in asks and f">{value}<" not in asks.split("<table")[0]
    checkpoints = _tab_html(app, "checkpoint_completion").split("<table")[0]
    assert "opening_thanks" not in checkpoints and "thanks the manager" in checkpoints
    assert "Share of preps (%)" in asks and "Share (%)" in _tab_html(app, "goal_alignment_uptake")
    assert "Energised" in _tab_html(app, "feeling_distribution")


def test_the_meeting_filter_applies_to_every_table(app: AnalysisApp, program: Path) -> None:
    app.meeting.value = 2
    try:
        for name, table in app.tables.items():
            if "meeting_number" in table.columns:
                assert set(table["meeting_number"]) <= {2}, name
        asks = _latest(program, "prep", "asks", 2)
        chosen = asks[asks != ""].str.split(";").explode()
        expected = chosen.value_counts()
        got = app.tables["common_asks"].set_index("ask")["preps"]
        assert {k: int(v) for k, v in got.items() if v} == expected.to_dict()
        assert "meeting 2" in _title(_tab_html(app, "feeling_distribution"))
    finally:
        app.meeting.value = 1


def test_csv_link_downloads_the_table_shown(app: AnalysisApp) -> None:
    html = _tab_html(app, "feeling_distribution")
    payload = re.search(r"base64,([A-Za-z0-9+/=]+)", html).group(1)  # type: ignore[union-attr]
    table = pd.read_csv(io.StringIO(base64.b64decode(payload).decode("utf-8")))
    expected = app.tables["feeling_distribution"]
    assert table["debriefs"].tolist() == expected["debriefs"].tolist()


def test_executed_notebook_html_is_a_complete_offline_report(program: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "ALIGNMENT_KIT_REPORT_SOURCES": str(program)}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyter",
            "nbconvert",
            "--to",
            "html",
            "--execute",
            "--ExecutePreprocessor.timeout=300",
            f"--output-dir={tmp_path}",
            "--output=report",
            str(REPO / "notebooks" / "analysis.ipynb"),
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    opening = re.search(rf"<div class=[\"']{STATIC_CLASS}[\"']>", html)
    assert opening is not None, "the static report is not in the HTML"
    static = html[opening.start() :].split("application/vnd.jupyter.widget-state+json")[0]
    # Both meetings' charts, the second-meeting share once, as plain output (no widget code).
    assert static.count("<svg") == 2 * len(TITLES) - 1
    assert static.count("data:text/csv") == 2 * len(TITLES) - 1
    assert "No responses were found" not in static
    engagements = pd.read_csv(program / "responses.csv")["engagement_id"].nunique()
    assert f"{engagements} engagements" in static


def test_the_page_says_which_values_were_left_out(program: Path, tmp_path: Path) -> None:
    """A served page never shows the kernel's stderr: the warning is on the page itself."""
    folder = tmp_path / "data"
    shutil.copytree(program, folder)
    raw = pd.read_csv(folder / "responses.csv", dtype=str, keep_default_na=False)
    feeling = raw.index[raw["item_id"] == "feeling"][:2]
    raw.loc[feeling, "value"] = ["9", "3.5"]
    raw.to_csv(folder / "responses.csv", index=False)
    shutil.rmtree(folder / "index", ignore_errors=True)
    data = load_analysis_data(folder)
    assert len(data.left_out) == 2
    analyst = AnalysisApp(data)
    note = analyst.children[1].value
    assert "2 loaded values do not fit the codebook and are left out of every chart" in note
    assert "feeling = &#x27;9&#x27;" in note and "responses.csv" in note
    trainee = AnalysisApp(data, plain=True)
    assert "2 answers do not fit the questions" in trainee.children[1].value
    assert "codebook" not in trainee.children[1].value
    # ... and in the static copy a report file is made of.
    assert "kit-left-out" in analyst.static_html()


def test_the_selection_line_counts_the_meeting_shown_and_says_when_nothing_is_left(
    app: AnalysisApp, program: Path
) -> None:
    raw = pd.read_csv(program / "responses.csv", dtype=str, keep_default_na=False)
    second = raw[raw["meeting_number"] == "2"]
    try:
        app.meeting.value = 2
        line = app.summary.value
        assert f"meeting 2: {second['engagement_id'].nunique()} engagement" in line
        assert f"{second['session_id'].nunique()} session" in line
        app.programs.value = ()
        app.start.value = pd.Timestamp("2100-01-01").date()
        assert "Nothing matches these filters" in app.summary.value
    finally:
        app.start.value = None
        app.meeting.value = 1
