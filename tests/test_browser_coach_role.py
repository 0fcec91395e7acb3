"""In a real browser: the coachee chooses "observe" in prep, and the meeting screen
becomes their own guide."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.test_browser_meeting import open_meeting
from tests.test_browser_prep import create_engagement
from tests.voila_server import VoilaServer

pytestmark = pytest.mark.browser


def test_observe_in_prep_turns_the_meeting_into_the_coachees_guide(
    kit_page: Page, voila_server: VoilaServer
):
    page = kit_page
    eid = create_engagement(page, voila_server, "Lena")
    page.locator(".kit-checklist-meeting_date input").fill("2026-10-14")
    page.locator(".kit-prep-success textarea").fill("Hear how my manager sees me")
    page.locator(".kit-prep-asks-priorities input").check()
    page.locator(".kit-prep-opening_lead").get_by_text(
        "You lead, with the coach supporting"
    ).click()
    page.locator(".kit-prep-closing_lead").get_by_text("The coach closes").click()
    page.locator(".kit-prep-goal_alignment_ok").get_by_text("Yes", exact=True).click()
    page.locator(".kit-prep-text_consent").get_by_text("No", exact=True).click()
    page.locator(".kit-prep-coach_role").get_by_text("Observe silently while you lead").click()
    page.locator(".kit-action-submit").click()
    expect(page.locator(".kit-submit-message")).to_contain_text("Saved on")

    open_meeting(page, voila_server, f"?engagement={eid}&meeting=1")
    expect(page.locator(".kit-card-coach_role")).to_contain_text(
        "Lena leads; the coach observes silently"
    )
    expect(page.locator(".kit-role-observe")).to_contain_text("Your guide, Lena")
    page.locator(".kit-action-start").click()
    page.locator(".kit-action-next").click()
    strengths = page.locator(".kit-meeting-section-strengths")
    expect(strengths).to_contain_text("You might ask your manager:")
    expect(strengths.get_by_text("I asked this").first).to_be_visible()
    expect(strengths.locator(".kit-tip-toggle")).to_have_count(4)
    expect(strengths.locator(".kit-tip-toggle").first).to_be_hidden()
