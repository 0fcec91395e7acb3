"""A workshop room opening the kit at once: page time to interactive on a training server.

    .venv/bin/python bench/training_open.py [--sizes 5 10] [--room 10]

Starts the kit's server as ``make workshop`` does (training mode for every page, ``--room``
kernels kept ready per app; ``--room 0`` is one, as ``make train``) in a temporary folder,
on loopback, waits until its pools are full (time and memory printed), then, in headless
Chromium, each trainee with cookies of their own, as each laptop would be:

1. one page alone: a trainee's prep page in their own space;
2. first visits: N pages at once (default 5, then 10), each trainee in a fresh browser
   context (empty caches) and a space of their own, all ``goto`` started together;
3. the guided tour alone (first open, which seeds its space);
4. the front end's floor: the same rounds against the same server set-up whose pages
   hold one drop-down (Voila and the widget front end, no kit code).

Every browser runs on the same cores as the server, so the times are an upper bound for
trainees on laptops of their own; the CPU seconds taken by the server, its kernels and
the whole machine (the browsers, and anything else running) during each round show the
split, and the floor shows what the browsers alone cost.

Time to interactive is from ``page.goto`` to the engagement picker being visible (the
first thing a trainee uses); for the tour, to its first step's table. Prints every
page's time, the median and p95 per round, and whether 10 at once met the target
(p95 <= 6 s, none failing). Between rounds the script waits for the server's kernel
pools to be full again. Memory is the resident set (RSS) and proportional share (PSS,
shared pages split) of the server and its kernels. Figures only: nothing is asserted.
Every server is stopped and the temporary folder removed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.floor import floor_site  # noqa: E402

TARGET_P95_S = 6.0
READY = ".kit-engagement-picker select"
TOUR_READY = ".kit-tour-step .kit-home-table"
TIMEOUT_MS = 120_000
POOLED_APPS = ("home.ipynb", "prep.ipynb", "meeting.ipynb", "debrief.ipynb")


def p95(values: list[float]) -> float:
    """The 95th percentile, nearest rank (with 10 values: the largest but none)."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(0.95 * len(ordered) + 0.5) - 1))
    return ordered[rank]


async def open_one(browser, server, url: str, ready: str) -> float | None:
    """Seconds from goto to ``ready`` visible in a fresh signed-in context; None on failure."""
    context = await browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = await context.new_page()
        await page.goto(server.sign_in_url)  # as opening the printed link once
        started = time.perf_counter()
        PAGES_OPENED[0] += 1
        await page.goto(url)
        await page.wait_for_selector(ready, state="visible", timeout=TIMEOUT_MS)
        return time.perf_counter() - started
    except Exception as exc:  # noqa: BLE001 - a failed page is counted, not raised
        print(f"    failed: {type(exc).__name__}: {str(exc)[:120]}")
        return None
    finally:
        await context.close()


async def round_of(browser, server, size: int, label: str) -> list[float | None]:
    urls = [f"{server.url}/voila/render/prep.ipynb?space={label}-{i + 1}" for i in range(size)]
    return list(await asyncio.gather(*(open_one(browser, server, u, READY) for u in urls)))


# Pages asked of the server so far: each takes a kernel (from a pool, which then starts
# its replacement, or a kernel of its own), so the pools are full again once the server
# has started this many kernels beyond its first fill.
PAGES_OPENED = [0]


def settle(server, room: int, timeout: float = 240.0) -> float:
    """Wait until every pool is full again and no kernel is busy; the seconds waited.

    Kernels of closed pages may linger until culled, so counting processes cannot tell
    a full pool: the server's log line per kernel started can.
    """
    import psutil

    expected = len(POOLED_APPS) * max(room, 1) + PAGES_OPENED[0]
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        log = server.log_path.read_text(errors="replace")
        if log.count("Kernel started:") < expected:
            time.sleep(0.5)
            continue
        procs = []
        for pid in server.kernel_pids():
            try:
                procs.append(psutil.Process(pid))
                procs[-1].cpu_percent(None)  # the first reading only starts the count
            except psutil.Error:
                pass
        time.sleep(1.0)
        busy = 0.0
        for proc in procs:
            try:
                busy += proc.cpu_percent(None)
            except psutil.Error:
                pass
        if busy < 10.0:
            return time.perf_counter() - started
    print(f"    (pools not full again after {timeout:.0f} s: the next figures may wait on them)")
    return time.perf_counter() - started


def memory(server) -> tuple[float, float, int]:
    """RSS and PSS in MiB of the server and all it started, and how many kernels."""
    import psutil

    procs = [psutil.Process(server.process.pid)]
    procs += [psutil.Process(pid) for pid in server.kernel_pids()]
    rss = pss = 0.0
    for proc in procs:
        try:
            info = proc.memory_full_info()
        except psutil.Error:
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
    return rss / 2**20, pss / 2**20, len(procs) - 1


def cpu_seconds(server) -> dict[str, float]:
    """CPU time so far of the server, its kernels, and the whole machine (browsers too)."""
    import psutil

    def total(procs: list) -> float:
        seconds = 0.0
        for proc in procs:
            try:
                times = proc.cpu_times()
            except psutil.Error:
                continue
            seconds += times.user + times.system
        return seconds

    def alive(pids: list[int]) -> list:
        found = []
        for pid in pids:
            try:
                found.append(psutil.Process(pid))
            except psutil.Error:
                pass
        return found

    machine = psutil.cpu_times()
    return {
        "server": total(alive([server.process.pid])),
        "kernels": total(alive(server.kernel_pids())),
        # Browsers' renderers end with their pages and take their CPU time with them:
        # the machine's busy time is the figure that includes them.
        "whole machine": machine.user + machine.nice + machine.system,
    }


