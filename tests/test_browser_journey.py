"""A coach's whole journey in a real browser: home, prep, meeting, debrief, summary, home.

The first journey drives every page, the live meeting included. The second writes its
meeting rows through the store, exactly as the live meeting app saves them, and opens
the debrief from the link the meeting's End button gives.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from playwright.sync_api import Locator, Page, expect

from tests.voila_server import VoilaServer
from widgets.instrument.yaml_loading import load_instrument
from widgets.store.records import Answer
from widgets.store.registry import EngagementRegistry
from widgets.store.responses import ResponseStore

pytestmark = pytest.mark.browser

PAGE_READY = 60_000


def open_home(page: Page, server: VoilaServer) -> None:
    page.goto(f"{server.url}/voila/render/home.ipynb")
    expect(page.locator(".kit-home-search input")).to_be_visible(timeout=PAGE_READY)


def row(page: Page, eid: str) -> Locator:
    return page.locator(f".kit-home-row[data-engagement='{eid}']")


def save_meeting(server: VoilaServer, eid: str, number: int, notes: dict[str, str]) -> None:
    """Meeting rows under the codebook's names, as the live meeting app writes them."""
    answers = [Answer("opening", "opening_thanks", "checkpoint", "2026-10-20T09:01:00+00:00")]
    for item_id, text in notes.items():
        section = item_id.split("_")[0]
        answers.append(Answer(section, item_id, "prompt", text))
        answers.append(Answer(section, f"{item_id}_asked", "yes_no", "yes"))
    answers += [
        Answer("meeting", "meeting_started_at", "timestamp", "2026-10-20T09:00:00+00:00"),
        Answer("meeting", "meeting_ended_at", "timestamp", "2026-10-20T09:31:00+00:00"),
        Answer("meeting", "meeting_seconds", "seconds", "1860"),
    ]
    ResponseStore(server.exports).submit(
        engagement_id=eid,
        form="meeting",
        meeting_number=number,
        answers=answers,
        instrument_version=load_instrument().version,
    )


def fill_debrief(page: Page) -> None:
    expect(page.locator(".kit-debrief-clock")).to_contain_text("press Start", timeout=PAGE_READY)
    page.locator(".kit-action-start-clock").click()
    clock = page.locator(".kit-debrief-clock")
    expect(clock).to_contain_text("left of 15 min")
    expect(clock).not_to_have_text(clock.inner_text())  # it ticks on its own
    page.locator(".kit-action-submit").click()
    expect(page.locator(".kit-submit-message")).to_contain_text("need attention")
    expect(page.locator(".kit-message-debrief-feeling")).to_contain_text("required")
    page.locator(".kit-debrief-feeling button", has_text="4").click()
    page.locator(".kit-debrief-stood_out_coachee textarea").fill("PRIVATE first reaction")
    page.locator(".kit-debrief-use_of_info textarea").fill("Ask for one stretch project")
    page.locator(".kit-debrief-priorities_change").get_by_text("Yes", exact=True).click()
    page.locator(".kit-debrief-priorities_note textarea").fill("Visibility before delegation")
    page.locator(".kit-debrief-go_deeper").get_by_text("Yes", exact=True).click()
    expect(page.locator(".kit-message-debrief-feeling")).to_be_hidden()
    page.locator(".kit-action-submit").click()
    expect(page.locator(".kit-submit-message")).to_contain_text("Saved on")
    expect(page.locator(".kit-summary")).to_be_visible()


def untick_and_download(page: Page, line_key: str, link_class: str, tmp_path: Path) -> str:
    """Untick one summary line, wait for the links to follow, download, return the text."""
    note = page.locator(".kit-summary-downloads .kit-summary-note")
    counted = re.search(r"(\d+) of (\d+) line", note.inner_text())
    assert counted, note.inner_text()
    total = int(counted.group(2))
    expect(note).to_contain_text(f"{total} of {total} line")
    page.locator(f".kit-summary-line-{line_key} input").uncheck()
    expect(note).to_contain_text(f"{total - 1} of {total} line")
    with page.expect_download() as info:
        page.locator(f".{link_class}").click()
    download = info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    return target.read_text(encoding="utf-8")


