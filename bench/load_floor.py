"""The least any loader of the kit's tables must do first, timed: the analysis bench's floor.

The analysis benchmark sets the kit beside DuckDB computing two of its tables. Before
it can answer anything, the kit must do two things no implementation can skip:

* read every column of ``responses.csv`` (the long table holds them all: record ids
  to keep overlapping copies once, revisions and save times to keep the latest
  correction, sections, item types and versions for the codebook checks), safely,
  with line breaks inside quoted values;
* lay the answers out as one row per session, since the meeting table joins every
  item of checklist, prep, meeting and debrief.

This module does exactly that and nothing more: pyarrow's reader on every core with
the kit's options, every text column dictionary-encoded (codes, not strings), and one
numpy scatter of value codes into an (item, session) grid. No typing, no choice of the
latest correction, no registry, no check, no metric. Its time beside DuckDB's says how
much of DuckDB's time is left for everything else the kit computes.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pyarrow as pa
from pyarrow import csv as pa_csv

__all__ = ["read_and_pivot"]


def read_and_pivot(folder: Path) -> tuple[int, int, int]:
    """Read every column of ``folder``'s responses.csv and pivot it: (rows, items, sessions)."""
    path = folder / "responses.csv"
    with open(path, encoding="utf-8") as handle:
        names = next(csv.reader([handle.readline()]))
    encoded = pa.dictionary(pa.int32(), pa.string())
    table = pa_csv.read_csv(
        str(path),
        read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1),
        parse_options=pa_csv.ParseOptions(newlines_in_values=True),
        convert_options=pa_csv.ConvertOptions(
            column_types={name: pa.string() if name == "record_id" else encoded for name in names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    ).unify_dictionaries()

    def codes(name: str) -> tuple[np.ndarray, int]:
        chunks = table.column(name).chunks
        values = np.concatenate([chunk.indices.to_numpy() for chunk in chunks])
        return values, len(chunks[0].dictionary)

    sessions, session_count = codes("session_id")
    items, item_count = codes("item_id")
    values, _ = codes("value")
    grid = np.full((item_count, session_count), -1, dtype=np.int32)
    grid[items, sessions] = values
    return table.num_rows, item_count, session_count
