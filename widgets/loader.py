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
* Low-cardinality text columns become categoricals built with ``factorize`` (no sort),
  and timestamps are parsed once per distinct value, which is most of the speed.
"""

from __future__ import annotations

import glob
import hashlib
import io
import os
import pickle
import tempfile
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from .instrument import Instrument, load_instrument
from .store import RESPONSE_COLUMNS, ResponseStore, read_table

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
_CACHE_VERSION = 1
_FINGERPRINT = 4096
_YES = frozenset({"yes", "true", "1"})
_NO = frozenset({"no", "false", "0"})

# How a stored value is typed in the wide table, by item type.
_KIND = {
    "scale": "number",
    "seconds": "number",
    "yes_no": "bool",
    "tick": "bool",
    "timestamp": "datetime",
    "checkpoint": "datetime",
    "date": "date",
    "choice": "category",
    "several": "text",
    "text": "text",
    "long_text": "text",
    "prompt": "text",
}


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
        fd, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(entry, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        pass


# ------------------------------------------------------------------- parsing


def _categorical(values: pd.Series | np.ndarray) -> pd.Categorical:
    """Categorical without sorting the categories (sorting a million ids is slow)."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    return pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=object))


def _integers(values: pd.Series, default: int | None) -> pd.arrays.IntegerArray:
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    numbers = pd.to_numeric(pd.Series(uniques, dtype=object), errors="coerce").to_numpy()
    taken = np.where(codes >= 0, numbers[np.maximum(codes, 0)] if len(numbers) else np.nan, np.nan)
    out = pd.array(np.where(np.isnan(taken), -1, taken).astype("int64"), dtype="Int64")
    missing = np.isnan(taken)
    if default is None:
        out[missing] = pd.NA
    else:
        out[missing] = default
    return out


def _timestamps(values: pd.Series) -> pd.DatetimeIndex:
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    parsed = pd.to_datetime(
        pd.Index(uniques, dtype=object), utc=True, format="ISO8601", errors="coerce"
    )
    out = parsed.take(np.maximum(codes, 0)) if len(parsed) else pd.DatetimeIndex([], tz="UTC")
    if (codes < 0).any() and len(out):
        out = out.where(codes >= 0)
    return out


def _read_csv(data: str | io.BytesIO, names: list[str] | None) -> pd.DataFrame:
    return pd.read_csv(
        data,
        engine="c",
        dtype=str,
        na_filter=False,
        encoding="utf-8",
        names=names,
        header=0 if names is None else None,
    )


