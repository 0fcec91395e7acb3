"""How long the meeting page takes to become usable, cold kernel against the preheated pool.

    .venv/bin/python bench/page_open.py [--runs 5]

Opens ``meeting.ipynb?engagement=<id>&meeting=1`` in headless Chromium and times the
page's time to interactive: from ``page.goto`` to the coach's first click (Start)
answered by the kernel (End enabled), a new engagement each run:

1. Voila as it comes (no voila.json: a new kernel is started and runs the notebook on
   each request);
2. the kit's voila.json (a preheated kernel pool; the script waits for the pool to
   refill between runs, as a coach's next page would find it);
3. the front end's floor: a notebook with the same two buttons (Start enables End),
   served and measured exactly as 2. (An earlier floor was timed to its button being
   drawn, while the page was timed to its app being built: the two were not measured
   alike, which is why that floor came out slower than the page.)

The browser is a coach's browser: a profile of its own per mode, kept between runs,
so its HTTP cache and its cache of compiled scripts are in play as they are for a
coach who opened the kit before. Two warm-up runs per mode fill them and are not
counted (Chromium keeps compiled code for a script from its second load on). Mode 2
is also measured in a fresh browser profile per run (no HTTP cache, no compiled code):
a coach's very first visit.

Prints the medians, their ratio, and the resident memory of a live meeting kernel
(target under 80 MiB: pandas must stay out of the live app). Everything happens in a
temporary folder (data, HOME, browser profiles, Jupyter and IPython dirs); every
server is stopped at the end. Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.floor import floor_site  # noqa: E402

TARGET_COACH_S = 1.0  # a coach's browser that opened the kit before
TARGET_FRESH_S = 2.0  # a fresh browser profile
TARGET_RSS_MIB = 80.0
READY = "button.kit-action-start:not([disabled])"
ANSWERED = "button.kit-action-end:not([disabled])"


def seed(root: Path) -> str:
    """One engagement with a submitted prep, written through the kit's API."""
    from widgets.instrument.yaml_loading import load_instrument
    from widgets.store.records import Answer
    from widgets.store.registry import EngagementRegistry
    from widgets.store.responses import ResponseStore

    eid = EngagementRegistry(root).create(first_name="Bench", start_date=date(2026, 9, 1))
    prep = load_instrument().form("prep")
    values = {
        "success": "A clear view of my strengths",
        "asks": "feedback",
        "opening_lead": "coach",
        "closing_lead": "coach",
        "goal_alignment_ok": "yes",
        "text_consent": "no",
    }
    ResponseStore(root).submit(
        engagement_id=eid.engagement_id,
        form="prep",
        meeting_number=1,
        answers=[Answer(prep.section_of(k).id, k, prep.item(k).type, v) for k, v in values.items()],
        instrument_version=load_instrument().version,
    )
    return eid.engagement_id


def kernels(server) -> dict[int, object]:
    import psutil

    found = {}
    for pid in server.kernel_pids():
        try:
            process = psutil.Process(pid)
            if "ipykernel" in " ".join(process.cmdline()):
                found[pid] = process
        except psutil.NoSuchProcess:
            continue
    return found


def wait_quiet(server, seen: set[int], *, want_new: bool, timeout: float = 45.0) -> None:
    """Wait until a fresh kernel exists (if wanted) and every kernel is idle."""
    import psutil

    deadline = time.monotonic() + timeout
    quiet = 0
    while time.monotonic() < deadline:
        live = kernels(server)
        fresh = set(live) - seen
        if want_new and not fresh:
            time.sleep(0.2)
            continue
        busy = False
        for process in live.values():
            try:
                busy = busy or process.cpu_percent(interval=0.25) > 3.0  # type: ignore[attr-defined]
            except psutil.NoSuchProcess:
                continue
        quiet = 0 if busy else quiet + 1
        if quiet >= 3:
            return
    print("  (kernels did not settle in time; measuring anyway)")


def rss_mib(process) -> float:
    return process.memory_info().rss / (1024 * 1024)


WARM_UPS = 2


def measure(
    server,
    open_context,
    url_for,
    runs: int,
    *,
    preheated: bool,
    fresh: bool = False,
    live_kernel: bool = True,
) -> tuple[list[float], float]:
    """Time to interactive of ``runs`` page opens (after the warm-ups).

    ``open_context()`` gives the browser context (the same one every run, or a new one
    per run when ``fresh``); ``url_for()`` a page of a new engagement, so every run's
    Start is a first Start.
    """
    # No request interception: routing sends every request through the automation
    # driver and adds ~0.5 s to a page of ~60 scripts, which no coach's browser pays.
    times: list[float] = []
    live_rss = 0.0
    seen: set[int] = set(kernels(server))
    wait_quiet(server, seen, want_new=False)
    context = None if fresh else open_context()
    for run in range(runs + WARM_UPS):
        seen |= set(kernels(server))
        if fresh:
            context = open_context()
        assert context is not None
        url = url_for()
        page = context.new_page()
        started = time.perf_counter()
        page.goto(url)
        page.click(READY, timeout=120_000)
        page.wait_for_selector(ANSWERED, timeout=120_000)
        elapsed = time.perf_counter() - started
        counted = run >= WARM_UPS
        if counted:
            times.append(elapsed)
        label = f"run {run - WARM_UPS + 1}" if counted else "warm-up"
        print(f"  {label}: {elapsed:.2f} s")
        last = run == runs + WARM_UPS - 1
        if last and live_kernel:
            # The page's own kernel, by the id Voila puts in the page (every notebook
            # has a pool kernel of its own, so "the newest" or "the oldest" would lie).
            found = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', page.content())
            for process in kernels(server).values():
                if found and f"kernel-{found.group(1)}" in " ".join(process.cmdline()):
                    live_rss = rss_mib(process)
        page.close()
        if fresh:
            context.close()
        if not last:
            # The pool refills with a kernel started after this run began.
            wait_quiet(server, seen, want_new=preheated)
    if not fresh and context is not None:
        context.close()
    return times, live_rss


