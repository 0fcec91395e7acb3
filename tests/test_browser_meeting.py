"""The live meeting app in a real browser, run as a coach runs it during a call."""

from __future__ import annotations

import csv
import re
from datetime import date, datetime

import pytest
from playwright.sync_api import Page, expect

from tests.voila_server import VoilaServer
from widgets.instrument.yaml_loading import load_instrument
from widgets.store.records import Answer
from widgets.store.registry import EngagementRegistry
from widgets.store.responses import ResponseStore

pytestmark = pytest.mark.browser

VERSION = load_instrument().version
PRIVATE = {
    "off_limits": "OFFLIMITS-7431 the restructuring",
    "concerns": "CONCERN-7431 being interrupted",
    "concern_plan": "CONCERNPLAN-7431 a signal",
    "perception": "PERCEPTION-7431 future director",
    "mindset": "MINDSET-7431 guarded",
}


def prepare(server: VoilaServer, first_name: str, *, goals: str = "yes", meeting: int = 1) -> str:
    """An engagement with a submitted prep, written through the kit's own API."""
    eid = (
        EngagementRegistry(server.exports)
        .create(first_name=first_name, start_date=date(2026, 9, 1), program="Leaders")
        .engagement_id
    )
    prep = load_instrument().form("prep")
    values = {
        "success": "Hear how my manager sees my strengths",
        "asks": "feedback",
        "opening_lead": "coach",
        "closing_lead": "coachee",
        "closing_plan": "I thank them myself",
        # One line shares a word with an off-limits topic: held back, the other shown.
        "share_topics": "My projects\nHow the Restructuring went for me",
        "goal_alignment_ok": goals,
        "text_consent": "yes",
        **PRIVATE,
    }
    ResponseStore(server.exports).submit(
        engagement_id=eid,
        form="prep",
        meeting_number=meeting,
        answers=[Answer(prep.section_of(k).id, k, prep.item(k).type, v) for k, v in values.items()],
        instrument_version=VERSION,
    )
    return eid


def open_meeting(page: Page, server: VoilaServer, query: str = "") -> None:
    page.goto(f"{server.url}/voila/render/meeting.ipynb{query}")
    expect(page.locator(".kit-app")).to_be_visible(timeout=60_000)


def meeting_rows(server: VoilaServer, eid: str, number: int) -> dict[str, str]:
    with open(server.exports / "responses.csv", newline="", encoding="utf-8") as handle:
        return {
            r["item_id"]: r["value"]
            for r in csv.DictReader(handle)
            if r["engagement_id"] == eid
            and r["form"] == "meeting"
            and r["meeting_number"] == str(number)
        }


# What the shared screen must never say about what the coachee declined or said in the
# debrief, even in a collapsed coach note.
DECLINED_REASONS = ("agreed in prep", "skipped because", "leave it out", "declined")


def assert_nothing_private(page: Page) -> None:
    """No coachee_only text, no reason for a part left out, no debrief answer."""
    content = page.content()
    for secret in PRIVATE.values():
        assert secret not in content
    lowered = content.lower()
    for reason in DECLINED_REASONS:
        assert reason not in lowered, reason
    assert "go deeper" not in lowered and "debrief 1" not in lowered


