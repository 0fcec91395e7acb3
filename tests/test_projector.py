"""Projector view (``?present=1``): the flag travels in every link, flips with one
switch, marks the app, and the analysis a room reads has no paths, commands or codes.

The look itself (type, targets, contrast, no sideways scrolling) is checked in a real
browser: tests/test_browser_projector.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.widget_tree import find_by_class, visible_text
from widgets.analysis.dashboard import AnalysisApp, build_analysis_app, load_analysis_data
from widgets.analysis.plain_tables import plain_table
from widgets.apps.home import build_home_app
from widgets.shell.chrome import PRESENT_CLASS, present_toggle_html
from widgets.shell.context import app_context, app_link
from widgets.training.demo import write_program

# What a trainee should never read: codes, item ids, paths, commands.
JARGON = re.compile(r"\b[a-z]+_[a-z0-9_]+\b|python -m|(/[\w.-]+){2,}|\.csv\b|\be-[0-9a-f]{12}\b")


def test_app_link_carries_present_in_real_and_training_mode():
    assert app_link("prep.ipynb", engagement="e-1", present=True) == (
        "prep.ipynb?engagement=e-1&present=1"
    )
    assert app_link("home.ipynb", training=True, space="ana", present=True) == (
        "home.ipynb?training=1&space=ana&present=1"
    )
    assert "present" not in app_link("home.ipynb", training=True, space="ana")


def test_the_page_context_reads_present_and_its_links_keep_it(training):
    context = app_context({"training": "1", "space": "ana", "present": "1"})
    assert context.present
    assert context.link("meeting.ipynb", meeting=1).endswith("&present=1")
    assert not app_context({"present": "0"}).present
    assert app_context({"present": "yes"}).link("home.ipynb") == "home.ipynb?present=1"


def _toggle_query(context_params: dict[str, str]) -> dict[str, list[str]]:
    html = present_toggle_html(app_context(context_params))
    href = re.search(r"href='([^']*)'", html).group(1).replace("&amp;", "&")  # type: ignore[union-attr]
    assert href.startswith("?")  # the same page, whatever it is
    return parse_qs(urlsplit(href).query)


def test_the_switch_reopens_the_same_page_with_the_flag_flipped_and_the_rest_kept(training):
    params = {"training": "1", "space": "ana", "engagement": "e-1", "meeting": "2"}
    turned_on = _toggle_query(params)
    assert turned_on == {k: [v] for k, v in {**params, "present": "1"}.items()}
    assert _toggle_query({**params, "present": "1"}) == {k: [v] for k, v in params.items()}
    assert "Projector view: off" in present_toggle_html(app_context(params))


def test_the_app_root_is_marked_only_when_asked(training):
    shown = build_home_app(params={"training": "1", "space": "ana", "present": "1"})
    assert PRESENT_CLASS in shown._dom_classes
    assert "present=1" in visible_text(shown)  # the home table's links keep it
    usual = build_home_app(params={"training": "1", "space": "ana"})
    assert PRESENT_CLASS not in usual._dom_classes
    assert find_by_class(usual, "kit-home-nav")  # the switch is there to turn it on


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("projector-program")
    write_program(folder, 12, seed=5)
    return folder


def test_plain_tables_read_in_words_and_the_csv_keeps_the_codebook_names(program: Path):
    app = AnalysisApp(load_analysis_data(program, where="a made-up program"), plain=True)
    for tab in app.tabs.children:
        shown = re.sub(r"<svg.*?</svg>|href='[^']*'|download='[^']*'", "", tab.value, flags=re.S)
        assert not JARGON.search(shown), JARGON.search(shown)
    timing = plain_table(app.tables["meetings_by_month"])
    assert "meeting_number" not in timing.columns and "Month of the engagement" in timing.columns
    assert "meeting_month" in app.tables["meetings_by_month"].columns  # the CSV's own names


def test_analysts_keep_paths_and_the_export_command_a_room_never_sees(
    program: Path,
):
    analyst = visible_text(build_analysis_app(program, params={}))
    assert "python -m widgets.analysis.export" in analyst and str(program) in analyst
    room = visible_text(build_analysis_app(program, params={"present": "1"}))
    assert "python -m" not in room and str(program) not in room