def print_cpu(before: dict[str, float], after: dict[str, float]) -> None:
    # Kernels that ended during the round take their CPU time with them, so the
    # kernels' figure is a lower bound.
    print(
        "    CPU seconds during the round: "
        + ", ".join(f"{k} {after[k] - before[k]:.1f}" for k in before)
    )


def report(title: str, times: list[float | None]) -> tuple[float, int]:
    done = [t for t in times if t is not None]
    failed = len(times) - len(done)
    shown = ", ".join("failed" if t is None else f"{t:.2f}" for t in times)
    worst = p95(done) if done else float("nan")
    median = statistics.median(done) if done else float("nan")
    print(f"{title}: {shown}")
    print(f"    median {median:.2f} s, p95 {worst:.2f} s, failed {failed}")
    return worst, failed


# The first thing a trainee uses (the picker), and nothing else.
FLOOR_PICKER = (
    "import ipywidgets as w\n"
    "picker = w.Dropdown(options=['Ana', 'Ben'])\n"
    "picker.add_class('kit-engagement-picker')\n"
    "picker"
)


async def rounds(browser, server, sizes: list[int], room: int, label: str) -> dict:
    """One page alone, then each size at once, each after the pools are full again."""
    results: dict[str, tuple[float, int]] = {}
    warm = f"{server.url}/voila/render/prep.ipynb?space=w"
    await open_one(browser, server, warm, READY)  # the browser's and server's first loads
    settle(server, room)
    results["alone"] = report(f"{label}: one page alone", await round_of(browser, server, 1, "a"))
    for size in sizes:
        settle(server, room)
        before = cpu_seconds(server)
        times = await round_of(browser, server, size, f"room{size}")
        results[str(size)] = report(f"{label}: {size} pages at once", times)
        print_cpu(before, cpu_seconds(server))
    return results


def start_server(site: Path, sandbox: Path, room: int, label: str):
    """The server as ``make workshop`` starts it (on loopback), with its pools full."""
    from tests.voila_server import VoilaServer

    data = sandbox / f"exports-{label}"
    data.mkdir()
    server = VoilaServer(
        repo=site,
        exports=data,
        env={
            "ALIGNMENT_KIT_TRAINING": "1",
            "ALIGNMENT_KIT_TRAINING_DIR": str(sandbox / f"training-{label}"),
        },
        extra_args=(f"--room={room}",),
    )
    server.start()
    PAGES_OPENED[0] = 0
    filled = settle(server, room)
    rss, pss, kernels = memory(server)
    print(
        f"{label}, room {room}: {kernels} kernels ready {filled:.1f} s after the server "
        f"answered; server and kernels RSS {rss:.0f} MiB, PSS {pss:.0f} MiB "
        f"({pss / max(kernels, 1):.0f} MiB PSS per ready kernel)"
    )
    return server


async def run(sizes: list[int], room: int) -> None:
    from playwright.async_api import async_playwright

    from tests.voila_server import CHROMIUM, CHROMIUM_ARGS, isolate_home

    sandbox = Path(tempfile.mkdtemp(prefix="kit-bench-training-"))
    isolate_home(sandbox)
    kit: dict[str, tuple[float, int]] = {}
    floor: dict[str, tuple[float, int]] = {}
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            server = start_server(REPO, sandbox, room, "kit")
            try:
                kit = await rounds(browser, server, sizes, room, "kit")
                settle(server, room)
                tour_url = f"{server.url}/voila/render/walkthrough.ipynb?space=presenter"
                tour = await open_one(browser, server, tour_url, TOUR_READY)
                kit["tour"] = report("the guided tour, first open (seeds its space)", [tour])
            finally:
                server.stop()
            server = start_server(
                floor_site(sandbox, POOLED_APPS, FLOOR_PICKER), sandbox, room, "floor"
            )
            try:
                floor = await rounds(browser, server, sizes, room, "floor (one drop-down)")
            finally:
                server.stop()
            await browser.close()
    finally:
        shutil.rmtree(sandbox, ignore_errors=True)

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"load average {load:.1f}"
    )
    for size in sizes:
        worst, failed = kit[str(size)]
        line = f"{size} at once: p95 {worst:.2f} s, {failed} failed"
        if size == 10:
            verdict = "met" if worst <= TARGET_P95_S and failed == 0 else "missed"
            line += f" (target p95 <= {TARGET_P95_S} s, none failing: {verdict})"
        line += (
            f"; one alone {kit['alone'][0]:.2f} s (ratio {worst / kit['alone'][0]:.1f}); "
            f"the floor {floor[str(size)][0]:.2f} s (ratio {worst / floor[str(size)][0]:.2f})"
        )
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 10])
    parser.add_argument(
        "--room", type=int, default=10, help="kernels kept ready per app (make workshop's ROOM)"
    )
    args = parser.parse_args()
    asyncio.run(run(args.sizes, args.room))


if __name__ == "__main__":
    main()
