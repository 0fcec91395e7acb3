"""``python -m widgets.analysis.export``: the program export from the command line.

    python -m widgets.analysis.export --out DIR [sources...] [--key KEY] [--withhold-text]

A refused export (no key, training data, unreadable source) prints why and exits with
status 2, so a script that chains exports stops instead of sharing a partial one.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from widgets.analysis.export.program import KEY_ENV, ExportError, export_program

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the export from command-line arguments; the exit status (0, or 2 if refused)."""
    parser = argparse.ArgumentParser(
        prog="python -m widgets.analysis.export",
        description="Write a redacted program dataset (no names, pseudonymous ids, free "
        "text only with consent) with its codebook and datapackage.json.",
    )
    parser.add_argument("--out", required=True, type=Path, help="folder to write the export to")
    parser.add_argument("sources", nargs="*", help="data folders, responses files or globs")
    parser.add_argument("--key", help=f"export key (default: ${KEY_ENV})")
    parser.add_argument(
        "--withhold-text",
        action="store_true",
        help="withhold every free-text answer (needed for sources without their registry)",
    )
    args = parser.parse_args(argv)
    try:
        summary = export_program(
            args.out, *args.sources, key=args.key, withhold_text=args.withhold_text
        )
    except (ExportError, ValueError, OSError) as exc:
        print(f"Export refused: {exc}", file=sys.stderr)
        return 2
    print(
        f"Exported {summary.rows} rows ({summary.sessions} sessions, {summary.engagements} "
        f"engagements) to {summary.out}; {summary.redacted_values} free-text answers "
        "withheld (no consent, or whose people are unknown)."
    )
    return 0
