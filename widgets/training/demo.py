"""Synthetic program data: made-up engagements, written through the real store.

    python -m widgets.training.demo --engagements 500 --seed 1 --out DIR

Demos, training and the analysis notebook need data that looks like a real program
(varied timings, overruns, consents, second meetings, corrected forms) without anyone's
real answers. Everything goes through ``EngagementRegistry`` and ``ResponseStore.submit``,
so the files are always exactly what the kit itself writes. Each engagement and its
answers are drawn by :mod:`widgets.training.demo_engagement`, item by item from the
instrument's types and ``sample_answers.yaml``: no item is named in code, so a new
question appears in demo data too.

The answers are a pure function of the seed (``generate_program``). The identifiers the
registry and the store issue (engagement, session and record ids) stay random on purpose:
they must never carry information, so two runs with one seed give the same answers
under different ids.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from widgets.instrument.codebook import ensure_codebook
from widgets.instrument.instrument import Instrument
from widgets.instrument.yaml_loading import load_instrument
from widgets.store.registry import Engagement, EngagementRegistry
from widgets.store.responses import ResponseStore
from widgets.training.demo_engagement import (
    COACHES,
    FIRST_NAMES,
    PROGRAMS,
    DemoEngagement,
    DemoSubmission,
    EngagementDraw,
)
from widgets.training.sample_answers import load_sample_answers

__all__ = [
    "FIRST_NAMES",
    "COACHES",
    "PROGRAMS",
    "DemoSubmission",
    "write_engagement",
    "DemoEngagement",
    "generate_program",
    "write_program",
    "main",
]


def generate_program(
    engagements: int, seed: int, *, instrument: Instrument | None = None
) -> Iterator[DemoEngagement]:
    """Yield ``engagements`` made-up engagements; the same seed gives the same answers.

    A generator, so a benchmark can turn a million rows into a file without holding
    them all as objects at once.
    """
    if engagements < 0:
        raise ValueError(f"engagements must be 0 or more, not {engagements}.")
    instrument = instrument or load_instrument()
    samples = load_sample_answers()
    rng = random.Random(seed)
    for _ in range(engagements):
        one = EngagementDraw(random.Random(rng.getrandbits(64)), instrument, samples)
        yield one.build(second_meeting=rng.random() < 0.3)


@dataclass(frozen=True)
class DemoSummary:
    engagements: int
    submissions: int
    rows: int
    seconds: float


def write_engagement(
    demo: DemoEngagement,
    root: Path,
    *,
    instrument: Instrument,
    only: Collection[tuple[str, int]] | None = None,
    clock: Callable[[], datetime] | None = None,
) -> tuple[Engagement, int, int]:
    """Register one made-up engagement and save its forms, each stamped at its own time.

    ``only`` keeps just the listed (form, meeting_number) saves, so a training sample
    can stop at any stage; ``clock`` is when it is registered (samples dated around the
    day they are loaded pass theirs). Returns the engagement, the saves and the rows
    written.
    """
    registry = EngagementRegistry(root, clock=clock) if clock else EngagementRegistry(root)
    engagement = registry.create(
        first_name=demo.first_name,
        coach=demo.coach,
        program=demo.program,
        cohort=demo.cohort,
        start_date=demo.start_date,
    )
    moment: list[datetime] = [datetime.now(timezone.utc)]
    store = ResponseStore(root, clock=lambda: moment[0])
    submissions = rows = 0
    for save in demo.submissions:
        if only is not None and (save.form, save.meeting_number) not in only:
            continue
        moment[0] = save.recorded_at
        store.submit(
            engagement_id=engagement.engagement_id,
            form=save.form,
            meeting_number=save.meeting_number,
            answers=save.answers,
            instrument_version=instrument.version,
        )
        submissions += 1
        rows += len(save.answers)
    return engagement, submissions, rows


def write_program(
    out: Path | str,
    engagements: int,
    seed: int,
    *,
    instrument: Instrument | None = None,
    progress: Callable[[int], None] | None = None,
) -> DemoSummary:
    """Write a made-up program into the data root ``out`` through the registry and store."""
    started = time.perf_counter()
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    instrument = instrument or load_instrument()
    submissions = rows = count = 0
    for count, demo in enumerate(
        generate_program(engagements, seed, instrument=instrument), start=1
    ):
        _engagement, saved, written = write_engagement(demo, root, instrument=instrument)
        submissions += saved
        rows += written
        if progress is not None:
            progress(count)
    ensure_codebook(root, instrument)
    return DemoSummary(count, submissions, rows, time.perf_counter() - started)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m widgets.training.demo",
        description="Write a made-up coaching program (fictional names) into a data folder.",
    )
    parser.add_argument("--engagements", type=int, default=500, help="how many (default 500)")
    parser.add_argument("--seed", type=int, default=1, help="same seed, same answers")
    parser.add_argument("--out", required=True, type=Path, help="data folder to write into")
    args = parser.parse_args(argv)
    if args.engagements < 0:
        parser.error(f"--engagements must be 0 or more, not {args.engagements}")
    if (args.out / "responses.csv").exists():
        parser.error(
            f"{args.out} already holds responses.csv; demo data must not mix with other "
            "data. Choose an empty folder."
        )
    summary = write_program(args.out, args.engagements, args.seed)
    print(
        f"Wrote {summary.engagements} made-up engagements ({summary.submissions} saves, "
        f"{summary.rows} rows) to {args.out} in {summary.seconds:.1f} s."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