def test_a_whole_first_meeting(kit_page: Page, voila_server: VoilaServer):
    page = kit_page
    eid = prepare(voila_server, "Noor")
    prepare(voila_server, "Quillon")  # another coachee on the same kit
    open_meeting(page, voila_server, f"?engagement={eid}&meeting=1")
    start = page.locator(".kit-action-start")
    expect(start).to_be_enabled()
    expect(page.locator(".kit-facilitator-card")).to_contain_text("Hear how my manager sees")
    expect(page.locator(".kit-facilitator-card")).to_contain_text("Noor, with the coach supporting")
    expect(page.locator(".kit-card-share_topics")).to_contain_text("My projects")
    expect(page.locator(".kit-card-share_topics")).not_to_contain_text("Restructuring")
    hint = page.locator(".kit-facilitator-card details.kit-coach-hint")
    expect(hint).to_contain_text("1 line held back (matches an off-limits topic)")
    assert hint.get_attribute("open") is None  # collapsed on the shared screen
    assert_nothing_private(page)
    assert "restructuring" not in page.content().lower()
    assert "Quillon" not in page.content()

    start.click()
    elapsed = page.locator(".kit-meeting-elapsed")
    page.locator(".kit-meeting-opening_thanks input").check()
    expect(page.locator(".kit-meeting-opening_thanks-time")).to_contain_text("ticked at")
    page.locator(".kit-meeting-opening_purpose input").check()
    expect(elapsed).not_to_have_text("0:00")  # the browser's tick refreshes the clock
    page.locator(".kit-action-next").click()

    notes = page.locator(".kit-meeting-strengths_best textarea")
    expect(notes).to_be_visible()
    expect(page.locator(".kit-meeting-strengths_best label")).to_contain_text("Noor")
    notes.fill('Led the launch, "calm" 🙂\nand kind')
    expect(page.locator(".kit-meeting-strengths_best_asked input")).to_be_checked()
    tip = page.locator(".kit-meeting-strengths_best-tip")
    expect(tip).to_be_hidden()
    page.locator(".kit-meeting-strengths_best-tip-toggle").click()
    expect(tip).to_be_visible()
    page.locator(".kit-meeting-strengths_superpower_asked input").check()
    expect(page.locator(".kit-status")).to_contain_text("Kept as you type")

    # A reload mid-meeting: same part, same notes, the clock carries on.
    page.reload()
    expect(notes).to_have_value('Led the launch, "calm" 🙂\nand kind', timeout=60_000)
    expect(page.locator(".kit-status")).to_contain_text("Restored the meeting in progress")
    expect(page.locator(".kit-meeting-strengths_superpower_asked input")).to_be_checked()
    shown = elapsed.inner_text()
    expect(elapsed).not_to_have_text(shown, timeout=15_000)

    page.locator(".kit-action-next").click()
    page.locator(".kit-meeting-insights_gift textarea").fill("Patience")
    page.locator(".kit-action-back").click()
    expect(notes).to_be_visible()
    page.locator(".kit-action-next").click()
    page.locator(".kit-action-next").click()
    page.locator(".kit-meeting-goals_notes textarea").fill("Delegation")
    page.locator(".kit-action-next").click()
    expect(page.locator(".kit-huddle-reminder")).to_be_visible()
    page.locator(".kit-meeting-close_anything_else input").check()
    page.locator(".kit-meeting-close_thanks_huddle input").check()
    expect(page.locator(".kit-meeting-close_thanks_huddle-time")).to_contain_text("ticked at")
    page.locator(".kit-action-end").click()
    page.locator(".kit-action-confirm-end").click()

    debrief = page.locator("a.kit-action-debrief")
    expect(debrief).to_be_visible()
    assert debrief.get_attribute("href") == f"debrief.ipynb?engagement={eid}&meeting=1"
    expect(page.locator(".kit-action-end")).to_be_disabled()
    assert_nothing_private(page)

    rows = meeting_rows(voila_server, eid, 1)
    assert rows["strengths_best"] == 'Led the launch, "calm" 🙂\nand kind'
    assert rows["strengths_best_asked"] == "yes" and rows["strengths_values_asked"] == "no"
    assert rows["insights_gift"] == "Patience" and rows["goals_notes"] == "Delegation"
    assert rows["goals_skipped"] == "no"
    start_at = datetime.fromisoformat(rows["meeting_started_at"])
    end_at = datetime.fromisoformat(rows["meeting_ended_at"])
    total = int(rows["meeting_seconds"])
    assert 0 < total < 300 and abs((end_at - start_at).total_seconds() - total) <= 1
    parts = ("opening", "strengths", "insights", "goals", "close")
    assert abs(sum(int(rows[f"{p}_seconds"]) for p in parts) - total) <= len(parts)
    assert rows["opening_started_at"] == rows["meeting_started_at"]
    assert rows["close_ended_at"] == rows["meeting_ended_at"]
    for checkpoint in ("opening_thanks", "opening_purpose", "close_thanks_huddle"):
        assert start_at <= datetime.fromisoformat(rows[checkpoint]) <= end_at
    assert rows["strengths_budget_seconds"] == "720"


