"""A responses CSV as text columns, read fast and read right.

The first load is what an analyst waits for, so parsing itself is fast: pyarrow's CSV
reader uses every core and hands each text column over dictionary-encoded (int32 codes
plus the distinct strings), which become categoricals without ever building a Python
string per cell; typing (:mod:`widgets.analysis.long_columns`) then converts numbers
and timestamps once per distinct value, not once per row.

Values may hold line breaks (the store writes them inside quotes), so the reader is
told to expect them; reading without that is faster but can silently split a row where
a block boundary falls inside one. One pyarrow bug remains (below); the files it could
hurt are recognised and read by pandas' own parser instead.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from pyarrow import compute as pc
from pyarrow import csv as pa_csv

from widgets.analysis.categoricals import categorical

__all__ = ["read_csv_columns"]

# How much of a file each of the reader's threads parses at a time: big enough that a
# million rows are a few dozen blocks, small enough that both cores get several.
_BLOCK_BYTES = 8 << 20


def read_csv_columns(data: str | io.BytesIO, names: list[str] | None) -> tuple[dict[str, Any], int]:
    """A responses CSV -> (column -> values, rows), every text column dictionary-encoded.

    ``data`` is a file path, or the bytes appended since a cached parse (then ``names``
    is the file's header, which those bytes lack). pyarrow's reader tokenises on every
    core and hands each text column over as a dictionary (codes plus its distinct
    values), so a million cells become one small array of Python strings and an int32
    array instead of a million string objects, and categoricals come for free.
    ``record_id`` (distinct on every row, only ever compared) stays an Arrow-backed
    string column. Every cell is read as text, blanks stay blank: typing happens
    afterwards on the distinct values.
    """
    if names is None:
        if isinstance(data, io.BytesIO):
            first = data.getvalue().split(b"\n", 1)[0]
        else:
            with open(data, "rb") as handle:
                first = handle.readline()
        names = next(csv.reader([first.decode("utf-8-sig").rstrip("\r\n")]), [])
        skip = 1
    else:
        skip = 0
    encoded = pa.dictionary(pa.int32(), pa.string())
    table = pa_csv.read_csv(
        data,
        read_options=pa_csv.ReadOptions(
            column_names=names, skip_rows=skip, block_size=_BLOCK_BYTES, encoding="utf8"
        ),
        parse_options=pa_csv.ParseOptions(newlines_in_values=True),
        convert_options=pa_csv.ConvertOptions(
            column_types={name: pa.string() if name == "record_id" else encoded for name in names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    if _has_carriage_return(table):
        # pyarrow drops the "\n" of a "\r\n" inside a quoted value when one of its read
        # blocks ends between the two (seen up to pyarrow 26). Only such a value can be
        # hurt, and every one keeps its "\r", so a file with none is read correctly;
        # the rare file with some is read by pandas' own parser instead.
        if isinstance(data, io.BytesIO):
            data.seek(0)
        return _read_csv_pandas(data, None if skip else names)
    columns: dict[str, Any] = {}
    for name in table.column_names:
        column = table.column(name)
        if name == "record_id":
            columns[name] = column.to_pandas()
            continue
        if column.num_chunks:
            # One step unifies the blocks' dictionaries and joins their codes (half
            # the time of unifying the whole table first and joining the codes after).
            whole = column.combine_chunks()
            codes = whole.indices.to_numpy(zero_copy_only=False)
            categories = whole.dictionary.to_numpy(zero_copy_only=False)
        else:
            codes, categories = np.array([], dtype="int32"), np.array([], dtype=object)
        # Arrow's codes point into their own dictionary: nothing to check again.
        columns[name] = pd.Categorical.from_codes(
            codes,
            dtype=pd.CategoricalDtype(pd.Index(np.asarray(categories, dtype=object), dtype=object)),
            validate=False,
        )
    return columns, table.num_rows


def _has_carriage_return(table: pa.Table) -> bool:
    """Whether any text cell holds a "\r" (looked for in each column's distinct values).

    ``record_id`` is left out: the kit writes it as a UUID, and scanning a million
    distinct ids would cost more than the rest of the check.
    """
    for name, column in zip(table.column_names, table.columns, strict=True):
        if name == "record_id":
            continue
        for chunk in column.chunks:
            values = chunk.dictionary if pa.types.is_dictionary(chunk.type) else chunk
            if len(values) and pc.any(pc.match_substring(values, "\r")).as_py():
                return True
    return False


def _read_csv_pandas(data: str | io.BytesIO, names: list[str] | None) -> tuple[dict[str, Any], int]:
    """:func:`read_csv_columns` with pandas' parser: slower, for files pyarrow would misread."""
    raw = pd.read_csv(
        data,
        engine="c",
        dtype=object,
        na_filter=False,
        encoding="utf-8",
        names=names,
        header=0 if names is None else None,
    )
    columns: dict[str, Any] = {}
    for name in raw.columns:
        values = raw[name].to_numpy(dtype=object)
        columns[str(name)] = values if name == "record_id" else categorical(values)
    return columns, len(raw)
