"""The guided tour in a real browser: it opens quickly and every link finds its coachee."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.voila_server import VoilaServer
from widgets.store.registry import EngagementRegistry
from widgets.training.samples import TOUR_STAGE, saved_samples
from widgets.training.walkthrough import STEPS

pytestmark = pytest.mark.browser


def test_every_link_of_the_tour_opens_a_page_that_shows_its_coachee(
    kit_page: Page, voila_server: VoilaServer
):
    page = kit_page
    tour_url = f"{voila_server.url}/voila/render/walkthrough.ipynb?training=1&space=room-a"
    started = time.monotonic()
    page.goto(tour_url)
    expect(page.locator(".kit-tour-step .kit-home-table")).to_be_visible(timeout=60_000)
    opened = time.monotonic() - started
    assert opened < 15, f"the tour took {opened:.1f} s to open"  # 5 s target: see the bench
    expect(page.locator(".kit-action-load-samples")).to_have_count(1)  # controls once

    space = Path(os.environ["ALIGNMENT_KIT_TRAINING_DIR"]) / "spaces" / "room-a"
    coachee = saved_samples(space)[TOUR_STAGE]
    name = EngagementRegistry(space).get(coachee).first_name
    links = {}
    for step in STEPS[:-1]:  # the analysis step is a program, not one coachee
        page.locator(".kit-tour-steps button", has_text=step.title).click()
        opener = page.locator(f".kit-tour-open-{step.key}")
        expect(opener).to_be_visible()
        links[step.key] = opener.get_attribute("href") or ""
    for key, link in links.items():
        assert "training=1&space=room-a" in link, key
        page.goto(f"{voila_server.url}/voila/render/{link}")
        expect(page.locator(".kit-app").first).to_contain_text(name, timeout=60_000)
        expect(page.locator(".kit-app").first).not_to_contain_text("registry")
        expect(page.locator(".kit-training-space")).to_contain_text("room-a")