def test_a_second_meeting_picked_from_the_list_shows_what_was_said_in_the_first(
    kit_page: Page, voila_server: VoilaServer
):
    page = kit_page
    eid = prepare(voila_server, "Ines", goals="no", meeting=2)
    prepare(voila_server, "Bartholomew")
    store = ResponseStore(voila_server.exports)
    store.submit(
        engagement_id=eid,
        form="meeting",
        meeting_number=1,
        answers=[
            Answer("strengths", "strengths_best", "prompt", "STRENGTH-NOTE ran the offsite"),
            Answer("insights", "insights_gift", "prompt", "GIFT-NOTE saying no"),
        ],
        instrument_version=VERSION,
    )
    store.submit(
        engagement_id=eid,
        form="debrief",
        meeting_number=1,
        answers=[Answer("next_session", "go_deeper", "choice", "yes")],
        instrument_version=VERSION,
    )
    open_meeting(page, voila_server)
    page.locator(".kit-meeting-meeting_number").get_by_text("Second meeting").click()
    select = page.locator(".kit-engagement-picker select")
    option = page.locator(".kit-engagement-picker option", has_text="Ines").first
    select.select_option(label=option.inner_text())
    expect(page.locator(".kit-meeting-current-engagement")).to_contain_text("Ines")
    expect(page.locator(".kit-meeting-current-engagement")).to_contain_text("second")
    expect(page.locator(".kit-action-start")).to_be_enabled()
    # The list of every coachee is closed, not hidden: a shared screen shows no other name.
    expect(page.locator(".kit-engagement-picker")).to_have_count(0)
    assert "Bartholomew" not in page.content()
    # Goals declined in prep: the part is simply absent, named only in the coach note.
    expect(page.locator(".kit-meeting-agenda ol")).not_to_contain_text("Coaching goals")
    expect(page.locator(".kit-meeting-agenda .kit-coach-hint")).to_have_count(1)
    assert_nothing_private(page)
    page.locator(".kit-action-start").click()
    page.locator(".kit-action-next").click()
    progress = page.locator(".kit-meeting-followup_progress-earlier")
    expect(progress).to_contain_text("GIFT-NOTE saying no")
    # The debrief is the coachee's and the coach's: meeting 2 never shows its answers.
    expect(progress).not_to_contain_text("go deeper")
    expect(progress).not_to_contain_text("Debrief")
    expect(page.locator(".kit-meeting-followup_changes-earlier")).to_contain_text("STRENGTH-NOTE")
    page.locator(".kit-meeting-followup_progress textarea").fill("Says no more often")
    page.locator(".kit-action-next").click()
    page.locator(".kit-meeting-close_thanks_huddle input").check()
    page.locator(".kit-action-end").click()
    page.locator(".kit-action-confirm-end").click()
    expect(page.locator("a.kit-action-debrief")).to_have_attribute(
        "href", re.compile(rf"debrief\.ipynb\?engagement={eid}&meeting=2$")
    )
    assert_nothing_private(page)
    rows = meeting_rows(voila_server, eid, 2)
    assert rows["followup_progress"] == "Says no more often"
    assert rows["followup_progress_asked"] == "yes"
    assert rows["goals_skipped"] == "yes" and "goals_started_at" not in rows
    assert "strengths_seconds" not in rows
    total = int(rows["meeting_seconds"])
    parts = ("opening", "followup", "close")
    assert abs(sum(int(rows[f"{p}_seconds"]) for p in parts) - total) <= len(parts)


def in_viewport(page: Page, selector: str) -> bool:
    """Whether the element is wholly inside the window as it is scrolled now."""
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    assert box is not None and size is not None, selector
    return (
        box["y"] >= 0
        and box["y"] + box["height"] <= size["height"]
        and box["x"] >= 0
        and box["x"] + box["width"] <= size["width"]
    )


