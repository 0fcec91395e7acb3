"""The parse cache: a file's typed rows kept as Arrow IPC, so a reload costs a read.

Parsing a million-row CSV costs seconds, yet ``responses.csv`` only ever grows by
appending. The parsed, typed rows of each file are therefore kept in a cache and
trusted only while they still describe the file: an unchanged file loads from the
cache, a grown one parses only the new bytes, anything else is parsed again.

Why it is shaped this way:

* **Data, never code.** The cache is an Arrow IPC file read column by column into the
  long table's own types; nothing in it is unpickled, evaluated or imported, so a file
  planted in a data folder can at worst be ignored. Its schema and metadata are checked
  before a single value is used.
* **Keyed by the content.** A cache entry records the file's size, modification time
  and SHA-256 digests of its first and last 64 KiB (the whole file, when it is small);
  any difference means the entry is stale and the file is parsed again. An append is
  recognised because the bytes where the cached parse stopped are still there.
* **Only where the analyst alone writes.** The cache is a copy of confidential text
  and a planted one could pass off made-up rows, so it lives in a folder owned by the
  current user that nobody else may write to: ``ALIGNMENT_KIT_CACHE`` when set (the
  analyst's choice), else ``.kit-cache/`` beside the data *only if* that data folder is
  the analyst's own (see :func:`cache_dir`), else nowhere: the file is parsed each
  time. Never the home folder: it is backed up and synced where the data is not.
  Cache files that another user owns, or that others may write, are ignored.

Writing the cache is best effort: a cache that cannot be written only costs the next
load some time. Delete the folder to drop it.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
import threading
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from widgets.analysis.long_columns import (
    LONG_COLUMNS,
    concat_long_frames,
    parse_appended_rows,
    parse_responses_file,
)
from widgets.analysis.sources import LoaderError
from widgets.instrument.instrument import Instrument

__all__ = [
    "CACHE_ENV",
    "cache_dir",
    "is_private_folder",
    "prepare_cache_folder",
    "parse_with_cache",
]

CACHE_ENV = "ALIGNMENT_KIT_CACHE"

_CACHE_VERSION = 4
_META_KEY = b"alignment-kit-cache"
_SUFFIX = ".arrow"
# How much of a file's start and end is hashed: a rewritten file differs there, and a
# file of up to twice this size is hashed whole.
_WINDOW = 64 * 1024
_INTEGER_COLUMNS = ("meeting_number", "revision", "meeting_month")


def is_private_folder(folder: Path) -> bool:
    """Whether ``folder`` is the current user's own: owned by them, writable by nobody else."""
    try:
        info = os.stat(folder)
    except OSError:
        return False
    return (
        stat.S_ISDIR(info.st_mode)
        and info.st_uid == os.getuid()
        and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    )


def cache_dir(csv_path: Path) -> Path | None:
    """Where a file's parse may be cached, or ``None`` for nowhere.

    ``ALIGNMENT_KIT_CACHE`` when set; else ``.kit-cache/`` beside the file when its
    folder is the analyst's own (:func:`is_private_folder`), since a folder a coach or a
    group may write to could hold a planted cache; else ``None``.
    """
    configured = os.environ.get(CACHE_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    folder = csv_path.resolve().parent
    return folder / ".kit-cache" if is_private_folder(folder) else None


def prepare_cache_folder(folder: Path) -> Path:
    """Create ``folder`` owner-only, or check that an existing one is private.

    Raises :class:`LoaderError` for a folder someone else may write to: the analyst
    named it, so silently not caching would hide a setup mistake.
    """
    folder = folder.expanduser()
    if not folder.exists():
        try:
            folder.mkdir(parents=True, mode=0o700)
        except OSError as exc:
            raise LoaderError(
                f"The cache folder {folder} cannot be created ({exc}). Name a folder you "
                f"own in {CACHE_ENV} or pass cache=False."
            ) from exc
    if not is_private_folder(folder):
        raise LoaderError(
            f"The cache folder {folder} is not private: it must be owned by you and not "
            f"writable by others, or a planted file could pass for your data. Run "
            f"`chmod 700 {folder}`, name another folder in {CACHE_ENV}, or pass cache=False."
        )
    return folder


def parse_with_cache(
    path: Path,
    instrument: Instrument,
    cache: Path | None,
    writes: list[threading.Thread] | None = None,
) -> pd.DataFrame:
    """The typed long frame of one responses file, through the cache folder ``cache``.

    ``None`` parses the whole file and keeps nothing. With ``writes``, a new cache entry
    is written by a thread added to that list, while the caller goes on with the
    frame (Arrow writes without holding the interpreter, so on a second core); the
    caller joins the threads before it returns. Without it the entry is written here.
    """
    if cache is None:
        return parse_responses_file(path, instrument)[0]
    entry_path = cache / _entry_name(path)
    # The key is taken before parsing, so rows appended meanwhile are never marked parsed.
    info = path.stat()
    key = _key(path, info)
    cached = _read_entry(entry_path)
    if cached is not None:
        meta, table = cached
        if meta["size"] == info.st_size and meta["mtime_ns"] == info.st_mtime_ns:
            if meta["fingerprint"] == key["fingerprint"]:
                frame = _frame_from_table(table)
                if frame is not None:
                    return frame
        elif meta["size"] < info.st_size and _still_starts_with(path, meta):
            with open(path, "rb") as handle:
                handle.seek(meta["size"])
                new = handle.read(info.st_size - meta["size"])
            earlier = _frame_from_table(table)
            if earlier is not None and new.endswith(b"\n"):
                frame = concat_long_frames(
                    [earlier, parse_appended_rows(new, meta["header"], instrument)]
                )
                _write_entry(entry_path, {**key, "header": meta["header"]}, frame, writes)
                return frame
    frame, header = parse_responses_file(path, instrument)
    _write_entry(entry_path, {**key, "header": header}, frame, writes)
    return frame


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _entry_name(csv_path: Path) -> str:
    # The name only finds the entry; whether it may be used is decided by its content key.
    return _digest(str(csv_path.resolve()).encode("utf-8"))[:32] + _SUFFIX


def _key(path: Path, info: os.stat_result) -> dict[str, Any]:
    """What an entry must match to stand for the file: its size, mtime and digests."""
    return {
        "version": _CACHE_VERSION,
        "size": info.st_size,
        "mtime_ns": info.st_mtime_ns,
        "fingerprint": _fingerprint(path, info.st_size),
    }


def _fingerprint(path: Path, size: int) -> dict[str, str]:
    """Digests of the first and last ``_WINDOW`` bytes of the first ``size`` bytes."""
    with open(path, "rb") as handle:
        head = handle.read(min(size, _WINDOW))
        handle.seek(max(0, size - _WINDOW))
        tail = handle.read(size - max(0, size - _WINDOW))
    return {"head": _digest(head), "tail": _digest(tail)}


def _still_starts_with(path: Path, meta: dict[str, Any]) -> bool:
    """Whether the file's first ``meta['size']`` bytes are still those that were cached."""
    return bool(_fingerprint(path, meta["size"]) == meta["fingerprint"])


def _read_entry(entry_path: Path) -> tuple[dict[str, Any], pa.Table] | None:
    """The entry's key and table, or ``None`` for anything not written by this module."""
    try:
        fd = os.open(entry_path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if (
            not stat.S_ISREG(info.st_mode)
            or info.st_uid != os.getuid()
            or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
        ):
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read()
    except OSError:
        return None
    finally:
        os.close(fd)
    try:
        with pa.ipc.open_file(pa.py_buffer(data)) as reader:
            table = reader.read_all()
        meta = json.loads((table.schema.metadata or {})[_META_KEY])
        table.validate(full=True)
    except (pa.ArrowException, KeyError, ValueError, TypeError):
        return None
    if not _well_formed(meta, table):
        return None
    return meta, table


def _well_formed(meta: Any, table: pa.Table) -> bool:
    if not isinstance(meta, dict) or meta.get("version") != _CACHE_VERSION:
        return False
    if not (
        isinstance(meta.get("size"), int)
        and isinstance(meta.get("mtime_ns"), int)
        and isinstance(meta.get("fingerprint"), dict)
        and isinstance(meta.get("header"), list)
        and all(isinstance(name, str) for name in meta["header"])
    ):
        return False
    if table.column_names != list(LONG_COLUMNS):
        return False
    for field in table.schema:
        if field.name == "recorded_at":
            ok = pa.types.is_timestamp(field.type) and field.type.tz == "UTC"
        elif field.name in _INTEGER_COLUMNS:
            ok = pa.types.is_int64(field.type)
        elif field.name == "record_id":
            ok = pa.types.is_string(field.type) or pa.types.is_large_string(field.type)
        else:
            ok = pa.types.is_dictionary(field.type) and pa.types.is_string(field.type.value_type)
        if not ok:
            return False
    return True


def _frame_from_table(table: pa.Table) -> pd.DataFrame | None:
    """The long table's own types from the checked columns (no pandas metadata is read).

    ``None`` if the columns cannot be converted: the file is then parsed instead.
    """
    try:
        return _convert(table)
    except (pa.ArrowException, ValueError, TypeError, IndexError):
        return None


def _convert(table: pa.Table) -> pd.DataFrame:
    columns: dict[str, Any] = {}
    for name in LONG_COLUMNS:
        column = table.column(name)
        if name in _INTEGER_COLUMNS:
            columns[name] = pd.Int64Dtype().__from_arrow__(column)
        elif name == "recorded_at":
            columns[name] = column.to_pandas()
        elif name == "record_id":
            # As the parser hands it over: no Python string per row (a million of them
            # cost more than the rest of the conversion).
            columns[name] = column.to_pandas()
        else:
            combined = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
            codes = combined.indices.fill_null(-1).to_numpy(zero_copy_only=False)
            columns[name] = pd.Categorical.from_codes(
                codes,
                categories=pd.Index(combined.dictionary.to_pylist(), dtype=object),
            )
    return pd.DataFrame(columns, copy=False)


def _write_entry(
    entry_path: Path,
    meta: dict[str, Any],
    frame: pd.DataFrame,
    writes: list[threading.Thread] | None = None,
) -> None:
    """Write the entry in one rename, straight into a temporary file beside it.

    Best effort: a cache that cannot be written only costs the next load some time.
    Arrow writes into the file itself; building the entry in memory first and copying
    it out took longer than the rest of the write (a growing buffer of ~100 MB a
    million rows, copied twice). The Arrow table is made here, from the frame as it is
    now; only the writing may go to a thread (``writes``).
    """
    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        table = table.replace_schema_metadata({_META_KEY: json.dumps(meta).encode("utf-8")})
    except (pa.ArrowException, ValueError, TypeError):
        return
    if writes is None:
        _write_table(entry_path, table)
    else:
        thread = threading.Thread(target=_write_table, args=(entry_path, table), daemon=False)
        thread.start()
        writes.append(thread)


def _write_table(entry_path: Path, table: pa.Table) -> None:
    temporary = None
    try:
        # mkstemp: a new file only this user may read or write (0600), never a link.
        fd, temporary = tempfile.mkstemp(
            dir=entry_path.parent, prefix=f".{entry_path.name}.", suffix=".tmp"
        )
        os.close(fd)
        with pa.OSFile(temporary, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
        os.replace(temporary, entry_path)
        temporary = None
    except (OSError, pa.ArrowException, ValueError, TypeError):
        pass
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
