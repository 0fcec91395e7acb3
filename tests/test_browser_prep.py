"""The preparation app in a real browser, filled in as a coach would."""

from __future__ import annotations

import csv
import re

import pytest
from playwright.sync_api import Page, expect

from tests.voila_server import VoilaServer

pytestmark = pytest.mark.browser


def open_prep(page: Page, server: VoilaServer, query: str = "") -> None:
    page.goto(f"{server.url}/voila/render/prep.ipynb{query}")
    expect(page.locator(".kit-app")).to_be_visible(timeout=60_000)


def create_engagement(page: Page, server: VoilaServer, first_name: str, query: str = "") -> str:
    """Create it where coaches do (home), then open its prep from the new row's link."""
    page.goto(f"{server.url}/voila/render/home.ipynb{query}")
    page.locator(".kit-engagement-first_name input").wait_for()
    rows = page.locator(".kit-home-row", has_text=first_name)
    before = {rows.nth(i).get_attribute("data-engagement") for i in range(rows.count())}
    page.locator(".kit-engagement-first_name input").fill(first_name)
    page.locator(".kit-engagement-coach input").fill("Coach Kim")
    page.locator(".kit-engagement-program input").fill("Leaders 2026")
    page.locator(".kit-engagement-cohort input").fill("B")
    page.locator(".kit-engagement-start_date input").fill("2026-09-01")
    page.locator(".kit-action-create-engagement").click()
    expect(page.locator(".kit-picker-message")).to_contain_text(
        f"Created an engagement for {first_name}."
    )
    expect(rows).to_have_count(len(before) + 1)
    new = [rows.nth(i) for i in range(rows.count())]
    row = next(r for r in new if r.get_attribute("data-engagement") not in before)
    engagement_id = row.get_attribute("data-engagement")
    assert engagement_id and re.fullmatch(r"e-[0-9a-f]{12}", engagement_id)
    row.locator(".kit-action-open-prep").click()
    expect(page.locator(".kit-open-engagement")).to_contain_text(first_name, timeout=60_000)
    return engagement_id


def pick_engagement(page: Page, first_name: str) -> None:
    """Choose from the picker by first name: the newest of that name, first in the list
    (labels never show ids, and tests share one server)."""
    option = page.locator(".kit-engagement-picker option", has_text=first_name).first
    page.locator(".kit-engagement-picker select").select_option(label=option.inner_text())


def rows_for(server: VoilaServer, engagement_id: str) -> list[dict[str, str]]:
    path = server.exports / "responses.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        return [r for r in csv.DictReader(handle) if r["engagement_id"] == engagement_id]


