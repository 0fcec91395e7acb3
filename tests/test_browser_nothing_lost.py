"""Nothing typed is lost: two tabs on one meeting, and a kernel killed mid-meeting."""

from __future__ import annotations

import json
import os
import signal

import psutil
import pytest
from playwright.sync_api import Page, expect

from tests.test_browser_meeting import meeting_rows, open_meeting, prepare
from tests.voila_server import VoilaServer
from widgets.store.drafts import DraftStore

pytestmark = pytest.mark.browser


def second_tab(page: Page, server: VoilaServer) -> Page:
    """Another tab of the same signed-in browser, kept off the network like the first."""
    other = page.context.new_page()
    other.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith((server.url, "data:", "blob:"))
            else route.abort()
        ),
    )
    other.set_default_timeout(30_000)
    return other


def test_two_tabs_on_one_meeting_never_overwrite_or_resurrect(
    kit_page: Page, voila_server: VoilaServer
):
    tab_a = kit_page
    eid = prepare(voila_server, "Ines")
    query = f"?engagement={eid}&meeting=1"
    open_meeting(tab_a, voila_server, query)
    tab_a.locator(".kit-action-start").click()
    tab_a.locator(".kit-action-next").click()
    expect(tab_a.locator(".kit-meeting-strengths_best textarea")).to_be_visible()

    tab_b = second_tab(tab_a, voila_server)
    open_meeting(tab_b, voila_server, query)
    expect(tab_b.locator(".kit-status")).to_contain_text("Restored the meeting in progress")

    tab_a.locator(".kit-meeting-strengths_best textarea").fill("Noted in A")
    expect(tab_a.locator(".kit-status")).to_contain_text("Kept as you type")
    stale = tab_b.locator(".kit-stale-notice")
    expect(stale).to_be_visible(timeout=10_000)
    expect(stale).to_contain_text("changed in another tab or window")
    # No clock frozen at the moment it lost the meeting: the bar says where it runs.
    expect(tab_b.locator(".kit-meeting-clock")).to_contain_text("The clock runs in the other tab")
    # The coach in B was typing as A wrote: every keystroke lands, none is dropped.
    impact = tab_b.locator(".kit-meeting-strengths_impact textarea")
    expect(impact).to_be_editable()
    impact.press_sequentially("Noted in B, typed as A wrote", delay=20)
    expect(impact).to_have_value("Noted in B, typed as A wrote")
    expect(tab_b.locator(".kit-meeting-strengths_impact_asked input")).to_be_disabled()

    stale.locator(".kit-action-take-over").click()
    expect(stale).to_be_hidden()
    expect(tab_b.locator(".kit-meeting-clock")).to_contain_text("Meeting left")
    expect(tab_b.locator(".kit-meeting-strengths_best textarea")).to_have_value("Noted in A")
    expect(impact).to_have_value("Noted in B, typed as A wrote")
    impact.press_sequentially(" and after")
    expect(tab_b.locator(".kit-status")).to_contain_text("Kept as you type")
    expect(tab_a.locator(".kit-stale-notice")).to_contain_text("another tab", timeout=10_000)
    expect(tab_a.locator(".kit-meeting-strengths_best textarea")).to_have_value("Noted in A")
    expect(tab_a.locator(".kit-action-end")).to_be_disabled()
    expect(tab_a.locator(".kit-meeting-clock")).to_contain_text("The clock runs in the other tab")

    tab_b.locator(".kit-action-end").click()
    tab_b.locator(".kit-action-confirm-end").click()  # End asks first
    expect(tab_b.locator("a.kit-action-debrief")).to_be_visible()
    rows = meeting_rows(voila_server, eid, 1)
    assert rows["strengths_best"] == "Noted in A"
    assert rows["strengths_impact"] == "Noted in B, typed as A wrote and after"
    assert DraftStore(voila_server.exports).load(eid, "meeting-1") is None

    tab_b.close()
    open_meeting(tab_a, voila_server, query)  # reopened: the ended meeting, read-only
    expect(tab_a.locator(".kit-status")).to_contain_text("ended and was saved")
    expect(tab_a.locator(".kit-status")).not_to_contain_text("in progress")
    expect(tab_a.locator(".kit-action-end")).to_be_disabled()


def page_kernel_pid(page: Page, server: VoilaServer) -> int:
    """The process of the kernel that serves ``page`` (found by its kernel id)."""
    config = page.locator("#jupyter-config-data").text_content() or "{}"
    kernel_id = json.loads(config)["kernelId"]
    for pid in server.kernel_pids():
        try:
            if any(kernel_id in part for part in psutil.Process(pid).cmdline()):
                return pid
        except psutil.NoSuchProcess:
            continue
    raise AssertionError(f"no process for kernel {kernel_id}")


def test_a_killed_kernel_is_said_within_five_seconds_and_typing_is_offered_back(
    kit_page: Page, voila_server: VoilaServer
):
    page = kit_page
    eid = prepare(voila_server, "Jonas")
    open_meeting(page, voila_server, f"?engagement={eid}&meeting=1")
    page.locator(".kit-action-start").click()
    page.locator(".kit-action-next").click()
    notes = page.locator(".kit-meeting-strengths_best textarea")
    notes.fill("Saved before the kill")
    expect(page.locator(".kit-status")).to_contain_text("Kept as you type")
    lost = page.locator(".kit-connection-lost")
    expect(lost).to_be_hidden()

    notes.scroll_into_view_if_needed()
    os.kill(page_kernel_pid(page, voila_server), signal.SIGKILL)
    expect(lost).to_be_visible(timeout=5_000)
    expect(lost).to_contain_text("connection to the kit was lost")
    expect(lost).to_contain_text("Reload the page")
    expect(lost).not_to_contain_text("kernel")
    # Said where the coach is looking: inside the window, wherever the page is scrolled.
    box = lost.bounding_box()
    viewport = page.viewport_size
    assert box is not None and viewport is not None
    assert 0 <= box["y"] and box["y"] + box["height"] <= viewport["height"]
    notes.fill("Saved before the kill, and typed after it")

    page.reload()
    expect(notes).to_have_value("Saved before the kill", timeout=60_000)
    offer = page.locator(".kit-restore-offer")
    expect(offer).to_be_visible(timeout=10_000)
    expect(offer).to_contain_text("1 note typed on this page before it was reloaded was not")
    offer.locator(".kit-action-restore-typed").click()
    expect(notes).to_have_value("Saved before the kill, and typed after it")
    expect(offer).to_be_hidden()
    expect(page.locator(".kit-status")).to_contain_text("Kept as you type")
    draft = DraftStore(voila_server.exports).load(eid, "meeting-1")
    assert draft is not None
    assert draft[1]["notes"]["strengths_best"] == "Saved before the kill, and typed after it"
