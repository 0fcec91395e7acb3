"""Pages open for their query string, built straight away or once a preheated kernel's
request arrives, and a page that cannot open says why on the page."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path

import ipywidgets as w
import pytest
from websockets.asyncio.server import serve

from tests.voila_server import free_port
from tests.widget_tree import find_by_class, visible_text
from widgets.apps.meeting.app import build_meeting_app
from widgets.shell.context import AppContext
from widgets.shell.page import app_page
from widgets.store.registry import EngagementRegistry


@pytest.fixture
def preheated(monkeypatch: pytest.MonkeyPatch):
    """A pretend preheated kernel: a Voila query socket that answers when told to."""
    port = free_port()
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_APP_IP", "127.0.0.1")
    monkeypatch.setenv("VOILA_APP_PORT", str(port))
    monkeypatch.setenv("VOILA_SERVER_URL", "/")
    monkeypatch.setenv("VOILA_KERNEL_ID", "kernel-1")
    monkeypatch.setenv("QUERY_STRING", "")  # restored after the test, whatever the app sets
    return port


async def _voila_query_socket(port: int, query: str, requested: asyncio.Event, paths: list):
    async def handler(connection) -> None:
        paths.append(connection.request.path)
        await requested.wait()  # the page is asked for only now
        await connection.send(json.dumps({"QUERY_STRING": query}))

    return await serve(handler, "127.0.0.1", port)


async def _until(predicate, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


def test_preheated_kernel_returns_at_once_and_builds_the_app_when_the_page_is_requested(
    preheated: int, exports: Path
) -> None:
    built: list[AppContext] = []

    def build(context: AppContext) -> w.Widget:
        built.append(context)
        return w.Button(description="Start")

    async def scenario() -> None:
        requested, paths = asyncio.Event(), []
        server = await _voila_query_socket(
            preheated, "engagement=e-0123456789ab&meeting=2", requested, paths
        )
        async with server:
            page = app_page(build)  # what the notebook cell returns, before any request
            assert "Opening" in visible_text(page)
            await _until(lambda: paths)  # connected and waiting, without blocking the loop
            await asyncio.sleep(0.05)
            assert built == []
            requested.set()
            await _until(lambda: built)
            await _until(lambda: page.children and isinstance(page.children[0], w.Button))
        assert paths == ["/voila/query/kernel-1"]
        assert built[0].params == {"engagement": "e-0123456789ab", "meeting": "2"}
        assert built[0].root == exports.resolve()
        assert "Opening" not in visible_text(page)

    asyncio.run(scenario())


def test_preheated_training_link_opens_on_the_training_folder(
    preheated: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    training = tmp_path / "training"
    monkeypatch.setenv("ALIGNMENT_KIT_TRAINING_DIR", str(training))
    built: list[AppContext] = []

    async def scenario() -> None:
        requested, paths = asyncio.Event(), []
        requested.set()
        query = "training=1&space=ana"
        async with await _voila_query_socket(preheated, query, requested, paths):
            app_page(lambda context: built.append(context) or w.Label("ok"))
            await _until(lambda: built)

    asyncio.run(scenario())
    assert built[0].training and built[0].space == "ana"
    assert built[0].root == (training / "spaces" / "ana").resolve()


def test_a_page_that_cannot_open_says_why_on_the_page(preheated: int, exports: Path) -> None:
    def build(context: AppContext) -> w.Widget:
        raise RuntimeError("the registry file is unreadable")

    async def scenario() -> w.Widget:
        requested, paths = asyncio.Event(), []
        requested.set()
        async with await _voila_query_socket(preheated, "", requested, paths):
            page = app_page(build)
            await _until(lambda: find_by_class(page, "kit-page-error"))
        return page

    page = asyncio.run(scenario())
    text = visible_text(page)
    assert "This page could not open: the registry file is unreadable" in text
    assert "role='alert'" in text
    assert find_by_class(page, "kit-style"), "the notice carries the kit's styles"


def test_kernel_started_for_the_request_builds_at_once_from_its_query_string(
    monkeypatch: pytest.MonkeyPatch, exports: Path
) -> None:
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("QUERY_STRING", "engagement=e-0123456789ab")
    app = w.Label("app")
    built: list[AppContext] = []
    assert app_page(lambda context: built.append(context) or app) is app
    assert built[0].params == {"engagement": "e-0123456789ab"}


def test_meeting_link_in_a_preheated_kernel_opens_that_engagement(
    preheated: int, exports: Path
) -> None:
    engagement = EngagementRegistry(exports).create(first_name="Ana", start_date=date(2026, 9, 1))

    async def scenario() -> w.Widget:
        requested, paths = asyncio.Event(), []
        requested.set()
        query = f"engagement={engagement.engagement_id}&meeting=1"
        async with await _voila_query_socket(preheated, query, requested, paths):
            page = build_meeting_app()
            await _until(lambda: find_by_class(page, "kit-action-start"))
        return page

    page = asyncio.run(scenario())
    assert "Ana" in visible_text(page)
    assert not find_by_class(page, "kit-engagement-picker")
