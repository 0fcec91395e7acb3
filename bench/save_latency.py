"""How long one save takes, on an empty store and on one already holding many rows.

    .venv/bin/python bench/save_latency.py [--rows 1000000] [--submissions 200]

Everything happens in a temporary folder that is removed afterwards. Prints figures;
it never fails on timings (machines differ), but says whether the target was met.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from widgets.store.records import RESPONSE_COLUMNS, Answer  # noqa: E402
from widgets.store.responses import ResponseStore  # noqa: E402

TARGET_P95_MS = 20.0
NEW_ENGAGEMENT = "e-00000000f00d"
LONG_TEXT = (
    "I want to come across as someone who sees the whole team, not only my own "
    'projects. "Ready" for the next step, but honest about what I am still learning,\n'
    "and curious about how others see me. "
) * 4


def prep_answers() -> list[Answer]:
    """A realistic prep form: ~20 answers, a few of them long free text."""
    short = {
        "asks": "priorities;feedback;support",
        "opening_lead": "coachee",
        "closing_lead": "coach",
        "goal_alignment_ok": "yes",
        "text_consent": "no",
        "success_defined": "true",
        "ground_rules_set": "true",
        "prep_booked": "true",
        "meeting_booked": "true",
        "meeting_date": "2025-05-14",
    }
    long = [
        "success",
        "asks_other",
        "perception",
        "mindset",
        "share_topics",
        "off_limits",
        "concerns",
        "concern_plan",
        "opening_plan",
        "closing_plan",
    ]
    answers = [Answer("prep", item, "choice", value) for item, value in short.items()]
    answers += [Answer("prep", item, "long_text", f"{item}: {LONG_TEXT}") for item in long]
    return answers


def fill(path: Path, rows: int) -> tuple[int, float]:
    """Write ``rows`` schema-true rows straight with the csv module (many engagements)."""
    started = time.perf_counter()
    values = [
        "yes",
        "no",
        "3",
        "2025-03-01",
        "priorities;support",
        "A short note, with a comma.",
        'Longer text with "quotes"\nand a second line. ' * 3,
        "",
    ]
    per_submission = 20
    moment = datetime(2024, 1, 1, tzinfo=timezone.utc)
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(RESPONSE_COLUMNS)
        submission = 0
        while written < rows:
            engagement = f"e-{submission // 12:012x}"
            form = ("checklist", "prep", "meeting", "debrief")[submission % 4]
            session = str(uuid.uuid4())
            recorded_at = (moment + timedelta(minutes=submission)).isoformat(
                timespec="milliseconds"
            )
            count = min(per_submission, rows - written)
            writer.writerows(
                [
                    str(uuid.uuid4()),
                    recorded_at,
                    engagement,
                    session,
                    form,
                    "1" if submission % 12 < 8 else "2",
                    "section",
                    f"item_{i:02d}",
                    "text",
                    values[(submission + i) % len(values)],
                    "1.0",
                    "1",
                    "",
                ]
                for i in range(count)
            )
            written += count
            submission += 1
        # On disk before timing starts, or the first timed fsync would pay for it all.
        handle.flush()
        os.fsync(handle.fileno())
    return path.stat().st_size, time.perf_counter() - started


def time_submits(store: ResponseStore, submissions: int) -> list[float]:
    answers = prep_answers()
    timings = []
    for _ in range(submissions):
        started = time.perf_counter()
        store.submit(
            engagement_id=NEW_ENGAGEMENT,
            form="prep",
            meeting_number=1,
            answers=answers,
            instrument_version="1.0",
        )
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def naive_pandas(path: Path, runs: int) -> list[float]:
    """What the store replaces: read the whole file, add the rows, write it all back."""
    import pandas as pd

    answers = prep_answers()
    timings = []
    for run in range(runs):
        started = time.perf_counter()
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        session = str(uuid.uuid4())
        new = pd.DataFrame(
            [
                {
                    "record_id": str(uuid.uuid4()),
                    "recorded_at": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
                    "engagement_id": NEW_ENGAGEMENT,
                    "session_id": session,
                    "form": "prep",
                    "meeting_number": "1",
                    "section": a.section,
                    "item_id": a.item_id,
                    "item_type": a.item_type,
                    "value": a.value,
                    "instrument_version": "1.0",
                    "revision": str(run + 1),
                    "supersedes": "",
                }
                for a in answers
            ]
        )
        pd.concat([frame, new], ignore_index=True).to_csv(path, index=False)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def summary(timings: list[float]) -> str:
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"p50 {statistics.median(ordered):8.2f} ms   p95 {p95:8.2f} ms   "
        f"max {ordered[-1]:8.2f} ms   (n={len(ordered)})"
    )


def p95(timings: list[float]) -> float:
    ordered = sorted(timings)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows already saved")
    parser.add_argument("--submissions", type=int, default=200, help="saves to time")
    parser.add_argument("--baseline-runs", type=int, default=5, help="naive pandas rewrites")
    parser.add_argument("--dir", type=Path, default=None, help="where to make the temp folder")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kit-bench-", dir=args.dir))
    try:
        print(f"Python {platform.python_version()} on {platform.system()}; folder {work}")
        print(
            f"Each save: {len(prep_answers())} answers, "
            f"{sum(len(a.value) for a in prep_answers()) / 1000:.1f} kB of text\n"
        )

        (work / "empty").mkdir()
        empty = ResponseStore(work / "empty")
        on_empty = time_submits(empty, args.submissions)
        print(f"empty store           {summary(on_empty)}")

        big_root = work / "big"
        big_root.mkdir()
        size, seconds = fill(big_root / "responses.csv", args.rows)
        print(
            f"\nfilled responses.csv with {args.rows:,} rows ({size / 1e6:.0f} MB) "
            f"in {seconds:.1f} s (csv module, no index)"
        )
        big = ResponseStore(big_root)
        indexing = timed(lambda: big.submitted(NEW_ENGAGEMENT))
        print(
            f"one-off indexing of those rows (a file copied in without its index): {indexing:.1f} s"
        )
        on_big = time_submits(big, args.submissions)
        print(f"{args.rows:>9,} rows        {summary(on_big)}")
        reopen = [timed(lambda: big.latest(NEW_ENGAGEMENT, "prep", 1)) * 1000 for _ in range(50)]
        print(f"reopen (latest)       {summary(reopen)}")
        saved = big.history(NEW_ENGAGEMENT)
        assert len(saved) == args.submissions and saved[-1].revision == args.submissions

        print("\nnaive pandas (read_csv all, concat, to_csv all) on the same file:")
        baseline = naive_pandas(big.responses_path, args.baseline_runs)
        print(f"naive pandas          {summary(baseline)}")
        ratio = statistics.median(baseline) / statistics.median(on_big)
        print(f"ratio baseline/kit (p50): {ratio:,.0f}x")

        verdict = "PASS" if p95(on_big) < TARGET_P95_MS else "FAIL"
        print(
            f"\ntarget p95 < {TARGET_P95_MS:.0f} ms: {verdict} "
            f"(p95 {p95(on_big):.2f} ms at {args.rows:,} rows, "
            f"{p95(on_empty):.2f} ms on an empty store)"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
