"""Projector view in a real browser, as a room sees it: 1280x720 at 150 % zoom, so a CSS
viewport of 853x480 at device scale 1.5.

Every page a trainer shows (home with the sample engagements, prep, a meeting under
way, debrief, summary, the tour, the analysis) must fit the width without sideways
scrolling, read at 20 px or more, offer 44 px targets, pass axe with the enhanced
(7:1) contrast rule, and show no jargon. One space and one browser page serve the
whole module, so it costs a page load per page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.voila_server import VoilaServer, local_signed_in
from widgets.shell.context import space_dir
from widgets.training.samples import replace_with_samples

pytestmark = pytest.mark.browser

SPACE = "projector"
PAGE_READY = 60_000
JARGON = re.compile(
    r"\brev(ision)?s?\b|\be-[0-9a-f]{12}\b|(/[\w.-]+){2,}|\.(csv|ipynb|py|yaml|json)\b"
    r"|\b[a-z]+_[a-z0-9_]+\b|python -m|\bdrafts?\b",
    re.IGNORECASE,
)

# Everything a trainee reads: the page's text and the words of visible tooltips,
# placeholders and labels.
_SHOWN_TEXT = """() => {
  const out = [document.body.innerText];
  for (const el of document.querySelectorAll('[title], [placeholder], [aria-label]')) {
    if (el.offsetParent === null) continue;
    for (const name of ['title', 'placeholder', 'aria-label']) {
      const value = el.getAttribute(name);
      if (value && value !== 'null') out.push(value);
    }
  }
  return out.join('\\n');
}"""
# Sideways scrolling anywhere: the document, or any box that scrolls (or clips) its
# content; Voila's page scrolls inside #rendered_cells, not the document.
_SIDEWAYS = """() => {
  const found = [];
  const root = document.documentElement;
  if (root.scrollWidth > window.innerWidth) found.push(['document', root.scrollWidth]);
  for (const el of document.querySelectorAll('#rendered_cells, #rendered_cells *')) {
    if (el.offsetParent === null || el.scrollWidth <= el.clientWidth + 1) continue;
    const style = getComputedStyle(el);
    if (['auto', 'scroll'].includes(style.overflowX) || el.id === 'rendered_cells')
      found.push([el.className.toString().slice(0, 80), el.scrollWidth, el.clientWidth]);
  }
  return found;
}"""
# Visible controls shorter than a 44 px target.
_SMALL_TARGETS = """() => [...document.querySelectorAll(`.kit-present :is(button, input[type=text],
    input[type=date], input[type=number], select:not([multiple]), a.kit-action-present)`)]
  .filter(el => el.offsetParent !== null && getComputedStyle(el).display !== 'none')
  .map(el => [el.outerHTML.slice(0, 90), Math.round(el.getBoundingClientRect().height)])
  .filter(([, height]) => height < 44)"""


@pytest.fixture(scope="module")
def samples(voila_server: VoilaServer) -> dict[str, str]:
    """Five sample coachees in the module's space, as the banner's button loads them."""
    root = space_dir(SPACE)
    loaded = {s.stage: s.engagement.engagement_id for s in replace_with_samples(root)}
    # The tour writes a made-up program of its own in the background; its analysis step
    # is not opened here, so an empty folder spares the machine that work.
    (root / "program").mkdir(exist_ok=True)
    return loaded


@pytest.fixture(scope="module")
def room(browser: Browser, voila_server: VoilaServer) -> Iterator[Page]:
    """One browser page at the room's size, signed in, talking only to the server."""
    context = browser.new_context(viewport={"width": 853, "height": 480}, device_scale_factor=1.5)
    yield local_signed_in(context.new_page(), voila_server)
    context.close()


def _path(name: str, samples: dict[str, str]) -> str:
    query = f"training=1&space={SPACE}&present=1"
    done = f"{query}&engagement={samples['debriefed']}&meeting=1"
    one = {
        "prep": f"prep.ipynb?{query}&engagement={samples['prepared']}&meeting=1",
        "meeting running": f"meeting.ipynb?{query}&engagement={samples['meeting_live']}&meeting=1",
        "debrief": f"debrief.ipynb?{done}",
        "summary": f"debrief.ipynb?{done}&view=summary",
    }
    whole = {"home": "home.ipynb", "tour": "walkthrough.ipynb", "analysis": "analysis.ipynb"}
    return one.get(name) or f"{whole[name]}?{query}"


