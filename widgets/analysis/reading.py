"""Read coaches' responses (or program exports) into typed pandas tables.

Analysts receive folders from many coaches, sometimes overlapping copies of the same
folder, sometimes written by an older instrument version. ``load_responses`` turns any
mix of folders, files and globs into one long table with every column typed, keeping
each row once and each form's latest corrected submission; ``wide_sessions`` turns that
into one row per session with one typed column per item, which is what most program
questions are asked of.

Why it looks the way it does:

* pandas stays here, out of the live apps (their kernels stay light).
* A store folder is read under the store's lock (``ResponseStore.reading``), so a save
  in progress or the torn tail of a killed one is never mistaken for data.
* Parsing a million-row CSV costs seconds, yet ``responses.csv`` only ever grows by
  appending. The parsed, typed rows of each file are therefore kept in a cache beside
  the data (see :func:`cache_dir`), keyed by the file's path and checked against
  fingerprints of its start and of the end of what was parsed: an unchanged file loads
  from the cache, a grown one parses only the new bytes, anything else is parsed again.
  ``cache=False`` turns this off. The cache holds the same confidential rows as the
  file, so it lives next to it (``.kit-cache/``), under the same protection, and never
  in the home folder; delete that folder to drop it.
* The first load is what an analyst waits for, so parsing itself is fast: pyarrow's
  CSV reader uses every core and hands each text column over dictionary-encoded
  (int32 codes plus the distinct strings), which become categoricals without ever
  building a Python string per cell. Numbers and timestamps are then converted once
  per distinct value, not once per row. Values may hold line breaks (the store
  writes them inside quotes), so the reader is told to expect them; reading without
  that is faster but can silently split a row where a block boundary falls inside one.
* The wide table is one pivot: a grid of value codes by (item, session), each item
  typed from its distinct values and laid out with one take, with sessions put in
  their final order before any column is built.
"""

from __future__ import annotations

import csv
import glob
import hashlib
import io
import os
import pickle
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.types import union_categoricals
from pyarrow import compute as pc
from pyarrow import csv as pa_csv

from widgets.instrument.instrument import Instrument
from widgets.instrument.item_types import loader_kinds
from widgets.instrument.yaml_loading import load_instrument
from widgets.store.atomic_file import replace_file
from widgets.store.responses import RESPONSE_COLUMNS, ResponseStore, read_table

__all__ = [
    "LONG_COLUMNS",
    "SESSION_COLUMNS",
    "CACHE_ENV",
    "LoaderError",
    "cache_dir",
    "load_responses",
    "load_engagements",
    "wide_sessions",
    "item_kinds",
]

# Columns a program export adds to the store's own; raw store files lack them.
EXTRA_COLUMNS: tuple[str, ...] = ("program", "cohort", "meeting_month", "redacted_reason")
LONG_COLUMNS: tuple[str, ...] = RESPONSE_COLUMNS + EXTRA_COLUMNS
# The per-session columns of the wide table, before one column per item.
SESSION_COLUMNS: tuple[str, ...] = (
    "engagement_id",
    "session_id",
    "form",
    "meeting_number",
    "revision",
    "recorded_at",
    "instrument_version",
    "program",
    "cohort",
    "meeting_month",
    "redacted_reason",
)
CACHE_ENV = "ALIGNMENT_KIT_CACHE"