def test_first_meeting_journey(kit_page: Page, voila_server: VoilaServer, tmp_path: Path):
    page = kit_page
    # The live meeting stamps today's date: start a month ago, so it falls in month 2.
    today = date.today()
    started = today - relativedelta(months=1)
    open_home(page, voila_server)

    # A new engagement, created on the home page.
    page.locator(".kit-engagement-first_name input").fill("Hana")
    page.locator(".kit-engagement-program input").fill("Leaders 2026")
    page.locator(".kit-engagement-cohort input").fill("Journey")
    page.locator(".kit-engagement-start_date input").fill(started.isoformat())
    page.locator(".kit-action-create-engagement").click()
    expect(page.locator(".kit-picker-message")).to_contain_text("Created an engagement for Hana.")
    eid_text = page.locator(".kit-home-row", has_text="Hana").get_attribute("data-engagement")
    assert eid_text and re.fullmatch(r"e-[0-9a-f]{12}", eid_text)
    expect(row(page, eid_text).locator(".kit-step-checklist")).to_contain_text("not started")
    expect(row(page, eid_text)).to_contain_text("Hana")

    # Prep, opened from home, filled and submitted.
    row(page, eid_text).locator(".kit-action-open-prep").click()
    expect(page.locator(".kit-prep-success textarea")).to_be_visible(timeout=PAGE_READY)
    assert f"engagement={eid_text}" in page.url
    page.locator(".kit-checklist-success_defined input").check()
    page.locator(".kit-checklist-meeting_date input").fill(today.isoformat())
    page.locator(".kit-prep-success textarea").fill("I know how my manager sees my strengths")
    page.locator(".kit-prep-asks-priorities input").check()
    page.locator(".kit-prep-asks-support input").check()
    page.locator(".kit-prep-off_limits textarea").fill("Team restructuring")
    page.locator(".kit-prep-opening_lead").get_by_text("You lead, with the coach").click()
    page.locator(".kit-prep-closing_lead").get_by_text("The coach closes").click()
    page.locator(".kit-prep-goal_alignment_ok").get_by_text("Yes", exact=True).click()
    page.locator(".kit-prep-text_consent").get_by_text("No", exact=True).click()
    page.locator(".kit-action-submit").click()
    expect(page.locator(".kit-submit-message")).to_contain_text("Saved on")

    # The live meeting, opened with the link the home page gives, ended by its End button.
    page.goto(f"{voila_server.url}/voila/render/meeting.ipynb?engagement={eid_text}&meeting=1")
    start = page.locator(".kit-action-start")
    expect(start).to_be_enabled(timeout=PAGE_READY)
    start.click()
    page.locator(".kit-action-next").click()
    page.locator(".kit-meeting-strengths_best textarea").fill("Led the launch with calm")
    page.locator(".kit-meeting-strengths_impact textarea").fill(
        "Steady during the team restructuring"
    )
    page.locator(".kit-meeting-strengths_superpower textarea").fill("SUPERPOWER seeing patterns")
    page.locator(".kit-action-next").click()
    page.locator(".kit-meeting-insights_blindspot textarea").fill("BLINDSPOT undersells own work")
    expect(page.locator(".kit-status")).to_contain_text("Kept as you type")
    page.locator(".kit-action-end").click()
    page.locator(".kit-action-confirm-end").click()

    # The debrief, from the meeting's own link.
    page.locator("a.kit-action-debrief").click()
    fill_debrief(page)
    expect(page.locator(".kit-summary")).to_contain_text("Led the launch with calm")

    markdown = untick_and_download(page, "strengths_superpower", "kit-action-download-md", tmp_path)
    assert tmp_path.joinpath(f"summary-{eid_text}.md").exists()
    assert "I know how my manager sees my strengths" in markdown
    assert "Led the launch with calm" in markdown
    assert "Visibility before delegation" in markdown
    assert "Alignment on your coaching priorities" in markdown
    for absent in ("SUPERPOWER", "restructuring", "BLINDSPOT", "PRIVATE first reaction"):
        assert absent not in markdown
    with page.expect_download() as info:
        page.locator(".kit-action-download-html").click()
    page_html = Path(info.value.path()).read_text(encoding="utf-8")
    assert "Led the launch with calm" in page_html and "SUPERPOWER" not in page_html

    # Home shows each step of the first meeting done, and the summary link.
    open_home(page, voila_server)
    done = row(page, eid_text)
    for step in ("checklist", "prep", "meeting-1", "debrief-1"):
        expect(done.locator(f".kit-step-{step} .kit-step-state")).to_have_text("done")
    expect(done.locator(".kit-step-prep-2")).to_contain_text("not started")
    expect(done.locator(".kit-home-timing")).to_contain_text("Meeting 1 held")
    expect(done.locator(".kit-home-timing")).to_contain_text("month 2, in the window")
    expect(done.locator(".kit-action-open-summary-1")).to_be_visible()

    # The summary opened again from home is as the coachee left it.
    done.locator(".kit-action-open-summary-1").click()
    expect(page.locator(".kit-summary")).to_contain_text("Led the launch with calm")
    expect(page.locator(".kit-summary-line-strengths_best input")).to_be_checked()
    expect(page.locator(".kit-summary-line-strengths_superpower input")).not_to_be_checked()