def _typed(raw: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """The store's text columns -> typed columns; older files get their gaps filled."""
    missing = [column for column in _REQUIRED if column not in raw.columns]
    if missing:
        raise LoaderError(f"missing the columns {missing}")
    n = len(raw)
    columns: dict[str, Any] = {}
    if "record_id" in raw:
        columns["record_id"] = raw["record_id"].to_numpy(dtype=object)
    else:  # older files: a stable id from the row itself, so copies still match
        columns["record_id"] = np.array(
            [_digest("\x1f".join(row).encode("utf-8"))[:36] for row in raw.itertuples(False)],
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
                columns[column] = pd.array([default] * n, dtype="Int64")
        elif column in raw:
            columns[column] = _categorical(raw[column])
        else:
            columns[column] = None
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
    for column in LONG_COLUMNS:
        if columns.get(column) is None:
            columns[column] = _categorical(np.full(n, "", dtype=object))
    return pd.DataFrame({column: columns[column] for column in LONG_COLUMNS})


def _parse_file(source: _Source, instrument: Instrument, cache: Path | None) -> pd.DataFrame:
    path = source.path
    with open(path, "rb") as handle:
        head = handle.read(_FINGERPRINT)
    size = path.stat().st_size
    entry = _read_cache(_cache_path(cache, path)) if cache is not None else None
    if entry is not None and entry["head"] == _digest(head[: entry["head_length"]]):
        cached_size = entry["size"]
        if cached_size == size and entry["head_length"] == len(head):
            return entry["frame"]
        if cached_size < size:
            with open(path, "rb") as handle:
                handle.seek(cached_size - len(entry["tail_bytes"]))
                tail = handle.read(len(entry["tail_bytes"]))
                new = handle.read(size - cached_size)
            if tail == entry["tail_bytes"] and new.endswith(b"\n"):
                frame = _concat(
                    [
                        entry["frame"],
                        _typed(_read_csv(io.BytesIO(new), entry["header"]), instrument),
                    ]
                )
                if cache is not None:
                    _store(cache, path, frame, head, size, entry["header"])
                return frame
    try:
        raw = _read_csv(str(path), None)
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise LoaderError(
            f"{path} is not a readable CSV ({exc}). It may have been edited by another "
            "program; export it again from the kit."
        ) from exc
    try:
        frame = _typed(raw, instrument)
    except LoaderError as exc:
        raise LoaderError(f"{path} is not a responses file: {exc}.") from None
    if cache is not None:
        _store(cache, path, frame, head, size, list(raw.columns))
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
        "frame": frame,
    }
    _write_cache(_cache_path(cache, path), entry)


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
    raw = pd.DataFrame({column: pd.Series([], dtype=object) for column in RESPONSE_COLUMNS})
    return _typed(raw, instrument)


def _latest_sessions(frame: pd.DataFrame) -> np.ndarray:
    """A row mask keeping only each (engagement, form, meeting) latest submission."""
    session_codes = frame["session_id"].cat.codes.to_numpy()
    _, first = np.unique(session_codes, return_index=True)
    heads = frame.iloc[first][
        ["engagement_id", "form", "meeting_number", "revision", "recorded_at", "session_id"]
    ]
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
        from .paths import exports_dir

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
            frame = frame.loc[keep].reset_index(drop=True)
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


def _empty_like(kind: str, choices: tuple[str, ...], n: int) -> Any:
    return _convert(kind, choices, pd.Index([""], dtype=object)).take(np.zeros(n, dtype=int))


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
    session_codes, session_uniques = pd.factorize(long["session_id"].cat.codes.to_numpy())
    n = len(session_uniques)
    _, first = np.unique(session_codes, return_index=True) if n else (None, np.array([], dtype=int))
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

    item_cat = long["item_id"]
    item_codes = item_cat.cat.codes.to_numpy()
    value_codes = long["value"].cat.codes.to_numpy()
    value_categories = long["value"].cat.categories
    order = np.argsort(item_codes, kind="stable")
    bounds = np.searchsorted(item_codes[order], np.arange(len(item_cat.cat.categories) + 1))
    present: dict[str, np.ndarray] = {}
    for index, item_id in enumerate(item_cat.cat.categories):
        rows = order[bounds[index] : bounds[index + 1]]
        if len(rows):
            present[str(item_id)] = rows
    fallback = (
        dict(zip(long["item_id"].astype(object), long["item_type"].astype(object), strict=False))
        if any(item not in kinds for item in present)
        else {}
    )
    names = [item for item in kinds] + [item for item in present if item not in kinds]
    for item_id in names:
        kind, choices = kinds.get(item_id, (_KIND.get(fallback.get(item_id, ""), "text"), ()))
        found = present.get(item_id)
        if found is None:
            out[item_id] = _empty_like(kind, choices, n)
        else:
            rows = found
            codes = value_codes[rows]
            distinct, inverse = np.unique(codes, return_inverse=True)
            typed = _convert(kind, choices, value_categories.take(distinct))
            column = _empty_like(kind, choices, n)
            column[session_codes[rows]] = typed.take(inverse)
            out[item_id] = column
        if kinds.get(item_id, ("", ()))[0] == "datetime" and item_id in _checkpoint_ids(instrument):
            ticked = pd.array([pd.NA] * n, dtype="boolean")
            if found is not None:
                stored = (
                    value_categories.take(value_codes[rows]).astype(str).str.strip().str.lower()
                )
                ticked[session_codes[rows]] = (stored != "") & ~stored.isin(_NO)
            out[f"{item_id}_ticked"] = ticked
    wide = pd.DataFrame(out)
    return wide.sort_values(
        ["engagement_id", "meeting_number", "form", "recorded_at"], kind="stable"
    ).reset_index(drop=True)


def _checkpoint_ids(instrument: Instrument | None) -> frozenset[str]:
    instrument = instrument or load_instrument()
    return frozenset(e.item_id for e in instrument.codebook() if e.type == "checkpoint")