_REQUIRED = ("engagement_id", "form", "item_id", "value")
_CATEGORY_COLUMNS = (
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
_INTEGER_COLUMNS = ("meeting_number", "revision", "meeting_month")
_CACHE_VERSION = 3
_FINGERPRINT = 4096
# How much of a file each of the reader's threads parses at a time: big enough that a
# million rows are a few dozen blocks, small enough that both cores get several.
_BLOCK_BYTES = 8 << 20
_YES = frozenset({"yes", "true", "1"})
_NO = frozenset({"no", "false", "0"})

# How a stored value is typed in the wide table, by item type.
_KIND = loader_kinds()


class LoaderError(ValueError):
    """A source cannot be read; the message names it and says what to do."""


# ------------------------------------------------------------------- sources


@dataclass(frozen=True)
class _Source:
    path: Path  # a responses CSV
    store: Path | None  # the store folder to lock while reading, if it is one
    registry: Path | None  # private/engagements.csv beside it, if present


def _is_store_folder(folder: Path) -> bool:
    return (folder / ".store.lock").exists() or (folder / "index").is_dir()


def _registry_beside(folder: Path) -> Path | None:
    path = folder / "private" / "engagements.csv"
    return path if path.is_file() else None


def _as_source(path: Path) -> _Source | None:
    if path.is_dir():
        csv_path = path / "responses.csv"
        if not csv_path.is_file():
            return None  # a data folder with nothing saved yet
        store = path if _is_store_folder(path) else None
        return _Source(csv_path, store, _registry_beside(path))
    if path.is_file():
        folder = path.parent
        store = folder if path.name == "responses.csv" and _is_store_folder(folder) else None
        registry = _registry_beside(folder) if path.name == "responses.csv" else None
        return _Source(path, store, registry)
    raise LoaderError(f"{path} does not exist. Give a data folder, a responses CSV or a glob.")


def resolve_sources(sources: Iterable[str | os.PathLike[str]]) -> list[_Source]:
    """Folders, files and globs -> the CSV files to read, each once, in the given order."""
    found: list[_Source] = []
    seen: set[Path] = set()
    for raw in sources:
        text = os.fspath(raw)
        if any(char in text for char in "*?["):
            matches = sorted(glob.glob(os.path.expanduser(text), recursive=True))
            if not matches:
                raise LoaderError(f"The pattern {text!r} matches no file or folder.")
            paths = [Path(match) for match in matches]
        else:
            paths = [Path(text).expanduser()]
        for path in paths:
            source = _as_source(path)
            if source is None:
                continue
            key = source.path.resolve()
            if key not in seen:
                seen.add(key)
                found.append(source)
    return found


# --------------------------------------------------------------------- cache


def cache_dir(csv_path: Path) -> Path:
    """Where a file's parse is cached: ``ALIGNMENT_KIT_CACHE``, else ``.kit-cache/`` beside it.

    Beside the data, because the cache is a copy of confidential text: it must not end
    up in a home folder or a backup that the data itself is kept out of.
    """
    configured = os.environ.get(CACHE_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    return csv_path.resolve().parent / ".kit-cache"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _cache_path(folder: Path, csv_path: Path) -> Path:
    key = _digest(str(csv_path.resolve()).encode("utf-8"))[:32]
    return folder / f"{key}.pkl"


def _read_cache(path: Path) -> dict[str, Any] | None:
    try:
        with open(path, "rb") as handle:
            entry = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
        return None
    if not isinstance(entry, dict) or entry.get("version") != _CACHE_VERSION:
        return None
    return entry


def _write_cache(path: Path, entry: dict[str, Any]) -> None:
    # Best effort: a cache that cannot be written only costs the next load some time.
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        replace_file(path, pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass


# ------------------------------------------------------------------- parsing


def _categorical(values: pd.Series | np.ndarray) -> pd.Categorical:
    """Categorical without sorting the categories (sorting a million ids is slow)."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    return pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=object))


def _integers(values: pd.Categorical, default: int | None) -> pd.arrays.IntegerArray:
    """Text codes -> Int64, converting each distinct text once; blanks become ``default``."""
    codes = np.asarray(values.codes)
    numbers = pd.to_numeric(
        pd.Series(np.asarray(values.categories, dtype=object), dtype=object), errors="coerce"
    ).to_numpy(dtype="float64")
    taken = numbers[np.maximum(codes, 0)] if len(numbers) else np.full(len(codes), np.nan)
    missing = np.isnan(taken) | (codes < 0)
    if default is not None:
        taken = np.where(missing, default, taken)
        missing = np.zeros(len(codes), dtype=bool)
    data = np.where(missing, 0, taken).astype("int64")
    return pd.arrays.IntegerArray(data, missing)


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


def _read_csv(data: str | io.BytesIO, names: list[str] | None) -> tuple[dict[str, Any], int]:
    """A responses CSV -> (column -> values, rows), every text column dictionary-encoded.

    pyarrow's reader tokenises on every core and hands each text column over as a
    dictionary (codes plus its distinct values), so a million cells become one small
    array of Python strings and an int32 array instead of a million string objects,
    and categoricals come for free. ``record_id`` (distinct on every row, only ever
    compared) stays an Arrow-backed string column. Every cell is read as text,
    blanks stay blank: typing happens afterwards on the distinct values.
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
    table = table.unify_dictionaries()
    columns: dict[str, Any] = {}
    for name in table.column_names:
        column = table.column(name)
        if name == "record_id":
            columns[name] = column.to_pandas()
            continue
        chunks = column.chunks
        codes = (
            np.concatenate([chunk.indices.to_numpy(zero_copy_only=False) for chunk in chunks])
            if chunks
            else np.array([], dtype="int32")
        )
        categories = chunks[0].dictionary.to_numpy(zero_copy_only=False) if chunks else np.array([])
        columns[name] = pd.Categorical.from_codes(
            codes, categories=pd.Index(np.asarray(categories, dtype=object), dtype=object)
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
    """:func:`_read_csv` with pandas' parser: slower, for the files pyarrow would misread."""
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
        columns[str(name)] = values if name == "record_id" else _categorical(values)
    return columns, len(raw)


def _typed(raw: dict[str, Any], n: int, instrument: Instrument) -> pd.DataFrame:
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
            [_digest("\x1f".join(row).encode("utf-8"))[:36] for row in zip(*texts, strict=True)]
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


def _fill_legacy(columns: dict[str, Any], n: int, instrument: Instrument) -> None:
    """Session ids, sections and item types for files written before they were stored."""
    frame = pd.DataFrame(
        {k: v for k, v in columns.items() if v is not None}, index=pd.RangeIndex(n)
    )
    if columns["session_id"] is None:
        # One session per engagement, form, meeting and save time, as the store groups them.
        keys = ["engagement_id", "form", "meeting_number", "recorded_at"]
        columns["session_id"] = _categorical(
            "legacy-" + frame.groupby(keys, observed=True, sort=False).ngroup().astype(str)
        )
    kinds = {entry.item_id: (entry.section, entry.type) for entry in instrument.codebook()}
    items = frame["item_id"].astype(object)
    if columns["section"] is None:
        columns["section"] = _categorical(items.map(lambda i: kinds.get(i, ("", ""))[0]))
    if columns["item_type"] is None:
        columns["item_type"] = _categorical(items.map(lambda i: kinds.get(i, ("", ""))[1]))


def _parse_file(source: _Source, instrument: Instrument, cache: Path | None) -> pd.DataFrame:
    path = source.path
    with open(path, "rb") as handle:
        head = handle.read(_FINGERPRINT)
    size = path.stat().st_size
    entry = _read_cache(_cache_path(cache, path)) if cache is not None else None
    if entry is not None and entry["head"] == _digest(head[: entry["head_length"]]):
        cached_size = entry["size"]
        if cached_size == size and entry["head_length"] == len(head):
            return _unpack(entry["columns"])
        if cached_size < size:
            with open(path, "rb") as handle:
                handle.seek(cached_size - len(entry["tail_bytes"]))
                tail = handle.read(len(entry["tail_bytes"]))
                new = handle.read(size - cached_size)
            if tail == entry["tail_bytes"] and new.endswith(b"\n"):
                frame = _concat(
                    [
                        _unpack(entry["columns"]),
                        _typed(*_read_csv(io.BytesIO(new), entry["header"]), instrument),
                    ]
                )
                if cache is not None:
                    _store(cache, path, frame, head, size, entry["header"])
                return frame
    try:
        raw, rows = _read_csv(str(path), None)
    except (UnicodeDecodeError, pa.ArrowInvalid, csv.Error, pd.errors.ParserError) as exc:
        raise LoaderError(
            f"{path} is not a readable CSV ({exc}). It may have been edited by another "
            "program; export it again from the kit."
        ) from exc
    try:
        frame = _typed(raw, rows, instrument)
    except LoaderError as exc:
        raise LoaderError(f"{path} is not a responses file: {exc}.") from None
    if cache is not None:
        _store(cache, path, frame, head, size, list(raw))
    return frame


def _store(
    cache: Path, path: Path, frame: pd.DataFrame, head: bytes, size: int, header: list[str]
) -> None:
    with open(path, "rb") as handle:
        handle.seek(max(0, size - 256))
        tail = handle.read(min(size, 256))
    entry = {
        "version": _CACHE_VERSION,
        "size": size,
        "head": _digest(head),
        "head_length": len(head),
        "tail_bytes": tail,
        "header": header,
        "columns": {column: frame[column].array for column in frame.columns},
    }
    _write_cache(_cache_path(cache, path), entry)


def _unpack(columns: dict[str, Any]) -> pd.DataFrame:
    """The cached frame, from its columns' arrays.

    The cache pickles each column's array rather than the DataFrame: the same data, but
    pickling a DataFrame first gathers its columns into blocks, which doubled the time
    a first load spent writing its cache.
    """
    return pd.DataFrame(columns, copy=False)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
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


# ------------------------------------------------------------------- loading


def _empty(instrument: Instrument) -> pd.DataFrame:
    raw = {column: _categorical(np.array([], dtype=object)) for column in RESPONSE_COLUMNS}
    raw["record_id"] = np.array([], dtype=object)
    return _typed(raw, 0, instrument)


def _first_rows(codes: np.ndarray) -> np.ndarray:
    """The position of each distinct code's first row, in order of first appearance.

    factorize (a hash, not a sort) numbers the codes as they first appear, so the first
    rows are exactly where the running maximum of those numbers steps up.
    """
    if not len(codes):
        return np.array([], dtype=np.int64)
    numbered, _ = pd.factorize(codes)
    running = np.maximum.accumulate(numbered)
    return np.flatnonzero(np.concatenate(([True], running[1:] > running[:-1])))


def _latest_sessions(frame: pd.DataFrame) -> np.ndarray:
    """A row mask keeping only each (engagement, form, meeting) latest submission."""
    session_codes = frame["session_id"].cat.codes.to_numpy()
    first = _first_rows(session_codes)
    heads = frame[
        ["engagement_id", "form", "meeting_number", "revision", "recorded_at", "session_id"]
    ].iloc[first]
    heads = heads.sort_values(["revision", "recorded_at"], na_position="first", kind="stable")
    winners = heads.drop_duplicates(["engagement_id", "form", "meeting_number"], keep="last")
    keep = np.zeros(len(frame["session_id"].cat.categories), dtype=bool)
    keep[winners["session_id"].cat.codes.to_numpy()] = True
    return keep[session_codes]


def load_engagements(*sources: str | os.PathLike[str]) -> pd.DataFrame:
    """Program, cohort and start date per engagement, from each folder's private registry.

    Names are read (the registry holds them) but never returned: analysis only needs
    the grouping labels and the start date that places a meeting in the engagement.
    """
    rows: dict[str, dict[str, str]] = {}
    for source in resolve_sources(sources):
        if source.registry is None:
            continue
        for row in read_table(source.registry):
            rows[row.get("engagement_id", "")] = {
                "engagement_id": row.get("engagement_id", ""),
                "program": row.get("program", ""),
                "cohort": row.get("cohort", ""),
                "start_date": row.get("start_date", ""),
            }
    frame = pd.DataFrame(
        list(rows.values()), columns=["engagement_id", "program", "cohort", "start_date"]
    )
    frame["start_date"] = pd.to_datetime(frame["start_date"], format="%Y-%m-%d", errors="coerce")
    return frame


def _months_between(starts: np.ndarray, days: np.ndarray) -> np.ndarray:
    """``timing.engagement_month`` for arrays of dates (datetime64[D]), vectorised.

    relativedelta counts whole months from the start; a month is whole once the
    start's day of month (clamped to the month's length) has been reached.
    """
    start_month = starts.astype("datetime64[M]")
    day_month = days.astype("datetime64[M]")
    months = (day_month - start_month).astype("int64")
    start_day = (starts - start_month.astype("datetime64[D]")).astype("int64") + 1
    day_of_month = (days - day_month.astype("datetime64[D]")).astype("int64") + 1
    month_length = (
        (day_month + 1).astype("datetime64[D]") - day_month.astype("datetime64[D]")
    ).astype("int64")
    not_reached = np.minimum(start_day, month_length) > day_of_month
    return months + 1 - not_reached.astype("int64")


def _fill_from_registry(frame: pd.DataFrame, engagements: pd.DataFrame) -> None:
    """Fill program, cohort and meeting_month from the registry where the rows lack them."""
    if engagements.empty or frame.empty:
        return
    info = engagements.set_index("engagement_id")
    eng = frame["engagement_id"]
    categories = eng.cat.categories
    codes = eng.cat.codes.to_numpy()
    for column in ("program", "cohort"):
        labels = _categorical(info[column].reindex(categories).fillna("").to_numpy(dtype=object))
        from_registry = pd.Categorical.from_codes(
            np.asarray(labels.codes)[codes], categories=labels.categories
        )
        present = frame[column]
        if (present.cat.categories == "").all():
            frame[column] = from_registry
        else:
            merged = np.where(
                present.astype(object).to_numpy() == "",
                np.asarray(from_registry, dtype=object),
                present.astype(object).to_numpy(),
            )
            frame[column] = _categorical(merged)

    # The meeting's date: the checklist's planned date, else the day the meeting started.
    item_categories = list(frame["item_id"].cat.categories)
    item_codes = frame["item_id"].cat.codes.to_numpy()
    wanted = np.zeros(len(item_codes), dtype=bool)
    for item_id in ("meeting_date", "meeting_started_at"):
        if item_id in item_categories:
            wanted |= item_codes == item_categories.index(item_id)
    picked = frame.loc[wanted, ["engagement_id", "form", "meeting_number", "item_id", "value"]]
    picked = picked[(picked["item_id"] == "meeting_started_at") | (picked["form"] == "checklist")]
    if picked.empty:
        return
    picked = picked.assign(
        day=pd.to_datetime(
            picked["value"].astype(str).str[:10], format="%Y-%m-%d", errors="coerce"
        ),
        rank=(picked["item_id"] == "meeting_date").astype(int),
        start=info["start_date"].reindex(picked["engagement_id"].astype(object)).to_numpy(),
    ).dropna(subset=["day", "start"])
    picked = picked[picked["day"] >= picked["start"]]
    picked = picked.sort_values("rank").drop_duplicates(
        ["engagement_id", "meeting_number"], keep="last"
    )
    if picked.empty:
        return
    months = _months_between(
        picked["start"].to_numpy().astype("datetime64[D]"),
        picked["day"].to_numpy().astype("datetime64[D]"),
    )
    # Place each (engagement, meeting) month on its rows through a small lookup table.
    width = int(frame["meeting_number"].max()) + 1
    lookup = np.full(len(categories) * width, -1, dtype="int64")
    positions = picked["engagement_id"].cat.codes.to_numpy() * width + picked[
        "meeting_number"
    ].to_numpy(dtype="int64")
    lookup[positions] = months
    row_numbers = frame["meeting_number"].to_numpy(dtype="int64", na_value=0)
    derived = lookup[codes * width + row_numbers]
    current = frame["meeting_month"].array
    fill = current.isna() & (derived > 0)
    if fill.any():
        updated = current.copy()
        updated[fill] = derived[fill]
        frame["meeting_month"] = updated


def _drop_unused(values: pd.Series) -> pd.Series:
    """remove_unused_categories without its sort of every code (bincount instead)."""
    codes = values.cat.codes.to_numpy()
    counts = np.bincount(codes[codes >= 0], minlength=len(values.cat.categories))
    if counts.all():
        return values
    used = np.flatnonzero(counts)
    remap = np.full(len(counts), -1, dtype=codes.dtype if codes.dtype.itemsize >= 4 else "int32")
    remap[used] = np.arange(len(used))
    new_codes = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
    return pd.Series(
        pd.Categorical.from_codes(new_codes, categories=values.cat.categories[used]),
        index=values.index,
    )


def load_responses(
    *sources: str | os.PathLike[str],
    latest_only: bool = True,
    cache: bool | str | os.PathLike[str] = True,
    instrument: Instrument | None = None,
) -> pd.DataFrame:
    """Every response row of ``sources`` as one typed long table.

    ``sources`` are data folders (their ``responses.csv``; read under the store lock when
    the folder is a kit store), CSV files, or globs; none means the kit's data root.
    Rows present in several sources (overlapping copies) are kept once, by record_id.
    With ``latest_only`` each (engagement_id, form, meeting_number) keeps only its
    latest submission, whole. Columns: ``LONG_COLUMNS``; program, cohort and
    meeting_month come from the export itself or, for a coach's own folder, from its
    private registry (names are never read into the table). ``cache`` may be False or
    a folder (default: :func:`cache_dir`, beside each file).
    """
    instrument = instrument or load_instrument()
    if not sources:
        from widgets.paths import exports_dir

        sources = (exports_dir(),)
    resolved = resolve_sources(sources)
    frames = []
    for source in resolved:
        cache_folder: Path | None
        if cache is True:
            cache_folder = cache_dir(source.path)
        elif cache is False:
            cache_folder = None
        else:
            cache_folder = Path(cache)
        lock = ResponseStore(source.store).reading() if source.store else nullcontext()
        with lock:
            frames.append(_parse_file(source, instrument, cache_folder))
    frame = _concat(frames) if frames else _empty(instrument)
    if len(frames) > 1:
        duplicated = pd.Series(frame["record_id"]).duplicated().to_numpy()
        if duplicated.any():
            frame = frame.loc[~duplicated].reset_index(drop=True)
    if latest_only and len(frame):
        keep = _latest_sessions(frame)
        if not keep.all():
            frame = frame.take(np.flatnonzero(keep)).reset_index(drop=True)
    else:
        frame = frame.copy()
    if any(source.registry is not None for source in resolved):
        _fill_from_registry(
            frame, load_engagements(*(s.path.parent for s in resolved if s.registry))
        )
    for column in _CATEGORY_COLUMNS:
        frame[column] = _drop_unused(frame[column])
    return frame


# ---------------------------------------------------------------------- wide


def item_kinds(instrument: Instrument | None = None) -> dict[str, tuple[str, tuple[str, ...]]]:
    """item_id -> (how the wide table types it, allowed choice values), from the codebook."""
    instrument = instrument or load_instrument()
    kinds: dict[str, tuple[str, tuple[str, ...]]] = {}
    for entry in instrument.codebook():
        choices = tuple(
            part.split("=", 1)[0].strip() for part in entry.choices.split(";") if part.strip()
        )
        kinds.setdefault(entry.item_id, (_KIND.get(entry.type, "text"), choices))
    return kinds


def _convert(kind: str, choices: tuple[str, ...], values: pd.Index) -> Any:
    """Distinct stored strings -> typed values (called once per item, on its distinct values)."""
    text = pd.Series(values, dtype=object).fillna("")
    if kind == "number":
        numbers = pd.to_numeric(text.where(text != ""), errors="coerce")
        if numbers.dropna().mod(1).eq(0).all():
            return pd.array(numbers.round(), dtype="Int64")
        return pd.array(numbers, dtype="Float64")
    if kind == "bool":
        lowered = text.str.strip().str.lower()
        out = pd.array([pd.NA] * len(text), dtype="boolean")
        out[lowered.isin(_YES).to_numpy()] = True
        out[lowered.isin(_NO).to_numpy()] = False
        return out
    if kind == "datetime":
        return pd.to_datetime(
            text.where(text != ""), utc=True, format="ISO8601", errors="coerce"
        ).array
    if kind == "date":
        return pd.to_datetime(
            text.str[:10].where(text != ""), format="%Y-%m-%d", errors="coerce"
        ).array
    if kind == "category":
        extra = sorted(set(text) - set(choices) - {""})
        return pd.Categorical(text.where(text != ""), categories=[*choices, *extra])
    return pd.array(text.where(text != ""), dtype="string")


def wide_sessions(long: pd.DataFrame, *, instrument: Instrument | None = None) -> pd.DataFrame:
    """One row per session (one save of one form), one typed column per item.

    Columns: ``SESSION_COLUMNS``, then every codebook item in instrument order, then any
    item only older files carry. Types: Int64 for scales and seconds, boolean for
    yes/no, ticks and ``*_asked``, UTC datetimes for timestamps and checkpoints, dates
    for dates, categoricals for choices, strings for text and ``several`` ("a;b").
    Each checkpoint also gets ``<id>_ticked`` (boolean): the meeting stores the time of
    the tick, an older form "yes"/"no". From :func:`load_responses` (latest only) this
    is one row per (engagement_id, form, meeting_number).
    """
    kinds = item_kinds(instrument)
    checkpoints = _checkpoint_ids(instrument)
    session_codes, session_uniques = pd.factorize(long["session_id"].cat.codes.to_numpy())
    n = len(session_uniques)
    first = _first_rows(session_codes)
    # Sessions are put in their final order now, on the few key columns, so the wide
    # table is built sorted instead of being sorted (all of its columns copied) at the end.
    keys = ["engagement_id", "meeting_number", "form", "recorded_at"]
    order = (
        long[keys].iloc[first].reset_index(drop=True).sort_values(keys, kind="stable").index
    ).to_numpy()
    first = first[order]
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    session_codes = rank[session_codes]
    heads = long.iloc[first]
    out: dict[str, Any] = {}
    for column in SESSION_COLUMNS:
        out[column] = heads[column].reset_index(drop=True)
    if "redacted_reason" in long:
        # A session is marked if any of its rows lost its text.
        reasons = long["redacted_reason"].astype(object).to_numpy()
        marked = reasons != ""
        if marked.any():
            per_session = np.full(n, "", dtype=object)
            per_session[session_codes[marked]] = reasons[marked]
            out["redacted_reason"] = pd.Series(_categorical(per_session))

    # One pivot for every item at once: a (item, session) grid of value codes, -1 where
    # a session has no row for the item. Each item is then typed from its distinct
    # values only and laid out with a single take.
    item_cat = long["item_id"]
    item_codes = item_cat.cat.codes.to_numpy()
    value_codes = long["value"].cat.codes.to_numpy()
    value_categories = long["value"].cat.categories
    item_categories = [str(item) for item in item_cat.cat.categories]
    counts = np.bincount(item_codes[item_codes >= 0], minlength=len(item_categories))
    grid = np.full((len(item_categories), n), -1, dtype=np.int64)
    known = item_codes >= 0
    grid[item_codes[known], session_codes[known]] = value_codes[known]
    present = {item: index for index, item in enumerate(item_categories) if counts[index]}
    fallback = (
        dict(zip(long["item_id"].astype(object), long["item_type"].astype(object), strict=False))
        if any(item not in kinds for item in present)
        else {}
    )
    names = [item for item in kinds] + [item for item in present if item not in kinds]
    blanks: dict[tuple[str, tuple[str, ...]], Any] = {}
    for item_id in names:
        kind, choices = kinds.get(item_id, (_KIND.get(fallback.get(item_id, ""), "text"), ()))
        if (kind, choices) not in blanks:
            blanks[kind, choices] = _convert(kind, choices, pd.Index([""], dtype=object))
        blank = blanks[kind, choices]
        index = present.get(item_id)
        if index is None:
            out[item_id] = blank.take(np.zeros(n, dtype=np.int64))
            if kind == "datetime" and item_id in checkpoints:
                out[f"{item_id}_ticked"] = pd.arrays.BooleanArray(
                    np.zeros(n, dtype=bool), np.ones(n, dtype=bool)
                )
            continue
        codes = grid[index]
        has = codes >= 0
        distinct, inverse = np.unique(codes[has], return_inverse=True)
        positions = np.full(n, -1, dtype=np.int64)
        positions[has] = inverse
        typed = _convert(kind, choices, value_categories.take(distinct))
        column = typed.take(positions, allow_fill=True)
        if kind in ("datetime", "date") and column.dtype != blank.dtype:
            column = column.astype(blank.dtype)
        out[item_id] = column
        if kind == "datetime" and item_id in checkpoints:
            stored = pd.Series(value_categories.take(distinct), dtype=object).astype(str)
            stored = stored.str.strip().str.lower()
            ticked = pd.array(((stored != "") & ~stored.isin(_NO)).to_numpy(), dtype="boolean")
            out[f"{item_id}_ticked"] = ticked.take(positions, allow_fill=True)
    return pd.DataFrame(out, copy=False)


def _checkpoint_ids(instrument: Instrument | None) -> frozenset[str]:
    instrument = instrument or load_instrument()
    return frozenset(e.item_id for e in instrument.codebook() if e.type == "checkpoint")
