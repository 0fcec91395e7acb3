"""Voila serves every app notebook without an error, and never serves the data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.voila_server import VoilaServer

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p.name for p in (REPO / "notebooks").glob("*.ipynb"))
ERROR_MARKERS = ("Traceback", "There was an error when executing", "ModuleNotFoundError")

pytestmark = pytest.mark.server


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_every_notebook_renders_without_an_error(voila_server: VoilaServer, notebook: str):
    status, body = voila_server.get(f"/voila/render/{notebook}")
    assert status == 200, voila_server.log()
    for marker in ERROR_MARKERS:
        assert marker not in body, f"{notebook}: {marker!r} in the page\n{voila_server.log()}"
    assert "application/vnd.jupyter.widget-view+json" in body  # the app was displayed


TAB_TITLES = {
    "home.ipynb": "Engagements",
    "prep.ipynb": "Preparation",
    "meeting.ipynb": "Alignment meeting",
    "debrief.ipynb": "Debrief",
    "analysis.ipynb": "Program analysis",
    "walkthrough.ipynb": "Guided tour",
}


def test_every_app_names_itself_in_the_browser_tab(voila_server: VoilaServer):
    assert set(TAB_TITLES) == set(NOTEBOOKS)
    for notebook, title in TAB_TITLES.items():
        _status, body = voila_server.get(f"/voila/render/{notebook}")
        assert f"<title>{title} · Alignment Meeting Kit</title>" in body, notebook


def test_sources_are_stripped_from_the_page(voila_server: VoilaServer):
    _status, body = voila_server.get("/voila/render/prep.ipynb")
    assert "build_prep_app()" not in body


@pytest.mark.parametrize(
    "path",
    [
        "/voila/files/../exports/responses.csv",
        "/voila/files/%2e%2e/exports/responses.csv",
        "/voila/files/..%2fexports%2fprivate%2fengagements.csv",
        "/voila/files/prep.ipynb",
        "/files/../exports/responses.csv",
        "/voila/files/../widgets/instrument/data/prep.yaml",
    ],
)
def test_data_cannot_be_fetched_through_voila(voila_server: VoilaServer, path: str):
    # Marker files stand in for data; removed afterwards so the shared server's store
    # stays usable for the tests that follow.
    planted = [
        voila_server.exports / "secret-probe.csv",
        voila_server.exports / "private" / "secret-probe.csv",
    ]
    for file in planted:
        file.parent.mkdir(exist_ok=True)
        file.write_text("first_name\nSECRET-NAME\n")
    try:
        for probe in (path, path.replace("responses.csv", "secret-probe.csv")):
            status, body = voila_server.get(probe.replace("engagements.csv", "secret-probe.csv"))
            assert status in (403, 404), f"{probe} answered {status}"
            assert "SECRET" not in body and "record_id" not in body
    finally:
        for file in planted:
            file.unlink(missing_ok=True)


def test_voila_json_keeps_coaches_safe():
    config = json.loads((REPO / "voila.json").read_text())
    voila = config["VoilaConfiguration"]
    assert voila["strip_sources"] is True
    assert voila["show_tracebacks"] is False
    assert config["MappingKernelManager"]["cull_idle_timeout"] > 0
    assert config["MappingKernelManager"]["cull_interval"] > 0
    assert config["Voila"]["ip"] == "127.0.0.1"
    # XSRF protection stays on: the kit's page handler makes the closing tab's beacon pass it.
    assert "disable_check_xsrf" not in json.dumps(config)


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_every_page_opens_on_the_kits_own_loading_screen(voila_server: VoilaServer, notebook: str):
    """What the first paint shows: the kit's name and which page is opening, never
    Voila's cell counter."""
    _status, body = voila_server.get(f"/voila/render/{notebook}")
    loading = body[body.index('id="loading"') : body.index('id="rendered_cells"')]
    assert "Alignment Meeting Kit" in loading
    assert f"Opening {TAB_TITLES[notebook]}…" in loading
    assert "Executing" not in body
    assert "Running " not in loading
