"""Ten coaches on the program's hub at once, beside one coach alone, in one run.

    .venv/bin/python bench/hub_open.py [--coaches 10] [--rounds 3] [--solo-runs 5]

Starts the hub as `make hub` does (deploy/jupyterhub, configurable-http-proxy from the
project's node_modules) in a temporary folder, gives each coach one engagement with a
submitted prep (written through the kit, before the hub starts), then in headless
Chromium, each coach in a browser context of their own:

1. one coach alone: signs in (the hub starts their server; time to the home page's
   search box), then opens the meeting page ``--solo-runs`` times, one after another
   (time from ``page.goto`` to the Start button being enabled);
2. all ``--coaches`` sign in at the same moment (that coach included), then open their
   meeting page at the same moment, ``--rounds`` times.

Prints p50 and p95 of each, and memory: the hub's own processes (hub, proxy, services),
and per coach their server with its kernels, as resident (RSS) and proportional (PSS:
shared pages split between the processes that share them) set sizes, with one coach
and with all of them. A meeting page's kernel lives while the page is open, so memory
is read with every meeting page open. All browsers run on this machine too, so with
ten coaches the machine also pays for ten pages' scripts: the figures are an upper
bound for coaches on their own computers. Everything happens in a temporary folder;
the hub and every server and kernel are stopped at the end. Figures only.
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
sys.path.insert(0, str(REPO / "bench"))

HOME_READY = ".kit-home-search input"
MEETING_READY = "button.kit-action-start:not([disabled])"
TIMEOUT_MS = 180_000
SERVED: list[float] = []  # seconds from request to the page's last byte, per meeting open


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: p95 of 30 values is the 29th smallest."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def describe(values: list[float]) -> str:
    return (
        f"p50 {statistics.median(values):5.2f} s   p95 {percentile(values, 0.95):5.2f} s   "
        f"max {max(values):5.2f} s   (n={len(values)})"
    )


def memory(hub) -> dict[str, dict[str, float]]:  # noqa: ANN001 - a HubServer
    """MiB of RSS and PSS: the hub's own processes, each coach's server, with its kernels."""
    import psutil

    def sizes(pids: list[int]) -> tuple[float, float]:
        rss = pss = 0.0
        for pid in pids:
            try:
                info = psutil.Process(pid).memory_full_info()
            except psutil.Error:
                continue
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
        return rss / 2**20, pss / 2**20

    servers = hub.servers()
    in_servers = {pid for pids in servers.values() for pid in pids}
    # The hub's children: hub, proxy, services (make hub's small launcher is left out).
    own = [p for p in hub.processes() if p not in in_servers]
    result = {"hub": dict(zip(("rss", "pss"), sizes(own), strict=True))}
    for user, pids in servers.items():
        rss, pss = sizes(pids)
        server_rss, server_pss = sizes(pids[:1])
        result[user] = {"rss": rss, "pss": pss, "server_rss": server_rss, "server_pss": server_pss}
    return result


def cpu_seconds(hub) -> float:  # noqa: ANN001 - a HubServer
    """CPU time used so far by every live process of the hub: servers and kernels too."""
    import psutil

    total = 0.0
    for pid in hub.processes():
        try:
            times = psutil.Process(pid).cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


async def sign_in(hub, context, user: str) -> float:  # noqa: ANN001
    page = await context.new_page()
    started = time.perf_counter()
    await page.goto(f"{hub.url}/hub/login", timeout=TIMEOUT_MS)
    await page.fill("#username_input", user)
    await page.fill("#password_input", hub.password)
    await page.click("#login_submit")
    await page.wait_for_selector(HOME_READY, timeout=TIMEOUT_MS)
    elapsed = time.perf_counter() - started
    await leave([page])  # the home page's kernel must not count in the meeting's memory
    return elapsed


async def open_meeting(hub, context, user: str, engagement: str) -> tuple[float, object]:  # noqa: ANN001
    page = await context.new_page()
    url = f"{hub.url}/user/{user}/voila/render/meeting.ipynb?engagement={engagement}&meeting=1"
    started = time.perf_counter()
    # Voila streams the page as its kernel runs: wait for the button, not the load event.
    await page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
    await page.wait_for_selector(MEETING_READY, timeout=TIMEOUT_MS)
    elapsed = time.perf_counter() - started
    # The server's part: Voila sends the page's last byte once the notebook has run.
    served = await page.evaluate("performance.getEntriesByType('navigation')[0].responseEnd")
    SERVED.append(served / 1000)
    return elapsed, page


async def leave(pages: list) -> None:
    """Leave each page as a coach closing the tab does: its kernel shuts down."""
    for page in pages:
        await page.goto("about:blank")
        await page.close()
    await asyncio.sleep(2)  # let the servers shut the kernels down before the next round


async def run(hub, seeds: dict[str, str], args: argparse.Namespace) -> None:  # noqa: ANN001
    from playwright.async_api import async_playwright

    from tests.voila_server import CHROMIUM, CHROMIUM_ARGS

    users = list(seeds)
    solo = users[0]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        contexts = {user: await browser.new_context() for user in users}

        print(f"\nOne coach alone ({solo})")
        solo_sign_in = await sign_in(hub, contexts[solo], solo)
        print(f"  sign-in to home page (starts the server): {solo_sign_in:.2f} s")
        warm, page = await open_meeting(hub, contexts[solo], solo, seeds[solo])
        print(f"  meeting page, warm-up (not counted): {warm:.2f} s")
        await leave([page])
        SERVED.clear()
        solo_times = []
        solo_memory: dict[str, dict[str, float]] = {}
        solo_cpu = []
        for number in range(args.solo_runs):
            cpu_before = cpu_seconds(hub)
            elapsed, page = await open_meeting(hub, contexts[solo], solo, seeds[solo])
            solo_cpu.append(cpu_seconds(hub) - cpu_before)
            solo_times.append(elapsed)
            print(f"  meeting page, run {number + 1}: {elapsed:.2f} s")
            if number == args.solo_runs - 1:
                solo_memory = memory(hub)
            await leave([page])
        solo_served = list(SERVED)

        print(f"\n{len(users)} coaches at once")
        await leave([])
        others = [u for u in users if u != solo]
        sign_ins = await asyncio.gather(*(sign_in(hub, contexts[u], u) for u in others))
        print(f"  sign-in to home page, {len(others)} at once: {describe(list(sign_ins))}")
        SERVED.clear()
        crowd_times: list[float] = []
        crowd_memory: dict[str, dict[str, float]] = {}
        crowd_cpu = []
        for number in range(args.rounds):
            cpu_before = cpu_seconds(hub)
            opened = await asyncio.gather(
                *(open_meeting(hub, contexts[u], u, seeds[u]) for u in users)
            )
            crowd_cpu.append((cpu_seconds(hub) - cpu_before) / len(users))
            times = [elapsed for elapsed, _ in opened]
            crowd_times += times
            print(f"  round {number + 1}: " + " ".join(f"{t:.2f}" for t in sorted(times)))
            if number == args.rounds - 1:
                crowd_memory = memory(hub)
            await leave([page for _, page in opened])
        await browser.close()

    print("\nTime to interactive, meeting page (goto -> Start enabled)")
    print(f"  one coach alone      {describe(solo_times)}")
    print(f"  {len(users)} coaches at once    {describe(crowd_times)}")
    ratio = statistics.median(crowd_times) / statistics.median(solo_times)
    print(f"  ratio p50 crowd/alone: {ratio:.2f}")
    print("  of which the server's part (request to the page's last byte: kernel up, notebook run)")
    print(f"  one coach alone      {describe(solo_served)}")
    print(f"  {len(users)} coaches at once    {describe(list(SERVED))}")
    print(
        "  the hub's CPU time per meeting page opened (hub, proxy, server, kernel): "
        f"alone {statistics.median(solo_cpu):.2f} s, crowd {statistics.median(crowd_cpu):.2f} s"
    )
    print("Sign-in to home page, server start included")
    print(f"  one coach alone      {solo_sign_in:5.2f} s")
    print(f"  {len(others)} coaches at once     {describe(list(sign_ins))}")

    print("\nMemory, every meeting page open (MiB)")
    for label, figures, count in (
        ("one coach", solo_memory, 1),
        (f"{len(users)} coaches", crowd_memory, len(users)),
    ):
        hub_own = figures.pop("hub")

        def mean(key: str, figures: dict = figures) -> float:
            return statistics.mean(f[key] for f in figures.values())

        total_pss = hub_own["pss"] + sum(f["pss"] for f in figures.values())
        print(
            f"  {label:>11}: hub+proxy+services RSS {hub_own['rss']:4.0f} PSS {hub_own['pss']:4.0f}"
            f" | per coach: server RSS {mean('server_rss'):4.0f} PSS {mean('server_pss'):4.0f},"
            f" server+kernel RSS {mean('rss'):4.0f} PSS {mean('pss'):4.0f}"
            f" | whole hub PSS / coaches {total_pss / count:4.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coaches", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--solo-runs", type=int, default=5)
    args = parser.parse_args()

    from page_open import seed

    from tests.hub_server import HubServer, hub_missing_reason
    from tests.voila_server import isolate_home

    missing = hub_missing_reason()
    if missing:
        sys.exit(f"Cannot run the hub bench: {missing}.")
    sandbox = Path(tempfile.mkdtemp(prefix="kit-hub-bench-"))
    hub = None
    try:
        isolate_home(sandbox, {"TMPDIR": "tmp"})
        tempfile.tempdir = None
        hub = HubServer(data=sandbox / "hub-data")
        users = [f"coach-{n:02d}" for n in range(1, args.coaches + 1)]
        seeds = {}
        for user in users:
            root = hub.coach_exports(user)
            root.mkdir(parents=True)
            seeds[user] = seed(root)
        print(
            f"Python {platform.python_version()} on {platform.machine()}, "
            f"{os.cpu_count()} cores; hub on {hub.url}; {args.coaches} coaches; "
            f"load average before: {os.getloadavg()[0]:.1f}"
        )
        started = time.perf_counter()
        hub.start()
        print(f"Hub started in {time.perf_counter() - started:.1f} s")
        asyncio.run(run(hub, seeds, args))
        print(f"\nLoad average after: {os.getloadavg()[0]:.1f} (other work on this machine)")
    finally:
        if hub is not None:
            hub.stop()
        shutil.rmtree(sandbox, ignore_errors=True)


if __name__ == "__main__":
    main()
