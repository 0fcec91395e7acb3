"""Shared fixtures: an isolated data root, a Voila server, Debian's Chromium.

Nothing here writes into $HOME, the machine's temp folder or the repository's exports/:
every run gets its own sandbox (temp files included, through TMPDIR), removed at the end,
and the run fails if anything new is left in the temp folder. Every server and kernel
started is stopped afterwards.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.voila_server import CHROMIUM, CHROMIUM_ARGS, VoilaServer, isolate_home, local_signed_in

REPO = Path(__file__).resolve().parents[1]
_SYSTEM_TMP = Path(tempfile.gettempdir())
_TMP_BEFORE = {entry.name for entry in _SYSTEM_TMP.iterdir()}
_SANDBOX = Path(tempfile.mkdtemp(prefix="kit-tests-"))


def pytest_configure(config: pytest.Config) -> None:
    isolate_home(
        _SANDBOX,
        {
            "ALIGNMENT_KIT_EXPORTS": "exports-session",
            "ALIGNMENT_KIT_TRAINING_DIR": "training-session",
            "TMPDIR": "tmp",
        },
    )
    tempfile.tempdir = None  # forget the cached folder: from here on, TMPDIR


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if the suite left anything in the machine's temp folder."""
    shutil.rmtree(_SANDBOX, ignore_errors=True)
    left = sorted({e.name for e in _SYSTEM_TMP.iterdir()} - _TMP_BEFORE)
    if left:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                f"The suite left files in {_SYSTEM_TMP}: {', '.join(left)}", red=True
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_SANDBOX, ignore_errors=True)


@pytest.fixture
def training(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exports: Path) -> Path:
    """A fresh training folder beside ``exports``; training mode itself is left to the
    test (a page's ``?training=1`` or the server's setting)."""
    folder = tmp_path / "training"
    monkeypatch.setenv("ALIGNMENT_KIT_TRAINING_DIR", str(folder))
    monkeypatch.delenv("ALIGNMENT_KIT_TRAINING", raising=False)
    return folder


@pytest.fixture
def exports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data root for one test, set the way the apps read it."""
    root = tmp_path / "exports"
    root.mkdir()
    monkeypatch.setenv("ALIGNMENT_KIT_EXPORTS", str(root))
    return root


@pytest.fixture(scope="session")
def voila_server() -> Iterator[VoilaServer]:
    """The kit served as `make run` serves it (same voila.json), on a free port."""
    root = _SANDBOX / "exports-voila"
    root.mkdir(exist_ok=True)
    server = VoilaServer(repo=REPO, exports=root)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _browser_available() -> bool:
    return Path(CHROMIUM).exists()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Launch Debian's Chromium: Playwright cannot download its own browser here."""
    if not _browser_available():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium not found at {CHROMIUM}; CI must install Debian's chromium")
        pytest.skip("Chromium is not installed (apt-get install chromium); CI runs this test")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def kit_page(page, voila_server: VoilaServer):
    """A browser page that may only talk to the local server (no CDN fonts, no leaks),
    signed in as a coach opening the link `make run` prints."""
    return local_signed_in(page, voila_server)
