"""A workshop room in real browsers: two trainees, two spaces, no crossed wires."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.test_browser_prep import create_engagement
from tests.voila_server import VoilaServer, local_signed_in

pytestmark = pytest.mark.browser

PICKER_OPTIONS = ".kit-engagement-picker option"


def trainee_page(browser: Browser, server: VoilaServer) -> Page:
    """A browser of its own (own cookies), as each trainee's laptop would be."""
    return local_signed_in(browser.new_context().new_page(), server)


@pytest.fixture
def two_trainees(browser: Browser, voila_server: VoilaServer) -> Iterator[tuple[Page, Page]]:
    ana, ben = trainee_page(browser, voila_server), trainee_page(browser, voila_server)
    yield ana, ben
    ana.context.close()
    ben.context.close()


def enter_space(page: Page, server: VoilaServer, name: str) -> None:
    """First visit: the page asks for a space; the trainee types a name."""
    page.goto(f"{server.url}/voila/render/prep.ipynb?training=1")
    page.get_by_label("Your name or a short code").fill(name)
    page.locator(".kit-action-enter-space").click()
    expect(page.locator(".kit-engagement-picker select")).to_be_visible(timeout=60_000)
    expect(page.locator(".kit-training-space")).to_contain_text(name.lower())


def test_two_trainees_see_only_their_own_coachees_and_reset_only_their_own(
    two_trainees: tuple[Page, Page], voila_server: VoilaServer
):
    ana, ben = two_trainees
    enter_space(ana, voila_server, "Ana")
    enter_space(ben, voila_server, "Ben")
    assert "space=ana" in ana.url.lower() and "space=ben" in ben.url.lower()  # kept in the link

    ana.locator(".kit-action-load-samples").click()
    expect(ana.locator(".kit-training-message")).to_contain_text("Loaded 5 sample engagements")
    expect(ana.locator(PICKER_OPTIONS)).to_have_count(6)
    create_engagement(ben, voila_server, "Benjamin Own", "?training=1&space=ben")

    ana.reload()  # ana sees her samples, not ben's coachee
    expect(ana.locator(PICKER_OPTIONS)).to_have_count(6)
    expect(ana.locator(PICKER_OPTIONS, has_text="Benjamin")).to_have_count(0)
    ben.reload()
    expect(ben.locator(PICKER_OPTIONS)).to_have_count(2)

    ben.locator(".kit-action-reset-training").click()
    ben.locator(".kit-action-confirm").click()
    expect(ben.locator(".kit-training-message")).to_contain_text("Emptied your space “ben”")
    expect(ben.locator(PICKER_OPTIONS)).to_have_count(1)

    ana.reload()
    expect(ana.locator(PICKER_OPTIONS)).to_have_count(6)  # untouched by ben's reset
    # The home page's links keep ana in her space.
    ana.goto(f"{voila_server.url}/voila/render/home.ipynb?training=1&space=ana")
    first_link = ana.locator(".kit-home-table a").first
    expect(first_link).to_have_attribute("href", re.compile(r"training=1&space=ana"))
