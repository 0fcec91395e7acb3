"""The long table's columns, and how a file's text columns become them, typed.

One row per stored answer, in the store's columns plus the four a program export adds.
Every file, whatever wrote it, comes out with exactly these columns and types, so
frames from many coaches, exports and instrument versions concatenate as they are:

* tz-aware UTC timestamps, Int64 counters, categoricals for every other text column
  (``record_id`` excepted: distinct on every row, it is only ever compared);
* each distinct text is converted once, not once per row (a million rows hold a few
  thousand distinct values);
* files from before a column was stored get it filled: a stable ``record_id`` from the
  row itself (so overlapping copies still match), sessions grouped as the store groups
  them, sections and item types from the instrument's codebook.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.types import union_categoricals

from widgets.analysis.categoricals import categorical
from widgets.analysis.csv_reader import read_csv_columns
from widgets.analysis.sources import LoaderError
from widgets.instrument.instrument import Instrument
from widgets.store.records import RESPONSE_COLUMNS

__all__ = [
    "EXTRA_COLUMNS",
    "LONG_COLUMNS",
    "CATEGORY_COLUMNS",
    "parse_responses_file",
    "parse_appended_rows",
    "typed_long_frame",
    "empty_long_frame",
    "concat_long_frames",
]

# Columns a program export adds to the store's own; raw store files lack them.
EXTRA_COLUMNS: tuple[str, ...] = ("program", "cohort", "meeting_month", "redacted_reason")
LONG_COLUMNS: tuple[str, ...] = RESPONSE_COLUMNS + EXTRA_COLUMNS
# The long table's categorical columns.
CATEGORY_COLUMNS: tuple[str, ...] = (
    "engagement_id",
    "session_id",
    "form",
    "section",
    "item_id",
    "item_type",
    "value",
    "instrument_version",
    "supersedes",
    "program",
    "cohort",
    "redacted_reason",
)

_REQUIRED = ("engagement_id", "form", "item_id", "value")
_INTEGER_COLUMNS = ("meeting_number", "revision", "meeting_month")


def parse_responses_file(path: Path, instrument: Instrument) -> tuple[pd.DataFrame, list[str]]:
    """A whole responses CSV -> (its typed long frame, its header).

    The header is kept so that rows appended later can be parsed on their own.
    """
    try:
        raw, rows = read_csv_columns(str(path), None)
    except (UnicodeDecodeError, pa.ArrowInvalid, csv.Error, pd.errors.ParserError) as exc:
        raise LoaderError(
            f"{path} is not a readable CSV ({exc}). It may have been edited by another "
            "program; export it again from the kit."
        ) from exc
    try:
        frame = typed_long_frame(raw, rows, instrument)
    except LoaderError as exc:
        raise LoaderError(f"{path} is not a responses file: {exc}.") from None
    return frame, list(raw)


def parse_appended_rows(data: bytes, header: list[str], instrument: Instrument) -> pd.DataFrame:
    """Rows appended to a file since it was last parsed, typed like the whole file."""
    return typed_long_frame(*read_csv_columns(io.BytesIO(data), header), instrument)


def typed_long_frame(raw: dict[str, Any], n: int, instrument: Instrument) -> pd.DataFrame:
    """The store's text columns -> typed columns; older files get their gaps filled."""
    missing = [column for column in _REQUIRED if column not in raw]
    if missing:
        raise LoaderError(f"missing the columns {missing}")
    columns: dict[str, Any] = {}
    if "record_id" in raw:
        columns["record_id"] = raw["record_id"]
    else:  # older files: a stable id from the row itself, so copies still match
        texts = [np.asarray(values, dtype=object) for values in raw.values()]
        columns["record_id"] = np.array(
            [
                hashlib.sha256("\x1f".join(row).encode("utf-8")).hexdigest()[:36]
                for row in zip(*texts, strict=True)
            ]
            if texts
            else [],
            dtype=object,
        )
    columns["recorded_at"] = (
        _timestamps(raw["recorded_at"])
        if "recorded_at" in raw
        else pd.DatetimeIndex([pd.NaT] * n, tz="UTC")
    )
    for column in LONG_COLUMNS:
        if column in ("record_id", "recorded_at"):
            continue
        if column in _INTEGER_COLUMNS:
            default = 1 if column in ("meeting_number", "revision") else None
            if column in raw:
                columns[column] = _integers(raw[column], default)
            else:
                columns[column] = pd.arrays.IntegerArray(
                    np.full(n, default or 0, dtype="int64"), np.full(n, default is None)
                )
        elif column in raw:
            columns[column] = raw[column]
        else:
            columns[column] = None
    if columns["session_id"] is None or columns["section"] is None or columns["item_type"] is None:
        _fill_legacy(columns, n, instrument)
    for column in LONG_COLUMNS:
        if columns.get(column) is None:
            columns[column] = pd.Categorical.from_codes(
                np.zeros(n, dtype="int8"), categories=pd.Index([""], dtype=object)
            )
    return pd.DataFrame({column: columns[column] for column in LONG_COLUMNS}, copy=False)


