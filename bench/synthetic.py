"""What the data benchmarks share: a large made-up program, and measuring a fresh process.

The analysis and export benchmarks judge the kit on the same files, so they write them
the same way: answers from ``widgets.training.demo``, rows through the store's own table
writer, so the file is exactly what the kit writes. Each figure is measured in a fresh
child process, so its peak memory is its own and no cache of an earlier step helps it.
"""

from __future__ import annotations

import json
import os
import platform
import random
import resource
import subprocess
import sys
import uuid
from datetime import timezone
from pathlib import Path
from typing import Any

__all__ = [
    "describe_machine",
    "load_average",
    "peak_rss_mib",
    "program_folder",
    "run_child",
    "write_program",
]

# Rows are written in batches of this many, so the writer never holds millions of them.
_BATCH = 200_000


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far, in MiB."""
    try:  # Linux: the high-water mark, which getrusage does not report everywhere
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    # ru_maxrss is KiB on Linux, bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def load_average() -> str:
    """The 1, 5 and 15-minute load averages: on a busy machine every figure is slower."""
    try:
        return "/".join(f"{value:.1f}" for value in os.getloadavg())
    except (AttributeError, OSError):
        return "unknown"


def describe_machine(packages: tuple[str, ...] = ("pandas", "pyarrow", "numpy")) -> str:
    """Python, cores and the versions of the packages that move the figures."""
    from importlib.metadata import PackageNotFoundError, version

    parts = [f"python {platform.python_version()}", f"{os.cpu_count()} cores"]
    for name in packages:
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} not installed")
    return ", ".join(parts)


def run_child(script: str, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``script`` with ``args`` in a fresh interpreter; its last stdout line, as JSON.

    ``env`` adds to this process's environment.
    """
    done = subprocess.run(
        [sys.executable, script, *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )
    if done.returncode != 0:
        raise RuntimeError(f"{Path(script).name} {' '.join(args)} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def program_folder(parent: Path, rows: int) -> Path:
    """The folder holding the made-up program of ``rows`` rows under ``parent``."""
    return parent / f"program-{rows}"


def write_program(folder: Path, rows: int, seed: int = 1) -> tuple[int, int]:
    """About ``rows`` rows of made-up engagements; returns (rows, engagements) written.

    A folder already holding a complete program of that size (a ``.complete`` marker
    written last) is reused as it is, so several benchmarks can share one.
    """
    from widgets.store.records import RESPONSE_COLUMNS
    from widgets.store.registry import REGISTRY_COLUMNS
    from widgets.store.tables import append_table
    from widgets.training.demo import generate_program

    marker = folder / ".complete"
    if marker.is_file():
        done = json.loads(marker.read_text())
        return int(done["rows"]), int(done["engagements"])
    for stale in (folder / "responses.csv", folder / "private" / "engagements.csv"):
        stale.unlink(missing_ok=True)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)

    rng = random.Random(seed)

    def new_id() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    batch: list[dict[str, object]] = []
    registry: list[dict[str, object]] = []
    written = engagements = 0
    for demo in generate_program(rows // 70 + 1, seed):
        if written + len(batch) >= rows:
            break
        engagements += 1
        engagement_id = f"e-{rng.getrandbits(48):012x}"
        registry.append(
            {
                "engagement_id": engagement_id,
                "first_name": demo.first_name,
                "coach": demo.coach,
                "program": demo.program,
                "cohort": demo.cohort,
                "start_date": demo.start_date.isoformat(),
                "created_at": "2025-01-01T00:00:00+00:00",
            }
        )
        latest: dict[tuple[str, int], tuple[str, int]] = {}
        for save in demo.submissions:
            previous = latest.get((save.form, save.meeting_number))
            session_id = new_id()
            revision = previous[1] + 1 if previous else 1
            recorded_at = save.recorded_at.astimezone(timezone.utc).isoformat(
                timespec="milliseconds"
            )
            for answer in save.answers:
                batch.append(
                    {
                        "record_id": new_id(),
                        "recorded_at": recorded_at,
                        "engagement_id": engagement_id,
                        "session_id": session_id,
                        "form": save.form,
                        "meeting_number": save.meeting_number,
                        "section": answer.section,
                        "item_id": answer.item_id,
                        "item_type": answer.item_type,
                        "value": answer.value,
                        "instrument_version": "1.0.0",
                        "revision": revision,
                        "supersedes": previous[0] if previous else "",
                    }
                )
            latest[(save.form, save.meeting_number)] = (session_id, revision)
        if len(batch) >= _BATCH:
            append_table(folder / "responses.csv", RESPONSE_COLUMNS, batch)
            written += len(batch)
            batch = []
    append_table(folder / "responses.csv", RESPONSE_COLUMNS, batch)
    written += len(batch)
    append_table(folder / "private" / "engagements.csv", REGISTRY_COLUMNS, registry)
    marker.write_text(json.dumps({"rows": written, "engagements": engagements}))
    return written, engagements