def test_coach_fills_submits_and_finds_it_after_a_reload(kit_page: Page, voila_server: VoilaServer):
    page = kit_page
    eid = create_engagement(page, voila_server, "Noor")
    # Prep chooses; only home creates, and the chooser folds away once one is open.
    expect(page.locator(".kit-engagement-first_name")).to_have_count(0)
    expect(page.locator(".kit-engagement-picker select")).to_be_hidden()

    success = page.locator(".kit-prep-success textarea")
    expect(success).to_be_visible()
    expect(page.locator(".kit-prep-success label")).to_contain_text("success")

    # Submitting too early: messages beside the fields, nothing saved, nothing lost.
    success.fill('Clarity on priorities, "really", 👍 and مرحبا')
    page.locator(".kit-action-submit").click()
    expect(page.locator(".kit-submit-message")).to_contain_text("need attention")
    expect(page.locator(".kit-message-prep-asks")).to_contain_text("required")
    expect(success).to_have_value('Clarity on priorities, "really", 👍 and مرحبا')

    page.locator(".kit-checklist-success_defined input").check()
    page.locator(".kit-checklist-meeting_date input").fill("2026-12-10")
    expect(page.locator(".kit-timing")).to_contain_text("later than the recommended month 2")
    page.locator(".kit-prep-asks-priorities input").check()
    page.locator(".kit-prep-asks-support input").check()
    page.locator(".kit-prep-off_limits textarea").fill("Team restructuring\nsecond line")
    page.locator(".kit-prep-opening_lead").get_by_text(
        "You lead, with the coach supporting"
    ).click()
    page.locator(".kit-prep-closing_lead").get_by_text("The coach closes").click()
    page.locator(".kit-prep-goal_alignment_ok").get_by_text("Yes", exact=True).click()
    page.locator(".kit-prep-text_consent").get_by_text("No", exact=True).click()
    expect(page.locator(".kit-message-prep-asks")).to_be_hidden()
    page.locator(".kit-action-submit").click()
    expect(page.locator(".kit-submit-message")).to_contain_text("Saved on")
    expect(page.locator(".kit-submit-message")).not_to_contain_text("correct")

    saved = {(r["form"], r["item_id"]): r["value"] for r in rows_for(voila_server, eid)}
    assert saved[("prep", "success")] == 'Clarity on priorities, "really", 👍 and مرحبا'
    assert saved[("prep", "asks")] == "priorities;support"
    assert saved[("prep", "off_limits")] == "Team restructuring\nsecond line"
    assert saved[("prep", "opening_lead")] == "coachee"
    assert saved[("checklist", "meeting_date")] == "2026-12-10"
    assert saved[("checklist", "success_defined")] == "yes"

    # A reload (new kernel) opened from the link shows what was saved.
    open_prep(page, voila_server, f"?engagement={eid}")
    expect(page.locator(".kit-prep-success textarea")).to_have_value(
        'Clarity on priorities, "really", 👍 and مرحبا'
    )
    expect(page.locator(".kit-status")).to_contain_text("Showing what was saved on")
    expect(page.locator(".kit-prep-asks-support input")).to_be_checked()

    # A correction is a second revision; the first stays in the history.
    page.locator(".kit-prep-success textarea").fill("Corrected outcome")
    expect(page.locator(".kit-status")).to_contain_text("Kept as you type")
    page.locator(".kit-action-submit").click()
    expect(page.locator(".kit-submit-message")).to_contain_text("Saved your changes")
    prep_rows = [r for r in rows_for(voila_server, eid) if r["item_id"] == "success"]
    assert [(r["revision"], r["value"]) for r in prep_rows][-1] == ("2", "Corrected outcome")
    assert len(prep_rows) == 2


def test_unsaved_draft_comes_back_after_a_reload(kit_page: Page, voila_server: VoilaServer):
    page = kit_page
    eid = create_engagement(page, voila_server, "Tomás")
    page.locator(".kit-prep-mindset textarea").fill("Curious, not defensive")
    expect(page.locator(".kit-status")).to_contain_text("Kept as you type")
    open_prep(page, voila_server)
    expect(page.locator(".kit-engagement-picker select")).to_be_visible(timeout=60_000)
    pick_engagement(page, "Tomás")
    expect(page.locator(".kit-prep-mindset textarea")).to_have_value("Curious, not defensive")
    expect(page.locator(".kit-status")).to_contain_text("Restored what was typed here")
    saved_file = voila_server.exports / "responses.csv"
    assert not saved_file.exists() or not rows_for(voila_server, eid)


def test_a_path_like_engagement_link_gets_a_clear_message(
    kit_page: Page, voila_server: VoilaServer
):
    page = kit_page
    open_prep(page, voila_server, "?engagement=..%2F..%2Fetc%2Fpasswd")
    expect(page.locator(".kit-picker-message")).to_contain_text(
        "not an engagement ID issued by this kit"
    )


def _kernel_count(server: VoilaServer) -> int:
    import psutil

    count = 0
    for pid in server.kernel_pids():
        try:
            if "ipykernel" in " ".join(psutil.Process(pid).cmdline()):
                count += 1
        except psutil.NoSuchProcess:
            pass
    return count


def _settled_kernel_count(server: VoilaServer, quiet: float = 2.0, timeout: float = 30.0) -> int:
    """The kernel count once it has stopped changing (the preheated pool refills)."""
    import time

    deadline = time.monotonic() + timeout
    count, since = _kernel_count(server), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.25)  # polling a process count, not waiting for the page
        now = _kernel_count(server)
        if now != count:
            count, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            break
    return count


def test_leaving_the_page_shuts_its_kernel_down(browser, voila_server: VoilaServer):
    """The page's unload beacon gets through with XSRF protection on (the kit's page
    handler sets the cookie the beacon sends back)."""
    # No request interception here: a routed unload beacon is dropped with the page.
    page = browser.new_page()
    voila_server.sign_in(page)
    before = _settled_kernel_count(voila_server)
    open_prep(page, voila_server)
    assert _settled_kernel_count(voila_server) == before + 1  # the page's own kernel
    page.goto("about:blank")  # leaving fires the page's unload beacon, as closing a tab does
    assert _settled_kernel_count(voila_server) == before, voila_server.log()
    page.close()
