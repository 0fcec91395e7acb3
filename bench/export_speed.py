"""How fast the program export writes a large program, and how much memory it takes.

    .venv/bin/python bench/export_speed.py [--rows 1000000 5000000] [--data PATH] [--dir PATH]

At each size, writes a schema-true synthetic program (:mod:`bench.synthetic`, the same
files as ``analysis_load.py``) into a temporary folder, or reuses the one kept under
``--data`` (``program-<rows>``, written there on the first run), and runs
``export_program`` on it in a fresh process, so the peak memory printed is the
export's own. Prints rows per second, wall time, CPU time and the process's peak RSS
(with the part above its footprint after the imports), against the targets: 1M rows in
at most 10 s and 1 GiB, 5M rows within 6 GiB. Never fails on timings.
``analysis_load.py`` calls :func:`measure_export_in_child` on its own programs, so one
run of it gives the export's figures at both sizes too.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.synthetic import (  # noqa: E402
    describe_machine,
    load_average,
    peak_rss_mib,
    program_folder,
    run_child,
    write_program,
)

KEY = "bench-export-key-0123456789abcdef"
# Where the analysis loader keeps its parse cache when set (widgets.analysis.cache).
CACHE_ENV = "ALIGNMENT_KIT_CACHE"
# rows -> (seconds, MiB): the targets the export is judged on at each size.
TARGETS = {1_000_000: (10.0, 1024.0), 5_000_000: (math.inf, 6144.0)}


def export_target(rows: int) -> tuple[float, float]:
    """(seconds, MiB) the export of ``rows`` rows is judged on: the nearest size's."""
    return TARGETS[min(TARGETS, key=lambda size: abs(size - rows))]


def measure(data: Path, out: Path) -> dict[str, float]:
    """One export of ``data`` into ``out``, in this process (called in a fresh child)."""
    from widgets.analysis.export.program import export_program
    from widgets.instrument.yaml_loading import load_instrument

    instrument = load_instrument()
    before = peak_rss_mib()
    started, cpu_started = time.perf_counter(), time.process_time()
    summary = export_program(out, data, key=KEY, instrument=instrument)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    peak = peak_rss_mib()
    return {
        "seconds": seconds,
        "cpu": cpu,
        "peak_mib": peak,
        "above_mib": peak - before,
        "rows": summary.rows,
    }


def measure_export_in_child(data: Path, out: Path) -> dict[str, Any]:
    """Export ``data`` into ``out`` in a fresh process; its figures. ``out`` is removed.

    The export loads through the parse cache like any load; it is pointed at an empty
    cache folder beside ``out`` (removed too), so every run is a first export and
    nothing is left in the data folder.
    """
    cache = out.with_name(f"{out.name}-cache")
    try:
        return run_child(
            __file__, "--measure", str(data), "--out", str(out), env={CACHE_ENV: str(cache)}
        )
    finally:
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=sorted(TARGETS))
    parser.add_argument(
        "--data", type=Path, help="keep the written programs here and reuse them in later runs"
    )
    parser.add_argument("--dir", type=Path, help="parent folder for the temporary files")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.out)))
        return 0

    print(f"{describe_machine()}; load average {load_average()}")
    work = Path(tempfile.mkdtemp(prefix="export-bench-", dir=args.dir))
    try:
        for size in args.rows:
            data = program_folder(args.data or work, size)
            started = time.perf_counter()
            rows, engagements = write_program(data, size)
            print(
                f"{rows:,} rows ({engagements:,} engagements) ready in "
                f"{time.perf_counter() - started:.1f} s"
            )
            result = measure_export_in_child(data, work / "export")
            rows, seconds, peak = int(result["rows"]), result["seconds"], result["peak_mib"]
            print(
                f"  export of {rows:,} rows: {seconds:.2f} s, {rows / seconds:,.0f} rows/s, "
                f"peak {peak:,.0f} MiB (+{result['above_mib']:,.0f}); CPU {result['cpu']:.2f} s "
                "(on a shared machine the wall time waits for other work, the CPU time does not)"
            )
            max_seconds, max_mib = export_target(rows)
            ok = seconds <= max_seconds and peak <= max_mib
            limit = "" if math.isinf(max_seconds) else f"<= {max_seconds:.0f} s and "
            print(
                f"  RESULT {'PASS' if ok else 'FAIL'} (target at {rows:,} rows: {limit}"
                f"<= {max_mib:,.0f} MiB); load average {load_average()}"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
