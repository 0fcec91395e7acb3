"""`make report`: one HTML file for people who never open the notebook.

It opens offline in a real browser without asking the network for anything, shows no
code, no widget repr and no path of the analyst's disk, gives its tables in words, says
when values were left out, and refuses, in one sentence, sources it cannot report on.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from widgets.analysis.report import STATIC_CLASS, TITLES
from widgets.analysis.report_file import main
from widgets.store.records import RESPONSE_COLUMNS
from widgets.training.demo import write_program


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report-file-data")
    write_program(folder, 12, seed=5)
    return folder


@pytest.fixture(scope="module")
def report(program: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report-file-out") / "report.html"
    assert main(["--out", str(out), str(program)]) == 0
    return out


def test_the_report_is_the_analysis_alone_in_words(report: Path, program: Path) -> None:
    html = report.read_text(encoding="utf-8")
    opening = re.search(rf"<div class=[\"']{STATIC_CLASS}[\"']>", html)
    assert opening is not None
    static = html[opening.start() :]
    # Both meetings' charts, the second-meeting share once, each with its CSV.
    assert static.count("<svg") == 2 * len(TITLES) - 1
    assert static.count("data:text/csv") == 2 * len(TITLES) - 1
    # No code cell, no prompt, no widget repr, no path of the analyst's disk.
    for leak in ("build_analysis_app", "AnalysisApp(", "In&nbsp;[", str(program.parent)):
        assert leak not in html, leak
    assert f"loaded from {program.name}" in static
    # Tables in words: the reader sees "Agenda part", not the codebook's column names.
    assert ">Agenda part</th>" in static
    assert "budget_seconds</th>" not in static
    # Nothing fetched from anywhere: no script with a source, no CDN.
    assert not re.search(r"<script[^>]+src=", html)
    for cdn in ("cdnjs", "unpkg", "jsdelivr"):
        assert cdn not in html, cdn


def test_the_report_opens_offline_without_asking_the_network(page: Page, report: Path) -> None:
    asked: list[str] = []

    def refuse(route) -> None:  # type: ignore[no-untyped-def]
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            asked.append(url)
            route.abort()

    page.route("**/*", refuse)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(report.as_uri())
    expect(page.locator(f".{STATIC_CLASS} h3").first).to_have_text("Timing, meeting 1")
    expect(page.locator(f".{STATIC_CLASS} svg").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert asked == []
    # No table runs off the page.
    wide = page.evaluate(
        "[...document.querySelectorAll('table.kit-table')]"
        ".filter(t => t.getBoundingClientRect().right > window.innerWidth).length"
    )
    assert wide == 0
    page.set_viewport_size({"width": 1366, "height": 8000})
    results = Axe().run(page, context={"include": [[f".{STATIC_CLASS}"]]})
    serious = [
        v["id"] for v in results.response["violations"] if v["impact"] in ("critical", "serious")
    ]
    assert serious == []


def test_a_report_says_which_values_it_left_out(program: Path, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(program, folder)
    with open(folder / "responses.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    feeling = next(row for row in rows if row["item_id"] == "feeling")
    with open(folder / "responses.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(RESPONSE_COLUMNS))
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "value": "9"} if row is feeling else row)
    shutil.rmtree(folder / "index", ignore_errors=True)
    out = tmp_path / "report.html"
    assert main(["--out", str(out), str(folder)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "1 answer does not fit the questions&#x27; allowed values" in html or (
        "1 answer does not fit the questions' allowed values" in html
    )
    # The warning is said in the report's words, not as the kernel's red stderr block.
    assert "InvalidValuesWarning" not in html


@pytest.mark.parametrize("kind", ["empty", "missing"])
def test_no_report_from_a_folder_without_responses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    folder = tmp_path / "data"
    if kind == "empty":
        folder.mkdir()
    out = tmp_path / "report.html"
    assert main(["--out", str(out), str(folder)]) == 2
    said = capsys.readouterr().err
    assert said.startswith("No report written: ")
    assert ("No responses in" if kind == "empty" else "does not exist") in said
    assert "Traceback" not in said
    # The made-up demonstration program is never written out as a program's report.
    assert not out.exists()
