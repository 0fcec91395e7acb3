"""Every page and the meeting's key states as PNGs, to look at before and after a change.

    make screenshots            (or: .venv/bin/python bench/screenshots.py [--out DIR])

Starts the kit's own server (``python -m widgets.server``, as ``make run`` does) on a
made-up program in a temporary folder, signs a headless Chromium in, and saves what
a coach sees in the window, at 1366x768 (a laptop sharing its screen) and 1920x1080,
and in projector view (``present=1``) on a 1280x720 projector at 150 % zoom (853x480 at
scale 1.5, files ``projector-…``), into ``screenshots/`` (git-ignored): home; prep;
the meeting not started, mid-part, in a part's last minute, over time and just ended
(End pressed and confirmed, from the bottom of the page, as in a real meeting); the
debrief; the coachee's summary.

The running states are drafts written in the meeting's own format with their start
moved back in time, so the real page restores them on the real clock. Nothing here
touches exports/ or $HOME; the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from tests.voila_server import CHROMIUM, CHROMIUM_ARGS, VoilaServer, isolate_home  # noqa: E402
from widgets.apps.meeting.drafts import MeetingDraft, save_meeting_draft  # noqa: E402
from widgets.apps.meeting.timer import MeetingTimer, PlannedSection  # noqa: E402
from widgets.instrument.yaml_loading import load_instrument  # noqa: E402
from widgets.store.drafts import DraftStore  # noqa: E402
from widgets.store.records import Answer  # noqa: E402
from widgets.store.registry import EngagementRegistry  # noqa: E402
from widgets.store.responses import ResponseStore  # noqa: E402

# (file prefix, width, height, device scale, projector view)
SIZES = (
    ("1366x768", 1366, 768, 1.0, False),
    ("1920x1080", 1920, 1080, 1.0, False),
    ("projector", 853, 480, 1.5, True),
)
INSTRUMENT = load_instrument()
PREP = {
    "success": "I hear, in my manager's words, where I add the most value",
    "asks": "feedback;strengths_opportunities",
    "share_topics": "My strengths, the team offsite, how I run planning",
    "off_limits": "The reorganisation",
    "opening_lead": "coach",
    "opening_plan": "The coach opens and says why we are here",
    "closing_lead": "coachee",
    "closing_plan": "I thank my manager myself",
    "goal_alignment_ok": "yes",
    "text_consent": "yes",
}
NOTES = {
    "strengths_best": "The Q3 launch: kept the team calm when the supplier dropped out, "
    "re-planned in a day.",
    "strengths_impact": "Cross-team planning; people bring her their hardest trade-offs.",
}
DEBRIEF = {
    "feeling": "4",
    "stood_out_coachee": "How specific the praise for the launch was",
    "stood_out_coach": "The manager sees delegation as the next step",
    "use_of_info": "Ask for one stretch project this quarter",
    "priorities_change": "yes",
    "go_deeper": "yes",
}


def answers(form_id: str, values: dict[str, str]) -> list[Answer]:
    form = INSTRUMENT.form(form_id)
    return [Answer(form.section_of(k).id, k, form.item(k).type, v) for k, v in values.items()]


def engagement(exports: Path, name: str, *, debrief: bool = False) -> str:
    """A made-up engagement with its prep saved (and its meeting and debrief, if asked)."""
    eid = (
        EngagementRegistry(exports)
        .create(first_name=name, start_date=date(2026, 9, 1), program="Leaders 2026")
        .engagement_id
    )
    store = ResponseStore(exports)
    version = INSTRUMENT.version
    store.submit(
        engagement_id=eid,
        form="prep",
        meeting_number=1,
        answers=answers("prep", PREP),
        instrument_version=version,
    )
    if debrief:
        store.submit(
            engagement_id=eid,
            form="meeting",
            meeting_number=1,
            answers=answers("meeting", NOTES),
            instrument_version=version,
        )
        store.submit(
            engagement_id=eid,
            form="debrief",
            meeting_number=1,
            answers=answers("debrief", DEBRIEF),
            instrument_version=version,
        )
    return eid


def running_meeting(exports: Path, eid: str, *, opening: int, in_strengths: int) -> None:
    """A meeting whose opening took ``opening`` s; strengths runs since ``in_strengths`` s."""
    form = INSTRUMENT.form("meeting")
    plan = [PlannedSection(s.id, s.title, s.budget_seconds or 0) for s in form.sections_for(1)]
    now = datetime.now(timezone.utc)
    moment = [now - timedelta(seconds=opening + in_strengths)]
    timer = MeetingTimer(
        plan, total_seconds=(form.total_minutes or 30) * 60, clock=lambda: moment[0]
    )
    timer.start()
    moment[0] += timedelta(seconds=opening)
    timer.next()
    draft = MeetingDraft(
        timer=timer.to_dict(), notes=NOTES, asked={k: True for k in NOTES}, ticks={}
    )
    save_meeting_draft(DraftStore(exports), eid, 1, draft)


def meeting_ended(page: Page) -> None:
    """End from the bottom of the page, confirmed, as a coach would after the close."""
    page.locator(".kit-meeting-strengths_values textarea").click()
    page.keyboard.press("End")
    page.mouse.wheel(0, 4000)
    page.locator(".kit-action-end").click()
    page.locator(".kit-action-confirm-end").click()
    expect(page.locator("a.kit-action-debrief")).to_be_visible()


def summary(page: Page) -> None:
    page.get_by_role("button", name="Prepare the coachee's summary").click()
    expect(page.locator(".kit-summary")).to_be_visible()
    page.locator(".kit-summary").scroll_into_view_if_needed()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "screenshots")
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    sandbox = Path(tempfile.mkdtemp(prefix="kit-screenshots-"))
    try:
        isolate_home(sandbox)
        exports = sandbox / "exports"
        exports.mkdir()
        server = VoilaServer(repo=REPO, exports=exports)
        shots = plan_shots(exports)
        server.start()
        try:
            take(server, shots, out)
        finally:
            server.stop()
    finally:
        shutil.rmtree(sandbox, ignore_errors=True)
    print(f"Screenshots in {out}")


# (file name, notebook, query, what to do on the page before the picture, what to write
# just before opening it: a running meeting's draft, so its clock is right on arrival).
Shot = tuple[str, str, str, Callable[[Page], None] | None, Callable[[], None] | None]


def plan_shots(exports: Path) -> list[Shot]:
    """(file name, page, query, action before the picture) for every state, per size."""
    states = {
        "mid-part": (180, 300),  # strengths 5:00 into its 12:00
        "last-minute": (180, 680),  # 0:40 left
        "over-time": (400, 1000),  # 4:40 over, the meeting behind
    }
    shots: list[Shot] = [("home", "home.ipynb", "", None, None)]
    waiting = engagement(exports, "Noor")
    query = f"?engagement={waiting}&meeting=1"
    shots.append(("prep", "prep.ipynb", query, None, None))
    shots.append(("meeting-not-started", "meeting.ipynb", query, None, None))
    for index, (state, (opening, in_strengths)) in enumerate(states.items()):
        eid = engagement(exports, ("Amara", "Jonas", "Priya")[index])

        def write(eid: str = eid, opening: int = opening, in_strengths: int = in_strengths) -> None:
            running_meeting(exports, eid, opening=opening, in_strengths=in_strengths)

        shots.append(
            (f"meeting-{state}", "meeting.ipynb", f"?engagement={eid}&meeting=1", None, write)
        )
    done = engagement(exports, "Tomas", debrief=True)
    query = f"?engagement={done}&meeting=1"
    shots.append(("debrief", "debrief.ipynb", query, None, None))
    shots.append(("summary", "debrief.ipynb", query, summary, None))
    return shots


def take(server: VoilaServer, shots: list[Shot], out: Path) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for prefix, width, height, scale, present in SIZES:
            context = browser.new_context(
                viewport={"width": width, "height": height}, device_scale_factor=scale
            )
            page = context.new_page()
            page.route(
                "**/*",
                lambda r: r.continue_() if r.request.url.startswith(server.url) else r.abort(),
            )
            server.sign_in(page)
            for name, notebook, query, action, before in shots:
                if before is not None:
                    before()
                shown = query + ("&" if query else "?") + "present=1" if present else query
                page.goto(f"{server.url}/voila/render/{notebook}{shown}")
                expect(page.locator(".kit-app")).to_be_visible(timeout=60_000)
                page.wait_for_load_state("networkidle")
                if action is not None:
                    action(page)
                page.screenshot(path=out / f"{prefix}-{name}.png", animations="disabled")
            # Ended: a running meeting of its own per size, ended through the page.
            # A coachee per size (each size ends its own meeting), named as a person is.
            name = {"1366x768": "Lena", "1920x1080": "Maren"}.get(prefix, "Ines")
            eid = engagement(server.exports, name)
            running_meeting(server.exports, eid, opening=170, in_strengths=400)
            flag = "&present=1" if present else ""
            page.goto(f"{server.url}/voila/render/meeting.ipynb?engagement={eid}&meeting=1{flag}")
            expect(page.locator(".kit-action-end")).to_be_enabled(timeout=60_000)
            meeting_ended(page)
            page.screenshot(path=out / f"{prefix}-meeting-ended.png", animations="disabled")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