def test_on_a_laptop_the_bar_stays_in_view_while_notes_are_typed(
    kit_page: Page, voila_server: VoilaServer
):
    page = kit_page
    page.set_viewport_size({"width": 1366, "height": 768})
    eid = prepare(voila_server, "Odile")
    open_meeting(page, voila_server, f"?engagement={eid}&meeting=1")
    page.locator(".kit-action-start").click()
    end, clock = page.locator(".kit-action-end"), page.locator(".kit-meeting-clock")
    next_part = page.locator(".kit-action-next")
    expect(end).to_be_enabled()
    expect(page.locator(".kit-phase-running")).to_have_count(1)  # the running layout is on

    def across() -> list[tuple[float, float]]:
        """Where each sits across the bar (the page above it may grow as it runs)."""
        boxes = [box.bounding_box() for box in (end, clock, next_part)]
        return [(b["x"], b["width"]) for b in boxes if b is not None]

    first_part = across()
    page.locator(".kit-action-next").click()
    bar = ".kit-presenter-bar"
    expect(page.locator(bar)).to_contain_text("Strengths")
    # Back appearing does not shift the bar: every button stays where the pointer left it.
    expect(page.locator(".kit-action-back")).to_be_enabled()
    assert across() == first_part and len(first_part) == 3
    expect(page.locator(bar)).to_contain_text("left of 12:00")
    expect(page.locator(bar)).to_contain_text("Meeting left")
    # The bar and the part's first two questions, large, without scrolling.
    for selector in (
        bar,
        ".kit-meeting-strengths_best textarea",
        ".kit-meeting-strengths_impact textarea",
    ):
        expect(page.locator(selector)).to_be_visible()  # the part is drawn, then measured
        assert in_viewport(page, selector), selector
    label = page.locator(".kit-meeting-strengths_best label").first
    assert float(label.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 20
    expect(page.locator(".kit-meeting-strengths_best-tip")).to_be_hidden()  # tips on demand
    # Every notes box shows its whole frame: none runs past the column that holds it.
    cut = page.evaluate(
        """() => [...document.querySelectorAll('.kit-meeting-sections textarea')]
        .filter(t => t.getBoundingClientRect().width > 0)
        .filter(t => {
            let box = t.parentElement;
            while (box && getComputedStyle(box).overflow === 'visible') box = box.parentElement;
            return box && t.getBoundingClientRect().right > box.getBoundingClientRect().right;
        }).length"""
    )
    assert cut == 0, f"{cut} notes boxes have their right edge cut off"

    last = page.locator(".kit-meeting-strengths_superpower textarea")
    last.click()
    last.press_sequentially("Seeing the pattern in a mess\n" * 8)
    expect(last).to_have_value(re.compile("Seeing the pattern"))
    assert page.evaluate("document.querySelector('.lm-BoxPanel-child').scrollTop") > 0
    assert in_viewport(page, bar)
    assert in_viewport(page, ".kit-action-next")
    expect(page.locator(".kit-status")).to_contain_text("Kept as you type")

    # Next, and Back from the bottom of a part's notes: the part now running is shown
    # from its title, just under the bar, and the keyboard stays on the button pressed.
    def shown_from_its_title(section: str) -> None:
        page.wait_for_function(
            """(section) => {
                const t = document.querySelector(`.kit-meeting-section-${section} h3`);
                const b = document.querySelector('.kit-presenter-bar');
                const top = t ? t.getBoundingClientRect().top : -1;
                return top >= b.getBoundingClientRect().bottom && top < window.innerHeight / 2;
            }""",
            arg=section,
        )

    page.locator(".kit-action-next").focus()
    page.keyboard.press("Enter")
    expect(page.locator(bar)).to_contain_text("Deeper insights")
    shown_from_its_title("insights")
    assert page.evaluate("document.activeElement.classList.contains('kit-action-next')")
    page.locator(".kit-meeting-section-insights textarea").last.scroll_into_view_if_needed()
    page.locator(".kit-action-back").focus()
    page.keyboard.press("Enter")
    expect(page.locator(bar)).to_contain_text("Strengths")
    shown_from_its_title("strengths")
    assert page.evaluate("document.activeElement.classList.contains('kit-action-back')")


def test_end_asks_first_a_part_can_be_extended_and_the_end_leads_to_the_debrief(
    kit_page: Page, voila_server: VoilaServer
):
    page = kit_page
    page.set_viewport_size({"width": 1366, "height": 768})
    eid = prepare(voila_server, "Pavel")
    open_meeting(page, voila_server, f"?engagement={eid}&meeting=1")
    page.locator(".kit-action-start").click()
    part = page.locator(".kit-meeting-clock .kit-clock-part")
    expect(part).to_contain_text("left of 3:00")
    page.locator(".kit-action-extend-1").click()
    expect(part).to_contain_text("left of 4:00 (+1:00 added)")
    expect(part.locator(".kit-part-left")).to_have_text(re.compile(r"^3:5\d$"))
    expect(page.locator(".kit-meeting-agenda .kit-agenda-opening")).to_contain_text("4:00")
    page.reload()  # the extension is in the draft
    expect(part).to_contain_text("(+1:00 added)", timeout=60_000)

    # One click on End only asks; "Keep going" carries on with nothing ended.
    page.locator(".kit-action-end").click()
    confirm = page.locator(".kit-meeting-confirm-end")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("End the meeting for good?")
    page.locator(".kit-action-keep-going").click()
    expect(confirm).to_be_hidden()
    expect(page.locator("a.kit-action-debrief")).to_have_count(0)
    expect(page.locator(".kit-action-end")).to_be_enabled()
    expect(page.locator(".kit-action-end button, button.kit-action-end").first).to_be_focused()
    assert meeting_rows(voila_server, eid, 1) == {}

    page.locator(".kit-action-next").click()
    page.locator(".kit-meeting-strengths_values textarea").fill("Lives the values")
    page.mouse.wheel(0, 3000)
    page.locator(".kit-action-end").click()
    page.locator(".kit-action-confirm-end").click()
    debrief = page.locator("a.kit-action-debrief")
    expect(debrief).to_be_visible()
    assert in_viewport(page, "a.kit-action-debrief")  # the next step, first on screen
    expect(debrief).to_be_focused()  # and the keyboard on it, not back at the top
    clock = page.locator(".kit-meeting-clock")
    expect(clock).to_contain_text("Finished")
    expect(clock).not_to_contain_text("left")
    rows = meeting_rows(voila_server, eid, 1)
    assert rows["opening_extended_seconds"] == "60"
    assert rows["opening_budget_seconds"] == "180"
    assert rows["strengths_extended_seconds"] == "0"
    assert rows["strengths_values"] == "Lives the values"
