"""How fast the program export writes a large program, and how much memory it takes.

    .venv/bin/python bench/export_speed.py [--rows 1000000] [--data PATH] [--dir PATH]

Writes a schema-true synthetic program (the same generator as ``analysis_load.py``) into
a temporary folder, unless ``--data`` names a folder that already holds one (then it is
reused, so 1M and 5M rows need writing only once), and runs ``export_program`` on it in
a fresh process, so the peak memory printed is the export's own. Prints rows per second,
wall time, CPU time and peak RSS above the process's footprint after its imports, against the
targets (1M rows in at most 10 s and 1 GB; 5M rows within 6 GB). Never fails on timings.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.analysis_load import _load, _rss_mib, _versions, write_program  # noqa: E402

KEY = "bench-export-key-0123456789abcdef"
# (rows, seconds, MiB): the targets the export is judged on at each size.
TARGETS = {1_000_000: (10.0, 1024.0), 5_000_000: (float("inf"), 6144.0)}


def measure(data: Path, out: Path) -> dict[str, float]:
    """One export of ``data`` into ``out``, in this process (called in a fresh child)."""
    from widgets.analysis.export.program import export_program
    from widgets.instrument.yaml_loading import load_instrument

    instrument = load_instrument()
    before = _rss_mib()
    started, cpu_started = time.perf_counter(), time.process_time()
    summary = export_program(out, data, key=KEY, instrument=instrument)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    return {"seconds": seconds, "cpu": cpu, "peak_mib": _rss_mib() - before, "rows": summary.rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--data", type=Path, help="a folder holding a program to reuse")
    parser.add_argument("--dir", type=Path, help="parent folder for the temporary files")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.out)))
        return 0

    work = Path(tempfile.mkdtemp(prefix="export-bench-", dir=args.dir))
    try:
        data = args.data or work / "data"
        if not (data / "responses.csv").exists():
            started = time.perf_counter()
            rows, engagements = write_program(data, args.rows)
            print(f"wrote {rows:,} rows ({engagements:,} engagements) in "
                  f"{time.perf_counter() - started:.1f} s")
        print(f"{_versions()}; load average {_load()}")
        output = subprocess.run(
            [sys.executable, __file__, "--measure", str(data), "--out", str(work / "export")],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        result = json.loads(output.strip().splitlines()[-1])
        rows, seconds, peak = int(result["rows"]), result["seconds"], result["peak_mib"]
        print(
            f"export of {rows:,} rows: {seconds:.2f} s, {rows / seconds:,.0f} rows/s, "
            f"peak +{peak:,.0f} MiB (CPU {result['cpu']:.2f} s: on a shared machine the wall "
            "time waits for other processes, the CPU time does not)"
        )
        size = min(TARGETS, key=lambda n: abs(n - rows))
        max_seconds, max_mib = TARGETS[size]
        ok = seconds <= max_seconds and peak <= max_mib
        limit = "" if max_seconds == float("inf") else f"<= {max_seconds:.0f} s and "
        print(f"RESULT {'PASS' if ok else 'FAIL'} (target at {size:,} rows: {limit}"
              f"<= {max_mib:,.0f} MiB)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