def test_second_meeting_journey(kit_page: Page, voila_server: VoilaServer, tmp_path: Path):
    page = kit_page
    registry = EngagementRegistry(voila_server.exports)
    engagement = registry.create(
        first_name="Idris", start_date=date(2026, 3, 1), program="Leaders 2026", cohort="Later"
    )
    eid = engagement.engagement_id
    store = ResponseStore(voila_server.exports)
    version = load_instrument().version
    store.submit(
        engagement_id=eid,
        form="prep",
        meeting_number=2,
        answers=[
            Answer("success", "success", "long_text", "A plan for after coaching"),
            Answer("ground_rules", "off_limits", "long_text", "Salary talks"),
        ],
        instrument_version=version,
    )
    save_meeting(
        voila_server,
        eid,
        2,
        {
            "followup_progress": "Runs the weekly review alone now",
            "followup_plan": "Monthly check-ins with the manager",
            "followup_challenges": "CHALLENGE with the other team lead",
        },
    )

    # Opened from the link the meeting's End button gives.
    page.goto(f"{voila_server.url}/voila/render/debrief.ipynb?engagement={eid}&meeting=2")
    expect(page.locator(".kit-debrief-meeting_number")).to_contain_text("Second meeting")
    fill_debrief(page)
    summary = page.locator(".kit-summary")
    expect(summary).to_contain_text("What your manager has seen since the first meeting")
    expect(summary).to_contain_text("Runs the weekly review alone now")
    expect(summary).not_to_contain_text("CHALLENGE")

    markdown = untick_and_download(page, "followup_plan", "kit-action-download-md", tmp_path)
    assert "Runs the weekly review alone now" in markdown
    assert "A plan for after coaching" in markdown
    assert "Monthly check-ins" not in markdown and "CHALLENGE" not in markdown
    assert "second alignment meeting" in markdown

    # Home: found among the others by the search box, with the second debrief done.
    open_home(page, voila_server)
    page.locator(".kit-home-search input").fill("idris")
    expect(page.locator(".kit-home-row")).to_have_count(1)
    found = row(page, eid)
    expect(found.locator(".kit-step-prep-2 .kit-step-state")).to_have_text("done")
    expect(found.locator(".kit-step-meeting-2 .kit-step-state")).to_have_text("done")
    expect(found.locator(".kit-step-debrief-2 .kit-step-state")).to_have_text("done")
    expect(found.locator(".kit-step-debrief-1")).to_contain_text("not started")
    expect(found.locator(".kit-action-open-summary-2")).to_be_visible()