def open_page(page: Page, server: VoilaServer, path: str) -> None:
    page.goto(f"{server.url}/voila/render/{path}")
    expect(page.locator(".kit-present").first).to_be_visible(timeout=PAGE_READY)


def _axe_over_the_whole_page(page: Page):
    """axe with the 7:1 rule on, run once the window is as tall as the page: axe judges
    contrast only for what is on screen, and the page scrolls inside Voila's own box."""
    height = page.evaluate("document.querySelector('#rendered_cells').scrollHeight")
    page.set_viewport_size({"width": 853, "height": min(int(height), 8000)})
    try:
        return Axe().run(page, options={"rules": {"color-contrast-enhanced": {"enabled": True}}})
    finally:
        page.set_viewport_size({"width": 853, "height": 480})


READY = {
    "home": ".kit-home-row",
    "prep": ".kit-prep-success textarea",
    "meeting running": ".kit-action-end",
    "debrief": ".kit-debrief-feeling",
    "summary": ".kit-summary-links a",
    "tour": ".kit-tour-step .kit-home-row",
    "analysis": ".widget-tab .kit-table",
}


@pytest.mark.parametrize("name", list(READY))
def test_every_page_reads_from_the_back_of_the_room(
    room: Page, voila_server: VoilaServer, samples: dict[str, str], name: str
):
    open_page(room, voila_server, _path(name, samples))
    expect(room.locator(READY[name]).first).to_be_visible(timeout=PAGE_READY)

    assert room.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert room.evaluate(_SIDEWAYS) == [], f"{name}: scrolls sideways"
    size = room.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.kit-present')).fontSize)"
    )
    assert size >= 20, f"{name}: base type {size} px"
    button = room.locator(".kit-present button.jupyter-button:visible").first.bounding_box()
    assert button is not None and button["height"] >= 44
    assert room.evaluate(_SMALL_TARGETS) == [], f"{name}: targets under 44 px"

    results = _axe_over_the_whole_page(room)
    found = [
        f"{v['impact']} {v['id']}: "
        + repr([(n["target"], n.get("failureSummary", "")[:160]) for n in v["nodes"][:3]])
        for v in results.response["violations"]
        if v["impact"] in ("critical", "serious") or v["id"] == "color-contrast-enhanced"
    ]
    assert found == [], f"{name}:\n" + "\n".join(found)

    shown = room.evaluate(_SHOWN_TEXT)
    jargon = sorted({m.group(0) for m in JARGON.finditer(shown)})
    assert jargon == [], f"{name}: {jargon}"


def test_the_switch_turns_it_on_and_off_and_in_app_links_keep_it(
    room: Page, voila_server: VoilaServer, samples: dict[str, str]
):
    eid = samples["prepared"]
    page = room
    page.goto(
        f"{voila_server.url}/voila/render/prep.ipynb?training=1&space={SPACE}&engagement={eid}"
    )
    switch = page.get_by_role("link", name="Projector view: off")
    expect(switch).to_be_visible(timeout=PAGE_READY)
    expect(page.locator(".kit-present")).to_have_count(0)

    switch.click()
    expect(page.locator(".kit-present").first).to_be_visible(timeout=PAGE_READY)
    assert re.search(rf"engagement={eid}.*present=1", page.url), page.url
    page.get_by_role("link", name="← All engagements").click()  # an in-app link keeps it
    expect(page.locator(".kit-present.kit-home-app")).to_be_visible(timeout=PAGE_READY)
    assert "present=1" in page.url and f"space={SPACE}" in page.url
    page.locator(f".kit-home-row[data-engagement='{eid}'] a.kit-action-open-prep").click()
    expect(page.locator(".kit-present .kit-prep-success textarea")).to_be_visible(
        timeout=PAGE_READY
    )
    assert "present=1" in page.url

    page.get_by_role("link", name="Projector view: on").click()
    expect(page.get_by_role("link", name="Projector view: off")).to_be_visible(timeout=PAGE_READY)
    expect(page.locator(".kit-present")).to_have_count(0)
    assert "present" not in page.url
    assert f"engagement={eid}" in page.url and "training=1" in page.url
