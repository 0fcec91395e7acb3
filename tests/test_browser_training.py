"""Training mode in a real browser: banner, its own folder, samples, reset."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.test_browser_prep import create_engagement, open_prep
from tests.voila_server import VoilaServer

pytestmark = pytest.mark.browser


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".lock" not in p.name
    }


def test_training_mode_saves_only_to_its_own_folder_and_resets(
    kit_page: Page, voila_server: VoilaServer
):
    page = kit_page
    training = Path(os.environ["ALIGNMENT_KIT_TRAINING_DIR"]) / "spaces" / "pat"
    # A real engagement first, so real data exists to protect.
    create_engagement(page, voila_server, "Real Coachee")
    real_before = tree_digest(voila_server.exports)

    create_engagement(page, voila_server, "Practice Pat", "?training=1&space=pat")
    expect(page.locator(".kit-training-banner")).to_contain_text("nothing here is saved")
    page.locator(".kit-prep-success textarea").fill("A made-up outcome")
    expect(page.locator(".kit-status")).to_contain_text("Kept as you type")
    page.locator(".kit-checklist-meeting_date input").fill("2026-10-14")
    page.locator(".kit-prep-asks-feedback input").check()
    page.locator(".kit-prep-opening_lead").get_by_text("The coach opens and facilitates").click()
    page.locator(".kit-prep-closing_lead").get_by_text("The coach closes").click()
    page.locator(".kit-prep-goal_alignment_ok").get_by_text("No", exact=True).click()
    page.locator(".kit-prep-text_consent").get_by_text("Yes", exact=True).click()
    page.locator(".kit-action-submit").click()
    expect(page.locator(".kit-submit-message")).to_contain_text("Saved on")

    assert "A made-up outcome" in (training / "responses.csv").read_text(encoding="utf-8")
    assert tree_digest(voila_server.exports) == real_before  # byte for byte untouched
    assert "Practice Pat" not in (voila_server.exports / "private" / "engagements.csv").read_text()

    page.locator(".kit-action-load-samples").click()  # replaces what the space holds
    expect(page.locator(".kit-training-confirm")).to_contain_text("Replace everything")
    page.locator(".kit-action-confirm").click()
    expect(page.locator(".kit-training-message")).to_contain_text("Loaded 5 sample engagements")
    expect(page.locator(".kit-engagement-picker option")).to_have_count(6)

    page.locator(".kit-action-reset-training").click()
    expect(page.locator(".kit-training-confirm")).to_contain_text("Empty your space “pat”?")
    page.locator(".kit-action-confirm").click()
    expect(page.locator(".kit-training-message")).to_contain_text("Emptied your space")
    expect(page.locator(".kit-engagement-picker option")).to_have_count(1)
    assert not (training / "responses.csv").exists()
    assert tree_digest(voila_server.exports) == real_before

    # The real page shows no banner and none of the training engagements.
    open_prep(page, voila_server)
    expect(page.locator(".kit-training-banner")).to_have_count(0)
    expect(page.locator(".kit-engagement-picker option", has_text="Practice Pat")).to_have_count(0)
