"""``codebook.csv`` beside the data: what every stored item_id means.

Generated from the instrument YAML, so analysts always read the wording and choices
of the instrument version that wrote the data.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from widgets.instrument.derived_items import CodebookEntry
from widgets.instrument.instrument import Instrument
from widgets.instrument.yaml_loading import load_instrument
from widgets.store.tables import read_table, write_table

__all__ = ["CODEBOOK_COLUMNS", "codebook_rows", "write_codebook", "ensure_codebook"]

CODEBOOK_COLUMNS = tuple(f.name for f in dataclasses.fields(CodebookEntry))


def codebook_rows(instrument: Instrument) -> list[dict[str, str]]:
    rows = []
    for entry in instrument.codebook():
        row = dataclasses.asdict(entry)
        rows.append(
            {k: ("yes" if v is True else "no" if v is False else str(v)) for k, v in row.items()}
        )
    return rows


def write_codebook(path: Path, instrument: Instrument | None = None) -> Path:
    """Write the codebook for ``instrument`` (the kit's own by default) to ``path``."""
    write_table(path, CODEBOOK_COLUMNS, codebook_rows(instrument or load_instrument()))
    return path


def ensure_codebook(root: Path, instrument: Instrument | None = None) -> Path:
    """Keep ``root/codebook.csv`` in step with the instrument; rewrite only on change."""
    path = root / "codebook.csv"
    rows = codebook_rows(instrument or load_instrument())
    if read_table(path) != rows:
        write_table(path, CODEBOOK_COLUMNS, rows)
    return path