def empty_long_frame(instrument: Instrument) -> pd.DataFrame:
    """The long table with no rows, typed as a loaded one would be."""
    raw = {column: categorical(np.array([], dtype=object)) for column in RESPONSE_COLUMNS}
    raw["record_id"] = np.array([], dtype=object)
    return typed_long_frame(raw, 0, instrument)


def concat_long_frames(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate typed frames keeping categoricals categorical (pd.concat would not)."""
    frames = [frame for frame in frames if len(frame)] or frames[:1]
    if len(frames) == 1:
        return frames[0]
    columns: dict[str, Any] = {}
    for column in frames[0].columns:
        parts = [frame[column] for frame in frames]
        if isinstance(parts[0].dtype, pd.CategoricalDtype):
            columns[column] = union_categoricals(parts, ignore_order=True)
        else:
            columns[column] = pd.concat(parts, ignore_index=True)
    return pd.DataFrame(columns)


def _integers(values: pd.Categorical, default: int | None) -> pd.arrays.IntegerArray:
    """Text codes -> Int64, converting each distinct text once; blanks become ``default``.

    Each category's number and missing flag are worked out first, then placed on the
    rows with one take each (a blank's code, -1, picks the extra last slot).
    """
    codes = np.asarray(values.codes)
    numbers = pd.to_numeric(
        pd.Series(np.asarray(values.categories, dtype=object), dtype=object), errors="coerce"
    ).to_numpy(dtype="float64")
    numbers = np.append(numbers, np.nan)
    missing = np.isnan(numbers)
    if default is not None:
        numbers = np.where(missing, default, numbers)
        missing = np.zeros(len(numbers), dtype=bool)
    data = np.where(missing, 0, numbers).astype("int64")
    return pd.arrays.IntegerArray(data[codes], missing[codes])


def _timestamps(values: pd.Categorical) -> pd.DatetimeIndex:
    """Text codes -> UTC timestamps, parsing each distinct text once."""
    codes = np.asarray(values.codes)
    parsed = pd.to_datetime(
        pd.Index(np.asarray(values.categories, dtype=object), dtype=object),
        utc=True,
        format="ISO8601",
        errors="coerce",
    )
    if not len(parsed):
        return pd.DatetimeIndex([pd.NaT] * len(codes), tz="UTC")
    out = parsed.take(np.maximum(codes, 0))
    if (codes < 0).any():
        out = out.where(codes >= 0)
    return out


def _fill_legacy(columns: dict[str, Any], n: int, instrument: Instrument) -> None:
    """Session ids, sections and item types for files written before they were stored."""
    frame = pd.DataFrame(
        {k: v for k, v in columns.items() if v is not None}, index=pd.RangeIndex(n)
    )
    if columns["session_id"] is None:
        # One session per engagement, form, meeting and save time, as the store groups them.
        keys = ["engagement_id", "form", "meeting_number", "recorded_at"]
        columns["session_id"] = categorical(
            "legacy-" + frame.groupby(keys, observed=True, sort=False).ngroup().astype(str)
        )
    kinds = {entry.item_id: (entry.section, entry.type) for entry in instrument.codebook()}
    items = frame["item_id"].astype(object)
    if columns["section"] is None:
        columns["section"] = categorical(items.map(lambda i: kinds.get(i, ("", ""))[0]))
    if columns["item_type"] is None:
        columns["item_type"] = categorical(items.map(lambda i: kinds.get(i, ("", ""))[1]))