# Start enables End: the meeting page's first usable widgets, and nothing else.
FLOOR_BUTTONS = (
    "import ipywidgets as w\n"
    "start = w.Button(description='Start')\n"
    "start.add_class('kit-action-start')\n"
    "end = w.Button(description='End', disabled=True)\n"
    "end.add_class('kit-action-end')\n"
    "start.on_click(lambda _: setattr(end, 'disabled', False))\n"
    "w.HBox([start, end])"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from tests.voila_server import CHROMIUM, CHROMIUM_ARGS, VoilaServer, isolate_home

    sandbox = Path(tempfile.mkdtemp(prefix="kit-bench-page-"))
    isolate_home(sandbox)
    results: dict[str, tuple[list[float], float]] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            modes = (("cold", False, REPO), ("preheated", True, REPO))
            modes += (
                ("fresh", True, REPO),
                ("floor", True, floor_site(sandbox, ["meeting.ipynb"], FLOOR_BUTTONS)),
            )
            titles = {
                "cold": "Voila as it comes (cold kernel), coach's browser",
                "preheated": "kit voila.json (preheated kernel), coach's browser",
                "fresh": "kit voila.json (preheated kernel), fresh browser profile each run",
                "floor": "front-end floor: Start enables End, kit voila.json, coach's browser",
            }
            for mode, project_config, site in modes:
                data = sandbox / f"data-{mode}"
                data.mkdir()
                server = VoilaServer(repo=site, exports=data, use_project_config=project_config)
                server.start()

                def open_context(mode=mode, server=server):
                    if mode == "fresh":
                        context = browser.new_context()
                    else:
                        context = playwright.chromium.launch_persistent_context(
                            sandbox / f"profile-{mode}",
                            executable_path=CHROMIUM,
                            args=CHROMIUM_ARGS,
                        )
                    if server.token:  # as a coach who opened the printed link once
                        server.sign_in(sign_in := context.new_page())
                        sign_in.close()
                    return context

                def url_for(data=data, server=server):
                    eid = seed(data)
                    return f"{server.url}/voila/render/meeting.ipynb?engagement={eid}&meeting=1"

                try:
                    print(f"{titles[mode]}:")
                    results[mode] = measure(
                        server,
                        open_context,
                        url_for,
                        args.runs,
                        preheated=project_config,
                        fresh=mode == "fresh",
                        live_kernel=mode in ("cold", "preheated"),
                    )
                finally:
                    server.stop()
            browser.close()
    finally:
        shutil.rmtree(sandbox, ignore_errors=True)

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"load average {load:.1f}; {args.runs} runs per mode, medians"
    )
    cold = statistics.median(results["cold"][0])
    warm = statistics.median(results["preheated"][0])
    fresh = statistics.median(results["fresh"][0])
    floor = statistics.median(results["floor"][0])
    print("time to interactive (goto to Start answered by the kernel), medians:")
    print(f"  Voila as it comes (cold kernel), coach's browser: {cold:.2f} s")
    verdict = "met" if warm <= TARGET_COACH_S else "missed"
    print(f"  kit, coach's browser: {warm:.2f} s (target <= {TARGET_COACH_S} s: {verdict})")
    verdict = "met" if fresh <= TARGET_FRESH_S else "missed"
    print(f"  kit, fresh browser profile: {fresh:.2f} s (target <= {TARGET_FRESH_S} s: {verdict})")
    print(
        f"  front-end floor, measured the same way: {floor:.2f} s; the meeting page adds "
        f"{warm - floor:+.2f} s to it (ratio {warm / floor:.2f})"
    )
    print(f"  ratio cold / kit: {cold / warm:.2f}")
    for mode in ("cold", "preheated"):  # the floor's kernel runs no kit code
        rss = results[mode][1]
        verdict = "met" if 0 < rss < TARGET_RSS_MIB else "missed"
        print(
            f"RSS of a live meeting kernel ({mode}): {rss:.1f} MiB "
            f"(target < {TARGET_RSS_MIB:.0f} MiB: {verdict})"
        )


if __name__ == "__main__":
    main()
