"""Typed tables -> the text cells of the export's CSV files.

The export's CSVs are read by spreadsheets as often as by code, so each cell is
written the way both read it back: ISO 8601 timestamps with their UTC offset, dates
as ``YYYY-MM-DD``, booleans as ``yes``/``no``, integers without a decimal point, and
every text neutralised against formula injection. A stored value stays a bare number
only where its item type says it is one (a scale or seconds), so a note that happens
to read ``-1`` is still text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from widgets.analysis.export.redact import neutralise
from widgets.analysis.long_columns import LONG_COLUMNS
from widgets.instrument.item_types import types_exported_as
from widgets.store.atomic_file import replace_file
from widgets.store.csv_codec import encode_rows

__all__ = ["long_rows", "wide_rows", "write_export_csv"]

_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_NUMERIC_TYPES = types_exported_as("number")


def long_rows(long: pd.DataFrame) -> list[dict[str, str]]:
    """The rows of ``responses.csv``: ``LONG_COLUMNS`` of the redacted long table, as text."""
    columns: dict[str, list[str]] = {}
    for column in LONG_COLUMNS:
        series = long[column]
        if column == "recorded_at":
            columns[column] = _timestamp_cells(series)
        elif column in ("meeting_number", "revision", "meeting_month"):
            columns[column] = ["" if pd.isna(v) else str(int(v)) for v in series]
        elif column == "value":
            kinds = long["item_type"].astype(object).to_numpy()
            raw = series.astype(object).to_numpy()
            columns[column] = [
                value if kind in _NUMERIC_TYPES and _NUMBER.match(value) else neutralise(value)
                for value, kind in zip(raw, kinds, strict=True)
            ]
        else:
            columns[column] = _text_cells(series.astype(object))
    return [dict(zip(columns, cells, strict=True)) for cells in zip(*columns.values(), strict=True)]


def wide_rows(wide: pd.DataFrame) -> list[dict[str, str]]:
    """The rows of ``sessions.csv``: every column of the wide table, by its dtype."""
    columns: dict[str, list[str]] = {}
    for column in wide.columns:
        series = wide[column]
        dtype = series.dtype
        if isinstance(dtype, pd.DatetimeTZDtype):
            columns[column] = _timestamp_cells(series)
        elif pd.api.types.is_datetime64_dtype(dtype):
            columns[column] = [
                "" if pd.isna(v) else v for v in series.dt.strftime("%Y-%m-%d").astype(object)
            ]
        elif pd.api.types.is_bool_dtype(dtype):
            columns[column] = ["" if pd.isna(v) else ("yes" if v else "no") for v in series]
        elif pd.api.types.is_integer_dtype(dtype):
            columns[column] = ["" if pd.isna(v) else str(int(v)) for v in series]
        elif pd.api.types.is_float_dtype(dtype):
            columns[column] = ["" if pd.isna(v) else repr(float(v)) for v in series]
        else:
            columns[column] = _text_cells(series.astype(object))
    return [dict(zip(columns, cells, strict=True)) for cells in zip(*columns.values(), strict=True)]


def write_export_csv(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, str]]) -> None:
    """One CSV of the export, written whole and renamed into place.

    Not through the store: its lock file would be left in the export folder, and that
    folder would then pass for a coach's store when loaded.
    """
    body = [list(columns), *([row.get(column, "") for column in columns] for row in rows)]
    replace_file(path, encode_rows(body), durable=True, mode=0o644)


def _text_cells(values: Iterable[Any]) -> list[str]:
    return ["" if _missing(value) else neutralise(str(value)) for value in values]


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def _timestamp_cells(values: pd.Series) -> list[str]:
    iso = values.dt.tz_convert("UTC").dt.strftime("%Y-%m-%dT%H:%M:%S%z")
    return ["" if pd.isna(v) else f"{v[:-2]}:{v[-2:]}" for v in iso.astype(object)]
