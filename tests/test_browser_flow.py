"""The way through the kit in a browser: every Submit offers the next step, every page
has a way home, a failed Submit puts the cursor on the first answer to fix, and axe-core
finds nothing critical or serious on any page."""

from __future__ import annotations

from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.test_browser_journey import PAGE_READY, fill_debrief, save_meeting
from tests.voila_server import VoilaServer
from widgets.store.registry import EngagementRegistry

pytestmark = pytest.mark.browser


def new_engagement(server: VoilaServer, first_name: str) -> str:
    engagement = EngagementRegistry(server.exports).create(
        first_name=first_name,
        coach="Coach Kim",
        program="Flow",
        cohort="F",
        start_date=date(2026, 9, 1),
    )
    return engagement.engagement_id


def open_page(page: Page, server: VoilaServer, path: str) -> None:
    page.goto(f"{server.url}/voila/render/{path}")
    expect(page.locator(".kit-app, .widget-tab").first).to_be_visible(timeout=PAGE_READY)


def fill_prep(page: Page) -> None:
    page.locator(".kit-checklist-success_defined input").check()
    page.locator(".kit-checklist-meeting_date input").fill("2026-10-14")
    page.locator(".kit-prep-success textarea").fill("Know how my manager sees me")
    page.locator(".kit-prep-asks-priorities input").check()
    page.locator(".kit-prep-opening_lead").get_by_text("The coach opens and facilitates").click()
    page.locator(".kit-prep-closing_lead").get_by_text("The coach closes").click()
    page.locator(".kit-prep-goal_alignment_ok").get_by_text("Yes", exact=True).click()
    page.locator(".kit-prep-text_consent").get_by_text("No", exact=True).click()


def test_prep_submit_puts_the_cursor_on_the_first_answer_to_fix_then_offers_the_meeting(
    kit_page: Page, voila_server: VoilaServer
):
    page = kit_page
    eid = new_engagement(voila_server, "Rosa")
    open_page(page, voila_server, f"prep.ipynb?engagement={eid}")
    page.locator(".kit-action-submit").click()
    first_invalid = page.locator(".kit-field.kit-invalid").first
    expect(first_invalid.locator(":focus")).to_have_count(1)
    expect(first_invalid).to_be_in_viewport()
    expect(first_invalid.locator(".kit-message")).to_contain_text("required")

    fill_prep(page)
    page.locator(".kit-action-submit").click()
    expect(page.locator(".kit-submit-message")).to_contain_text("Saved on")
    next_step = page.locator(".kit-next")
    expect(next_step).to_contain_text("Next: the meeting with Rosa's manager")
    expect(next_step.locator(".kit-action-copy-meeting-link")).to_be_visible()
    next_step.locator(".kit-action-open-meeting").click()
    page.wait_for_url(f"**/meeting.ipynb?engagement={eid}&meeting=1")
    expect(page.locator(".kit-app")).to_contain_text("Rosa", timeout=PAGE_READY)


def test_debrief_submit_shows_the_summary_first(kit_page: Page, voila_server: VoilaServer):
    page = kit_page
    eid = new_engagement(voila_server, "Sami")
    save_meeting(voila_server, eid, 1, {"strengths_best": "Calm in the launch"})
    open_page(page, voila_server, f"debrief.ipynb?engagement={eid}&meeting=1")
    expect(page.locator(".kit-engagement-picker select")).to_be_hidden()
    fill_debrief(page)
    summary = page.locator(".kit-summary")
    expect(summary).to_contain_text("Calm in the launch")
    expect(summary).to_be_in_viewport()
    summary_top = summary.bounding_box()["y"]
    form_top = page.locator(".kit-debrief-feeling").bounding_box()["y"]
    assert summary_top < form_top


@pytest.mark.parametrize("path", ["prep.ipynb", "debrief.ipynb", "meeting.ipynb", "analysis.ipynb"])
def test_every_page_has_a_way_home(kit_page: Page, voila_server: VoilaServer, path: str):
    open_page(kit_page, voila_server, path)
    home = kit_page.locator("a.kit-action-home").first
    expect(home).to_have_text("← All engagements")
    home.click()
    expect(kit_page.locator(".kit-home-app")).to_be_visible(timeout=PAGE_READY)


def _prep_with_errors(page: Page, server: VoilaServer) -> None:
    open_page(page, server, f"prep.ipynb?engagement={new_engagement(server, 'Ines')}")
    page.locator(".kit-action-submit").click()
    expect(page.locator(".kit-invalid").first).to_be_visible()


def _home_filtered(page: Page, server: VoilaServer) -> None:
    new_engagement(server, "Filtered")
    open_page(page, server, "home.ipynb")
    page.get_by_label("Filter by program").select_option("Flow")
    expect(page.locator(".kit-home-note")).to_contain_text("Showing")


def _meeting_running(page: Page, server: VoilaServer) -> None:
    open_page(page, server, f"meeting.ipynb?engagement={new_engagement(server, 'Rui')}&meeting=1")
    page.locator(".kit-action-start").click()
    page.locator(".kit-action-next").click()
    expect(page.locator(".kit-action-end")).to_be_enabled()


def _meeting_ended(page: Page, server: VoilaServer) -> None:
    _meeting_running(page, server)
    page.locator(".kit-action-end").click()
    page.locator(".kit-action-confirm-end").click()
    expect(page.locator("a.kit-action-debrief")).to_be_visible()


def _summary(page: Page, server: VoilaServer) -> None:
    eid = new_engagement(server, "Sol")
    save_meeting(server, eid, 1, {"strengths_best": "Calm in the launch"})
    open_page(page, server, f"debrief.ipynb?engagement={eid}&meeting=1")
    fill_debrief(page)
    expect(page.locator(".kit-summary")).to_contain_text("Calm in the launch")


def _walkthrough(page: Page, server: VoilaServer) -> None:
    open_page(page, server, "walkthrough.ipynb?training=1&space=axe")
    expect(page.locator(".kit-tour")).to_be_visible()


STATES = {
    "home": lambda page, server: open_page(page, server, "home.ipynb"),
    "home filtered": _home_filtered,
    "prep, none open": lambda page, server: open_page(page, server, "prep.ipynb"),
    "prep with errors": _prep_with_errors,
    "meeting, not started": lambda page, server: open_page(
        page, server, f"meeting.ipynb?engagement={new_engagement(server, 'Mo')}&meeting=1"
    ),
    "meeting, running": _meeting_running,
    "meeting, ended": _meeting_ended,
    "debrief": lambda page, server: open_page(
        page, server, f"debrief.ipynb?engagement={new_engagement(server, 'Dee')}"
    ),
    "summary": _summary,
    "analysis": lambda page, server: open_page(page, server, "analysis.ipynb"),
    "walkthrough": _walkthrough,
}


@pytest.mark.parametrize("state", list(STATES))
def test_no_critical_or_serious_accessibility_problem(
    kit_page: Page, voila_server: VoilaServer, state: str
):
    STATES[state](kit_page, voila_server)
    results = Axe().run(kit_page)
    found = [
        f"{v['impact']} {v['id']}: "
        + repr([(n["target"], n.get("failureSummary", "")[:160]) for n in v["nodes"][:2]])
        for v in results.response["violations"]
        if v["impact"] in ("critical", "serious")
    ]
    assert found == [], f"{state}:\n" + "\n".join(found)
