"""The store under real contention and real SIGKILLs (separate processes, not threads)."""

from __future__ import annotations

import csv
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from widgets.store.records import RESPONSE_COLUMNS, Answer
from widgets.store.responses import ResponseStore

REPO = Path(__file__).resolve().parents[1]
HEADER = ",".join(RESPONSE_COLUMNS).encode()

WORKERS = 6
SUBMISSIONS = 20
ROWS = 15


def engagement_of(worker: int) -> str:
    # Two workers per engagement: revisions are contended too, not only the file.
    return f"e-{worker // 2:012x}"


def _submit_many(
    root: str, worker: int, start: multiprocessing.synchronize.Barrier, spans: multiprocessing.Queue
) -> None:
    store = ResponseStore(Path(root))
    start.wait(60)  # every process is imported and ready: they all go at once
    began = time.time()
    for n in range(SUBMISSIONS):
        store.submit(
            engagement_id=engagement_of(worker),
            form="prep",
            meeting_number=1,
            answers=[
                Answer("s", f"item_{i:02d}", "long_text", f'w{worker} n{n} i{i}, "q"\r\nline 2')
                for i in range(ROWS)
            ],
            instrument_version="1.0",
        )
    spans.put((began, time.time()))


def test_processes_saving_at_once_lose_nothing_and_never_interleave(tmp_path: Path) -> None:
    import pandas as pd

    context = multiprocessing.get_context("spawn")
    start = context.Barrier(WORKERS + 1)
    spans = context.Queue()
    workers = [
        context.Process(target=_submit_many, args=(str(tmp_path), worker, start, spans))
        for worker in range(WORKERS)
    ]
    for process in workers:
        process.start()
    start.wait(60)
    for process in workers:
        process.join(60)
        assert process.exitcode == 0
    ran = [spans.get(timeout=5) for _ in workers]

    path = tmp_path / "responses.csv"
    assert path.read_bytes().count(HEADER) == 1
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert len(frame) == WORKERS * SUBMISSIONS * ROWS
    assert frame["record_id"].is_unique

    rows = ResponseStore(tmp_path).read_rows()
    assert len(rows) == len(frame)
    positions: dict[str, list[int]] = defaultdict(list)
    for position, row in enumerate(rows):
        positions[row["session_id"]].append(position)
    assert len(positions) == WORKERS * SUBMISSIONS
    for found in positions.values():
        assert found == list(range(found[0], found[0] + ROWS)), "a submission was interleaved"
    # They really competed: every process was saving before any had finished.
    assert max(began for began, _ in ran) < min(ended for _, ended in ran)

    store = ResponseStore(tmp_path)
    for engagement in {engagement_of(w) for w in range(WORKERS)}:
        history = store.history(engagement)
        assert [s.revision for s in history] == list(range(1, 2 * SUBMISSIONS + 1))
        for earlier, later in zip(history, history[1:], strict=False):
            assert later.supersedes == earlier.session_id
        assert all(len(s.answers) == ROWS for s in history)


# A writer that never stops: large submissions (many pages per write, each answer under
# the store's size cap) with newlines and quotes.
WRITER_ITEMS = 24
WRITER = """
import sys
from pathlib import Path
from widgets.store.records import Answer
from widgets.store.responses import ResponseStore

store = ResponseStore(Path(sys.argv[1]))
big = ('he said "stop"\\r\\n' + "x" * 70 + "\\n") * 180
n = 0
while True:
    store.submit(
        engagement_id="e-00000000beef",
        form="meeting" if n % 2 else "prep",
        meeting_number=1,
        answers=[
            Answer("s", f"item_{i}", "long_text", f"{n}-{i} " + big) for i in range(WRITER_ITEMS)
        ],
        instrument_version="1.0",
    )
    n += 1
""".replace("WRITER_ITEMS", str(WRITER_ITEMS))


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_writer_killed_at_random_moments_leaves_only_whole_submissions(tmp_path: Path) -> None:
    import pandas as pd

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    randomness = random.Random(20250101)
    responses = tmp_path / "responses.csv"
    kills = mid_save = 0
    for attempt in range(10):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], env=env)
        _wait_for_growth(responses, timeout=10)  # started and saving
        if attempt % 2:
            # Right as a save's bytes land: inside write(), or before the index is written.
            _wait_for_growth(responses, timeout=10)
            _spin(randomness.uniform(0.0, 0.001))
        else:
            time.sleep(randomness.uniform(0.0, 0.3))
        writer.send_signal(signal.SIGKILL)
        writer.wait(10)
        kills += 1
        mid_save += (tmp_path / ".store.pending").exists()
    assert mid_save > 0, "no kill landed inside a save: the test proved nothing"

    store = ResponseStore(tmp_path)
    rows = store.read_rows()  # takes the lock: rolls back whatever the last kill tore
    assert not (tmp_path / ".store.pending").exists()
    frame = pd.read_csv(tmp_path / "responses.csv", dtype=str, keep_default_na=False)
    assert len(frame) == len(rows) > 0
    assert list(frame["value"]) == [row["value"] for row in rows]

    per_session = Counter(row["session_id"] for row in rows)
    assert set(per_session.values()) == {WRITER_ITEMS}, "a submission is missing rows"
    with open(tmp_path / "index" / "e-00000000beef.csv", newline="", encoding="utf-8") as handle:
        indexed = {row["session_id"]: int(row["rows"]) for row in csv.DictReader(handle)}
    assert indexed == dict(per_session)
    history = store.history("e-00000000beef")
    assert sum(len(s.answers) for s in history) == len(rows)
    for form in ("prep", "meeting"):
        revisions = [s.revision for s in history if s.form == form]
        assert revisions == list(range(1, len(revisions) + 1))
    print(f"{len(history)} whole submissions; {mid_save} of {kills} kills landed mid-save")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _wait_for_growth(path: Path, timeout: float) -> None:
    """Poll without sleeping, so the kill can follow a write within microseconds."""
    size = _size(path)
    deadline = time.monotonic() + timeout
    while _size(path) == size:
        assert time.monotonic() < deadline, "the writer never wrote"


def _spin(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass
