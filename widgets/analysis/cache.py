"""The parse cache: a file's typed rows kept beside it, so a reload costs a read.

Parsing a million-row CSV costs seconds, yet ``responses.csv`` only ever grows by
appending. The parsed, typed rows of each file are therefore kept in a cache, keyed by
the file's path and checked against fingerprints of its start and of the end of what
was parsed: an unchanged file loads from the cache, a grown one parses only the new
bytes, anything else is parsed again.

The cache holds the same confidential rows as the file, so it lives next to it
(``.kit-cache/``, see :func:`cache_dir`), under the same protection, and never in the
home folder; delete that folder to drop it. Writing it is best effort: a cache that
cannot be written only costs the next load some time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

import pandas as pd

from widgets.analysis.long_columns import (
    concat_long_frames,
    parse_appended_rows,
    parse_responses_file,
)
from widgets.instrument.model import Instrument
from widgets.store.atomic_file import replace_file

__all__ = ["CACHE_ENV", "cache_dir", "parse_with_cache"]

CACHE_ENV = "ALIGNMENT_KIT_CACHE"

_CACHE_VERSION = 3
# How much of a file's start is fingerprinted: a rewritten file differs there.
_FINGERPRINT = 4096
# How much of the end of what was parsed is kept: a file that grew by appending still
# holds exactly these bytes where the parse stopped.
_TAIL_BYTES = 256


def cache_dir(csv_path: Path) -> Path:
    """Where a file's parse is cached: ``ALIGNMENT_KIT_CACHE``, else ``.kit-cache/`` beside it.

    Beside the data, because the cache is a copy of confidential text: it must not end
    up in a home folder or a backup that the data itself is kept out of.
    """
    configured = os.environ.get(CACHE_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    return csv_path.resolve().parent / ".kit-cache"


def parse_with_cache(path: Path, instrument: Instrument, cache: Path | None) -> pd.DataFrame:
    """The typed long frame of one responses file, through the cache folder ``cache``.

    ``None`` parses the whole file and keeps nothing.
    """
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
                frame = concat_long_frames(
                    [
                        _unpack(entry["columns"]),
                        parse_appended_rows(new, entry["header"], instrument),
                    ]
                )
                if cache is not None:
                    _store(cache, path, frame, head, size, entry["header"])
                return frame
    frame, header = parse_responses_file(path, instrument)
    if cache is not None:
        _store(cache, path, frame, head, size, header)
    return frame


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


def _store(
    cache: Path, path: Path, frame: pd.DataFrame, head: bytes, size: int, header: list[str]
) -> None:
    with open(path, "rb") as handle:
        handle.seek(max(0, size - _TAIL_BYTES))
        tail = handle.read(min(size, _TAIL_BYTES))
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
