"""The analysis on 1M and 5M response rows, beside DuckDB doing its timing tables on the same file.

    .venv/bin/python bench/analysis_load.py [--rows 1000000 5000000] [--runs 1]
        [--dir PATH] [--data PATH] [--no-export]

An analyst's first question of a new export is "how long until I see the tables, and
will my laptop cope". The kit answers it with pandas on a typed long table; a columnar
SQL engine is the obvious alternative, so the kit is measured beside one, on the same
file, in the same run (a shared machine slows both alike; the ratio is what is judged).

At each size a schema-true synthetic program is written (:mod:`bench.synthetic`), then
each figure is measured in a fresh process, so its peak memory is its own:

* kit, first load: ``load_responses`` with an empty parse cache, then ``wide_sessions``,
  ``meetings_table`` and ``all_metrics`` (every table of the analysis notebook);
* DuckDB (default threads) reading the same ``responses.csv`` and computing the
  agenda-timing and meetings-by-month tables in SQL with the kit's definitions
  (:mod:`bench.duckdb_tables`); both tables are compared with the kit's, value by
  value, and the first difference is printed, so the race is over the same answers;
* kit, later load: the same with the cache the first load left (secondary figure);
* the floor (:mod:`bench.load_floor`): only reading every column of the file and
  laying it out one row per session, which any way of computing the kit's tables must
  do first; its time beside DuckDB's says how much is left for the rest;
* the program export of the same folder (:mod:`bench.export_speed`): rows per second
  and peak memory, unless ``--no-export``.

Time is wall-clock from after the imports; CPU time (all threads) is printed beside it
because on a shared machine the wall time waits for other work. Peak memory is the
process's peak RSS, with the part above its footprint after the imports in brackets.
Targets: kit/DuckDB <= 1.0 at 1M rows and <= 1.5 at 5M; kit peak under 6 GiB at 5M;
export 1M rows in <= 10 s and <= 1 GiB, 5M rows within 6 GiB. Never fails on timings:
verdicts are printed, the exit status is 0 unless a measurement crashed.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.export_speed import export_target, measure_export_in_child  # noqa: E402
from bench.synthetic import (  # noqa: E402
    describe_machine,
    load_average,
    peak_rss_mib,
    program_folder,
    run_child,
    write_program,
)

# Kit time / DuckDB time, at most, by size; and the kit's peak memory (MiB) at most.
RATIO_TARGETS = {1_000_000: 1.0, 5_000_000: 1.5}
KIT_PEAK_TARGET_MIB = 6 * 1024
TABLES = ("meetings_by_month", "section_timing")


def _plain(value: Any) -> Any:
    """A table cell as plain JSON: None for any missing value, Python numbers."""
    import pandas as pd

    if isinstance(value, str):
        return value
    if pd.isna(value):
        return None
    return value.item() if hasattr(value, "item") else value


def _table(frame: Any) -> dict[str, Any]:
    return {
        "columns": [str(column) for column in frame.columns],
        "rows": [[_plain(v) for v in row] for row in frame.itertuples(index=False, name=None)],
    }


def measure(kind: str, folder: Path, cache: Path) -> dict[str, Any]:
    """One measurement in this process (called in a fresh child per measurement)."""
    import pandas  # noqa: F401 - imported before the clock starts, as the kit's modules are

    if kind == "duckdb":
        import duckdb  # noqa: F401

        from bench.duckdb_tables import duckdb_tables
    elif kind == "floor":
        from bench.load_floor import read_and_pivot
    else:
        from widgets.analysis.long_table import load_responses
        from widgets.analysis.meetings_table import meetings_table
        from widgets.analysis.metrics import all_metrics
        from widgets.analysis.wide_table import wide_sessions
    from widgets.instrument.yaml_loading import load_instrument

    instrument = load_instrument()
    before = peak_rss_mib()
    started, cpu_started = time.perf_counter(), time.process_time()
    if kind == "duckdb":
        tables = duckdb_tables(folder, instrument)
        rows = 0
    elif kind == "floor":
        rows = read_and_pivot(folder)[0]
        tables = {}
    else:
        long = load_responses(folder, cache=cache, instrument=instrument)
        sessions = wide_sessions(long, instrument=instrument)
        meetings = meetings_table(sessions, instrument=instrument)
        tables = all_metrics(sessions, instrument=instrument)
        rows = len(long)
        assert len(meetings) and len(tables) == 9
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak = peak_rss_mib()
    return {
        "seconds": seconds,
        "cpu": cpu,
        "peak_mib": peak,
        "above_mib": peak - before,
        "rows": rows,
        "tables": {name: _table(tables[name]) for name in TABLES if name in tables},
    }


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return bool(a == b)


def first_difference(
    kit: dict[str, Any], other: dict[str, Any], names: tuple[str, str] = ("kit", "DuckDB")
) -> str | None:
    """Where ``other``'s tables first differ from the kit's, or None when they agree."""
    for name in TABLES:
        mine, theirs = kit[name], other[name]
        if mine["columns"] != theirs["columns"]:
            return f"{name}: columns {mine['columns']} vs {theirs['columns']}"
        if len(mine["rows"]) != len(theirs["rows"]):
            return (
                f"{name}: {len(mine['rows'])} rows ({names[0]}) vs "
                f"{len(theirs['rows'])} ({names[1]})"
            )
        for number, (left, right) in enumerate(zip(mine["rows"], theirs["rows"], strict=True)):
            for column, x, y in zip(mine["columns"], left, right, strict=True):
                if not _same(x, y):
                    key = ", ".join(
                        f"{c} {v}" for c, v in zip(mine["columns"], left[:2], strict=False)
                    )
                    return (
                        f"{name} row {number} ({key}), {column}: {names[0]} {x!r}, {names[1]} {y!r}"
                    )
    return None


def _child(kind: str, folder: Path, cache: Path) -> dict[str, Any]:
    return run_child(__file__, "--measure", kind, "--folder", str(folder), "--cache", str(cache))


def _median(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The median run by wall time (its CPU time and tables with it); the highest peak."""
    chosen = sorted(results, key=lambda r: r["seconds"])[len(results) // 2]
    return {
        **chosen,
        "seconds": statistics.median(r["seconds"] for r in results),
        "peak_mib": max(r["peak_mib"] for r in results),
        "above_mib": max(r["above_mib"] for r in results),
    }


def _line(label: str, result: dict[str, Any]) -> str:
    return (
        f"  {label:<58} {result['seconds']:6.2f} s  (CPU {result['cpu']:5.2f} s)  "
        f"peak {result['peak_mib']:6,.0f} MiB (+{result['above_mib']:,.0f})"
    )


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def run_size(rows: int, parent: Path, work: Path, runs: int, export: bool) -> dict[str, Any]:
    """Every measurement at one size; prints them and returns the summary line's figures."""
    folder = program_folder(parent, rows)
    started = time.perf_counter()
    written, engagements = write_program(folder, rows)
    size = (folder / "responses.csv").stat().st_size / 1024**2
    print(
        f"\n== {written:,} rows ({engagements:,} engagements, {size:,.0f} MiB of CSV), "
        f"ready in {time.perf_counter() - started:.1f} s; load average {load_average()}"
    )
    cache = work / f"cache-{rows}"
    kinds = ("first", "duckdb", "later", "floor")
    results: dict[str, list[dict[str, Any]]] = {kind: [] for kind in kinds}
    for _ in range(runs):
        shutil.rmtree(cache, ignore_errors=True)
        results["first"].append(_child("kit", folder, cache))
        results["duckdb"].append(_child("duckdb", folder, cache))
        results["later"].append(_child("kit", folder, cache))
        results["floor"].append(_child("floor", folder, cache))
    shutil.rmtree(cache, ignore_errors=True)
    first, duck, later, floor = (_median(results[k]) for k in kinds)
    if runs > 1:
        print(f"  median of {runs} runs, each in a fresh process:")
    print(_line("kit, first load (empty cache) + meetings table + metrics", first))
    print(_line("DuckDB, same CSV: agenda timing + meetings by month", duck))
    print(_line("kit, later load (cache) + meetings table + metrics", later))
    print(_line("floor: read every column + one row per session, nothing else", floor))
    difference = first_difference(first["tables"], duck["tables"])
    shapes = ", ".join(f"{name} {len(first['tables'][name]['rows'])} rows" for name in TABLES)
    print(
        f"  tables agree: {'yes' if difference is None else 'no'} ({shapes})"
        + ("" if difference is None else f"\n    first difference: {difference}")
    )
    cached = first_difference(first["tables"], later["tables"], ("first load", "later load"))
    if cached is not None:
        print(f"  the later (cached) load's tables differ from the first load's: {cached}")
    ratio = first["seconds"] / duck["seconds"]
    cpu_ratio = first["cpu"] / duck["cpu"]
    target = RATIO_TARGETS.get(rows)
    judged = "" if target is None else f"  target <= {target:.1f}: {_verdict(ratio <= target)}"
    print(f"  RESULT kit/DuckDB {ratio:.2f} (CPU time {cpu_ratio:.2f}){judged}")
    print(
        f"  floor/DuckDB {floor['seconds'] / duck['seconds']:.2f}: at ratio {target or 1.0:.1f}, "
        f"{(target or 1.0) * duck['seconds'] - floor['seconds']:.2f} s would be left for typing, "
        f"the latest corrections, the registry, the checks, the meetings table and every "
        f"metric (the kit spends {first['seconds'] - floor['seconds']:.2f} s on them)"
    )
    peak_ok = first["peak_mib"] <= KIT_PEAK_TARGET_MIB
    print(
        f"  kit peak {first['peak_mib']:,.0f} MiB, target < {KIT_PEAK_TARGET_MIB:,} MiB: "
        f"{_verdict(peak_ok)}; later loads {later['seconds'] / duck['seconds']:.2f}x DuckDB"
    )
    summary = {
        "rows": written,
        "kit": first,
        "duckdb": duck,
        "later": later,
        "ratio": ratio,
        "floor": floor,
        "agree": difference is None,
    }
    if export:
        result = measure_export_in_child(folder, work / f"export-{rows}")
        seconds, peak = result["seconds"], result["peak_mib"]
        max_seconds, max_mib = export_target(int(result["rows"]))
        ok = seconds <= max_seconds and peak <= max_mib
        limit = "" if math.isinf(max_seconds) else f"<= {max_seconds:.0f} s and "
        print(
            f"  export: {int(result['rows']):,} rows in {seconds:.2f} s "
            f"(CPU {result['cpu']:.2f} s), {result['rows'] / seconds:,.0f} rows/s, "
            f"peak {peak:,.0f} MiB "
            f"(+{result['above_mib']:,.0f})   target {limit}<= {max_mib:,.0f} MiB: {_verdict(ok)}"
        )
        summary["export"] = result
    print(f"  load average after: {load_average()}")
    return summary


def _summary(sizes: list[dict[str, Any]]) -> None:
    print(
        "\nsummary (wall s / peak MiB; ratio = kit first load / DuckDB; "
        "floor = reading and pivoting alone / DuckDB)"
    )
    print(
        f"  {'rows':>10}  {'kit':>14}  {'DuckDB':>14}  {'ratio':>5}  {'floor':>5}  {'agree':>5}  "
        f"{'later':>6}  {'export rows/s':>13}  {'export peak':>11}"
    )
    for size in sizes:
        kit, duck = size["kit"], size["duckdb"]
        export = size.get("export")
        rate = f"{export['rows'] / export['seconds']:,.0f}" if export else "-"
        peak = f"{export['peak_mib']:,.0f}" if export else "-"
        print(
            f"  {size['rows']:>10,}  {kit['seconds']:6.2f} / {kit['peak_mib']:5,.0f}  "
            f"{duck['seconds']:6.2f} / {duck['peak_mib']:5,.0f}  {size['ratio']:5.2f}  "
            f"{size['floor']['seconds'] / duck['seconds']:5.2f}  "
            f"{'yes' if size['agree'] else 'NO':>5}  {size['later']['seconds']:6.2f}  "
            f"{rate:>13}  {peak:>11}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=sorted(RATIO_TARGETS))
    parser.add_argument("--runs", type=int, default=1, help="runs of each measurement")
    parser.add_argument("--dir", type=Path, help="parent folder for the temporary files")
    parser.add_argument(
        "--data", type=Path, help="keep the written programs here and reuse them in later runs"
    )
    parser.add_argument("--no-export", action="store_true", help="leave the export out")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.folder, args.cache)))
        return 0

    print(describe_machine(("pandas", "pyarrow", "numpy", "duckdb")))
    print(f"load average (1/5/15 min) {load_average()}")
    work = Path(tempfile.mkdtemp(prefix="analysis-bench-", dir=args.dir))
    try:
        parent = args.data or work
        sizes = [
            run_size(rows, parent, work, max(args.runs, 1), not args.no_export)
            for rows in args.rows
        ]
        _summary(sizes)
        print(f"load average (1/5/15 min) at the end {load_average()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
