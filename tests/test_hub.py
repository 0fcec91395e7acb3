"""The program's hub (deploy/jupyterhub) for real: JupyterHub, its proxy, two coaches, an analyst.

One hub for the module, started as `make hub` starts it. Two coaches sign in through the
hub's login page, each in a browser of their own, create an engagement on the kit's home
page and submit its prep; each sees only their own work. The analyst downloads the
program export of both coaches' folders from the hub's program-export service.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.hub_server import HubServer, hub_missing_reason

pytestmark = [pytest.mark.browser, pytest.mark.hub]

PAGE_READY = 90_000  # a first sign-in starts the coach's server, then the page's kernel


@dataclass
class Coach:
    user: str
    first_name: str
    coach_name: str
    consent: str
    context: BrowserContext
    page: Page
    engagement: str = ""
    secret: str = ""
    extra: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="module")
def hub() -> Iterator[HubServer]:
    reason = hub_missing_reason()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"The hub tests must run in CI: {reason}")
        pytest.skip(reason)
    # A short path: kernels' sockets live under the hub's data folder.
    data = Path(tempfile.mkdtemp(prefix="h"))
    server = HubServer(data=data)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(data, ignore_errors=True)


def _local_only(page: Page, hub: HubServer) -> None:
    """The page may only talk to the hub (Voila's page links a font from a CDN)."""

    def route(request_route) -> None:  # noqa: ANN001 - a Playwright route
        url = request_route.request.url
        if url.startswith(hub.url) or url.startswith(("data:", "blob:")):
            request_route.continue_()
        else:
            request_route.abort()

    page.route("**/*", route)
    page.set_default_timeout(30_000)


def _new_page(browser: Browser, hub: HubServer) -> tuple[BrowserContext, Page]:
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    _local_only(page, hub)
    return context, page


def open_home(page: Page, hub: HubServer, user: str) -> None:
    page.goto(f"{hub.url}/user/{user}/voila/render/home.ipynb")
    expect(page.locator(".kit-home-search input")).to_be_visible(timeout=PAGE_READY)


@pytest.fixture(scope="module")
def coaches(hub: HubServer, browser: Browser) -> Iterator[dict[str, Coach]]:
    """Two coaches signed in at the hub's login page, each in a browser of their own."""
    people = {}
    for user, first_name, coach_name, consent in (
        ("coach-a", "Amira", "Ana Lindqvist", "Yes"),
        ("coach-b", "Bruno", "Ben Okafor", "No"),
    ):
        context, page = _new_page(browser, hub)
        people[user] = Coach(user, first_name, coach_name, consent, context, page)
    try:
        yield people
    finally:
        for coach in people.values():
            coach.context.close()


def test_without_a_session_the_hub_asks_to_sign_in_and_starts_nothing(hub: HubServer):
    status, _, headers = hub.get("/user/coach-a/voila/render/home.ipynb", follow=False)
    assert status == 302
    status, body, _ = hub.get("/user/coach-a/voila/render/home.ipynb")
    assert status == 200 and "username_input" in body and "password_input" in body
    assert hub.servers() == {}, "a request without a session started a server"


def fill_and_submit_prep(page: Page, coach: Coach) -> None:
    page.locator(".kit-prep-success textarea").fill(
        f"{coach.first_name} wants a clear view of her strengths, with {coach.coach_name}"
    )
    page.locator(".kit-checklist-success_defined input").check()
    page.locator(".kit-checklist-meeting_date input").fill("2026-10-15")
    page.locator(".kit-prep-asks-feedback input").check()
    page.locator(".kit-prep-off_limits textarea").fill(coach.secret)
    page.locator(".kit-prep-opening_lead").get_by_text("The coach opens and facilitates").click()
    page.locator(".kit-prep-closing_lead").get_by_text("The coach closes").click()
    page.locator(".kit-prep-goal_alignment_ok").get_by_text("Yes", exact=True).click()
    page.locator(".kit-prep-text_consent").get_by_text(coach.consent, exact=True).click()
    page.locator(".kit-action-submit").click()
    expect(page.locator(".kit-submit-message")).to_contain_text("Saved on")


@pytest.mark.parametrize("user", ["coach-a", "coach-b"])
def test_a_coach_signs_in_creates_an_engagement_and_submits_its_prep(
    hub: HubServer, coaches: dict[str, Coach], user: str
):
    coach = coaches[user]
    coach.secret = f"Off-limits topic of {user}: the reorganisation"
    page = coach.page
    hub.sign_in(page, user)
    page.wait_for_url(f"**/user/{user}/voila/render/home.ipynb*", timeout=PAGE_READY)
    expect(page.locator(".kit-home-search input")).to_be_visible(timeout=PAGE_READY)

    page.locator(".kit-engagement-first_name input").fill(coach.first_name)
    page.locator(".kit-engagement-coach input").fill(coach.coach_name)
    page.locator(".kit-engagement-program input").fill("Leaders 2026")
    page.locator(".kit-engagement-cohort input").fill("Autumn")
    page.locator(".kit-engagement-start_date input").fill("2026-09-01")
    page.locator(".kit-action-create-engagement").click()
    expect(page.locator(".kit-picker-message")).to_contain_text(
        f"Created an engagement for {coach.first_name}."
    )
    row = page.locator(".kit-home-row", has_text=coach.first_name)
    expect(row).to_have_count(1)  # each coach's own folder starts empty
    engagement = row.get_attribute("data-engagement") or ""
    assert re.fullmatch(r"e-[0-9a-f]{12}", engagement)
    coach.engagement = engagement
    row.locator(".kit-action-open-prep").click()
    expect(page.locator(".kit-prep-success textarea")).to_be_visible(timeout=PAGE_READY)
    assert f"/user/{user}/voila/render/prep.ipynb" in page.url
    fill_and_submit_prep(page, coach)

    saved = (hub.coach_exports(user) / "responses.csv").read_text(encoding="utf-8")
    assert coach.engagement in saved and coach.secret in saved
    assert sorted(hub.servers()) == sorted(c.user for c in coaches.values() if c.engagement)


def test_each_coach_sees_only_their_own_engagements(hub: HubServer, coaches: dict[str, Coach]):
    for coach in coaches.values():
        other = next(c for c in coaches.values() if c is not coach)
        assert coach.engagement and other.engagement, "the coaches' prep test did not run"
        page = coach.page
        open_home(page, hub, coach.user)
        mine = page.locator(f".kit-home-row[data-engagement='{coach.engagement}']")
        expect(mine).to_contain_text(coach.first_name)
        expect(mine.locator(".kit-step-prep")).to_have_class(re.compile(r"\bkit-step-done\b"))
        expect(page.locator(".kit-home-row")).to_have_count(1)
        expect(page.locator(".kit-home-table")).not_to_contain_text(other.first_name)
        assert other.engagement not in (hub.coach_exports(coach.user) / "responses.csv").read_text()

        # The other coach's server is not theirs to open, not even by its address.
        response = page.request.get(f"{hub.url}/user/{other.user}/voila/render/home.ipynb")
        assert response.status == 403, response.status
        assert other.first_name not in response.text()


def test_without_a_session_a_running_server_starts_no_kernel(
    hub: HubServer, coaches: dict[str, Coach]
):
    before = hub.servers()
    assert "coach-a" in before, "coach-a's server should be running"
    for path in ("/user/coach-a/voila/render/prep.ipynb", "/user/coach-a/"):
        status, body, _ = hub.get(path)
        assert status == 200 and "username_input" in body
    assert hub.servers() == before


def test_a_coachs_server_serves_the_kit_and_nothing_else(hub: HubServer, coaches: dict[str, Coach]):
    request = coaches["coach-a"].page.request
    base = f"{hub.url}/user/coach-a"
    assert request.get(f"{base}/lab").status == 404  # no JupyterLab
    assert request.get(f"{base}/terminals").status == 404
    notebook = request.get(f"{base}/api/contents/home.ipynb")
    assert notebook.status == 200
    changed = request.put(
        f"{base}/api/contents/home.ipynb",
        data={"type": "notebook", "content": notebook.json()["content"]},
        headers={"X-XSRFToken": _xsrf(coaches["coach-a"].context)},
    )
    assert changed.status == 403, changed.text()
    assert request.get(f"{base}/voila/files/exports/responses.csv").status in (403, 404)


def _kernels(hub: HubServer, user: str) -> int:
    import psutil

    count = 0
    for pid in hub.servers().get(user, [])[1:]:
        try:
            count += "ipykernel" in " ".join(psutil.Process(pid).cmdline())
        except psutil.NoSuchProcess:
            pass
    return count


def _settled_kernels(hub: HubServer, user: str, quiet: float = 2.0, timeout: float = 30.0) -> int:
    """The user's kernel count once it has stopped changing."""
    deadline = time.monotonic() + timeout
    count, since = _kernels(hub, user), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.25)  # polling a process count, not waiting for the page
        now = _kernels(hub, user)
        if now != count:
            count, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            break
    return count


