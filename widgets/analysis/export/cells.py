"""Typed tables -> the text cells of the export's CSV files, a column at a time.

The export's CSVs are read by spreadsheets as often as by code, so each cell is
written the way both read it back: ISO 8601 timestamps with their UTC offset, dates
as ``YYYY-MM-DD``, booleans as ``yes``/``no``, integers without a decimal point, and
every text neutralised against formula injection. A stored value stays a bare number
only where its item type says it is one (a scale or seconds), so a note that happens
to read ``-1`` is still text.

Why columnar: a program export has millions of rows but few distinct values per
column (a timestamp per save, a handful of forms, items and answers). Each column is
factorised, only its distinct values are formatted and CSV-quoted in Python, and
pyarrow assembles the rows from the codes in C. A dict per row took 89 s and 2.1 GB for
a million rows. The bytes are those of the csv module (RFC 4180 minimal quoting,
``\\r\\n``), so the files do not change with the method.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from widgets.analysis.export.redact import neutralise
from widgets.analysis.long_columns import LONG_COLUMNS
from widgets.instrument.item_types import types_exported_as
from widgets.store.atomic_file import fsync_folder, replace_file
from widgets.store.csv_codec import encode_rows

__all__ = ["long_cells", "wide_cells", "write_cells_csv", "write_export_csv"]

_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_NUMERIC_TYPES = types_exported_as("number")
# Rows assembled and written per step: bounds the memory of the text being built.
_CHUNK_ROWS = 262_144
_NEEDS_QUOTES = re.compile(r'[,"\r\n]')

# A column of cells: the distinct cells (already CSV-quoted) and each row's index into them.
Cells = tuple[np.ndarray, list[str]]


def long_cells(long: pd.DataFrame) -> dict[str, Cells]:
    """The cells of ``responses.csv``: ``LONG_COLUMNS`` of the redacted long table."""
    columns: dict[str, Cells] = {}
    for column in LONG_COLUMNS:
        series = long[column]
        if column == "recorded_at":
            columns[column] = _factorised(series, _timestamp_cells)
        elif column in ("meeting_number", "revision", "meeting_month"):
            columns[column] = _factorised(series, _each(lambda v: str(int(v))))
        elif column == "value":
            columns[column] = _value_cells(series, long["item_type"])
        else:
            columns[column] = _factorised(series, _each(lambda v: neutralise(str(v))))
    return columns


def wide_cells(wide: pd.DataFrame) -> dict[str, Cells]:
    """The cells of ``sessions.csv``: every column of the wide table, by its dtype."""
    columns: dict[str, Cells] = {}
    for column in wide.columns:
        series = wide[column]
        dtype = series.dtype
        format_cells: Callable[[pd.Series], list[str]]
        if isinstance(dtype, pd.DatetimeTZDtype):
            format_cells = _timestamp_cells
        elif pd.api.types.is_datetime64_dtype(dtype):
            format_cells = _date_cells
        elif pd.api.types.is_bool_dtype(dtype):
            format_cells = _each(lambda v: "yes" if v else "no")
        elif pd.api.types.is_integer_dtype(dtype):
            format_cells = _each(lambda v: str(int(v)))
        elif pd.api.types.is_float_dtype(dtype):
            format_cells = _each(lambda v: repr(float(v)))
        else:
            format_cells = _each(lambda v: neutralise(str(v)))
        columns[column] = _factorised(series, format_cells)
    return columns


def write_cells_csv(path: Path, cells: Mapping[str, Cells]) -> None:
    """One CSV of the export from its columns of cells, written whole and renamed into place.

    Not through the store: its lock file would be left in the export folder, and that
    folder would then pass for a coach's store when loaded.
    """
    names = list(cells)
    rows = len(cells[names[0]][0]) if names else 0
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(encode_rows([names]))
            dictionaries = [pa.array(cells[name][1], pa.string()) for name in names]
            for start in range(0, rows, _CHUNK_ROWS):
                stop = min(start + _CHUNK_ROWS, rows)
                parts = [
                    dictionary.take(pa.array(cells[name][0][start:stop]))
                    for name, dictionary in zip(names, dictionaries, strict=True)
                ]
                lines = pc.binary_join_element_wise(*parts, ",")
                handle.write(_with_line_ends(lines))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    fsync_folder(path.parent)


def write_export_csv(
    path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, str]]
) -> None:
    """A small CSV of the export (the codebook) from rows of text, written whole.

    Not through the store: its lock file would be left in the export folder, and that
    folder would then pass for a coach's store when loaded.
    """
    body = [list(columns), *([row.get(column, "") for column in columns] for row in rows)]
    replace_file(path, encode_rows(body), durable=True, mode=0o644)


def _with_line_ends(lines: pa.Array) -> memoryview:
    """The joined rows, each ended by CRLF, as one run of bytes.

    An Arrow string array keeps its values back to back in one buffer, so once every
    row ends with its line end that buffer is the CSV text itself: no Python string per
    row is ever made.
    """
    text = pc.binary_join_element_wise(lines, pa.scalar(""), "\r\n")
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32)
    first, last = offsets[text.offset], offsets[text.offset + len(text)]
    return memoryview(text.buffers()[2])[first:last]


def _factorised(series: pd.Series, format_cells: Callable[[pd.Series], list[str]]) -> Cells:
    """Codes and the quoted cells of the distinct values; a missing value is an empty cell."""
    if isinstance(series.dtype, pd.CategoricalDtype):  # already factorised
        codes = series.cat.codes.to_numpy()
        distinct = pd.Series(series.cat.categories)
    else:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        distinct = pd.Series(uniques) if len(uniques) else series.iloc[:0]
    texts = [_quoted(text) for text in format_cells(distinct)]
    codes = np.where(codes < 0, len(texts), codes).astype(np.int64)
    return codes, [*texts, ""]


def _value_cells(values: pd.Series, item_types: pd.Series) -> Cells:
    """The ``value`` column: a number stays bare only where its item type is numeric."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes, uniques = values.cat.codes.to_numpy(), values.cat.categories.astype(object)
    else:
        codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    raw = ["" if _missing(v) else str(v) for v in uniques]
    plain = [_quoted(v) for v in raw]
    neutral = [_quoted(neutralise(v)) for v in raw]
    numeric_kind = item_types.isin(list(_NUMERIC_TYPES)).to_numpy()
    is_number = np.array([bool(_NUMBER.match(v)) for v in raw] + [False], dtype=bool)
    codes = np.where(codes < 0, len(raw), codes).astype(np.int64)
    bare = numeric_kind & is_number[codes]
    # The cells are listed twice, neutralised then bare; a bare number's code points
    # into the second half.
    offset = len(raw) + 1
    return np.where(bare, codes + offset, codes), [*neutral, "", *plain, ""]


def _each(format_one: Callable[[Any], str]) -> Callable[[pd.Series], list[str]]:
    return lambda distinct: [format_one(v) for v in distinct.astype(object)]


def _quoted(text: str) -> str:
    """``text`` as the csv module writes it: quoted (quotes doubled) only when needed."""
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def _timestamp_cells(values: pd.Series) -> list[str]:
    """ISO 8601 to the second in UTC, by numpy (``strftime`` formats in Python, per value)."""
    utc = values.dt.tz_convert("UTC").dt.tz_localize(None).dt.floor("s")
    text = np.datetime_as_string(utc.to_numpy(dtype="datetime64[s]"), unit="s")
    return [f"{v}+00:00" for v in text]


def _date_cells(values: pd.Series) -> list[str]:
    days = values.dt.floor("D").to_numpy(dtype="datetime64[D]")
    return list(np.datetime_as_string(days, unit="D"))