def test_leaving_a_page_shuts_its_kernel_down(hub: HubServer, coaches: dict[str, Coach]):
    """The page's unload beacon gets through the hub's XSRF check (the hub sets the cookie)."""
    # No request interception here: a routed unload beacon is dropped with the page.
    page = coaches["coach-a"].context.new_page()
    before = _settled_kernels(hub, "coach-a")
    page.goto(f"{hub.url}/user/coach-a/voila/render/prep.ipynb")
    expect(page.locator(".kit-engagement-picker select")).to_be_visible(timeout=PAGE_READY)
    assert _settled_kernels(hub, "coach-a") == before + 1
    if len(str(hub.data)) <= 45:  # as in CI; a longer path falls back to TCP
        sockets = list((hub.data / "run").glob("*/kernel-*-ipc-*"))
        assert sockets, "kernels should talk to their server over local sockets"
    page.goto("about:blank")  # leaving fires the unload beacon, as closing a tab does
    assert _settled_kernels(hub, "coach-a") == before
    page.close()


def _xsrf(context: BrowserContext) -> str:
    return next((c["value"] for c in context.cookies() if c["name"] == "_xsrf"), "")


def _fingerprint(folder: Path) -> dict[str, str]:
    """Every data file of a coach's folder by content (the store's lock file aside)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".store.lock"
    }


@dataclass
class Download:
    folder: Path
    text: str
    files: set[str]
    before: dict[str, dict[str, str]]
    after: dict[str, dict[str, str]]


@pytest.fixture(scope="module")
def analyst_download(
    hub: HubServer,
    coaches: dict[str, Coach],
    browser: Browser,
    tmp_path_factory: pytest.TempPathFactory,
) -> Download:
    """The analyst signs in, lands on the program export and downloads it."""
    assert all(c.engagement for c in coaches.values()), "the coaches' prep test did not run"
    before = {user: _fingerprint(hub.coach_exports(user)) for user in coaches}
    context, page = _new_page(browser, hub)
    try:
        hub.sign_in(page, "analyst")
        page.wait_for_url("**/services/program-export/", timeout=PAGE_READY)
        expect(page.locator(".kit-export-coaches")).to_have_text("2 coaches")
        with page.expect_download() as download:
            page.locator(".kit-action-download").click()
        archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    finally:
        context.close()
    out = tmp_path_factory.mktemp("analyst")
    archive.extractall(out)
    (folder,) = out.iterdir()
    return Download(
        folder=folder,
        text="\n".join(archive.read(n).decode("utf-8") for n in archive.namelist()),
        files={Path(n).name for n in archive.namelist()},
        before=before,
        after={user: _fingerprint(hub.coach_exports(user)) for user in coaches},
    )


def test_the_analyst_downloads_both_coaches_rows_without_names(
    hub: HubServer, coaches: dict[str, Coach], analyst_download: Download
):
    from widgets import load_responses, wide_sessions
    from widgets.analysis.metrics import all_metrics

    assert {"responses.csv", "sessions.csv", "codebook.csv", "datapackage.json"} <= (
        analyst_download.files
    )
    rows = load_responses(analyst_download.folder, cache=False)
    assert rows["engagement_id"].nunique() == 2
    assert set(rows["form"].astype(str)) == {"checklist", "prep"}
    assert set(rows["program"].astype(str)) == {"Leaders 2026"}
    assert all_metrics(wide_sessions(rows)), "the analysis runs on the export"

    for coach in coaches.values():
        for secret in (coach.first_name, *coach.coach_name.split(), coach.engagement):
            assert secret not in analyst_download.text, f"{secret!r} reached the program export"
    # Consented free text comes through with the names taken out; the rest is withheld.
    assert "[name] wants a clear view of her strengths" in analyst_download.text
    assert "Bruno" not in analyst_download.text and "wants a clear view" in analyst_download.text

    assert analyst_download.after == analyst_download.before, "the export changed a coach's data"
    assert hub.servers().keys() == set(coaches), "the analyst needed a server of their own"


def test_a_coach_cannot_open_the_program_export(hub: HubServer, coaches: dict[str, Coach]):
    refused = coaches["coach-b"].page.request.get(f"{hub.url}/services/program-export/")
    assert refused.status == 403
    assert "program-export.zip" not in refused.text()


def test_off_limits_topics_never_reach_the_program_export(
    coaches: dict[str, Coach], analyst_download: Download
):
    for coach in coaches.values():
        assert coach.secret not in analyst_download.text


def test_idle_servers_are_culled_by_a_service_with_the_rights_it_needs(hub: HubServer):
    culled = r"200 GET /hub/api/users\S* \(idle-culler@"
    log = hub.log_once(culled)
    assert "Starting managed service idle-culler" in log
    assert re.search(culled, log), log[-3000:]
