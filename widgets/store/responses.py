"""The one place that writes the kit's CSV files.

Every answer is one row of ``responses.csv`` (long format, one row per item). A
submission is the set of rows one press of "Save" produces; correcting a form later
writes a new submission with the next ``revision`` that ``supersedes`` the previous
one, so nothing saved is ever overwritten.

Why the machinery below:

* Several Voila kernels may save at the same moment. Every operation holds one
  exclusive file lock per folder (``.store.lock``); the end of the file is looked at
  only after locking, so a header is written once, and each submission goes out in a
  single ``write`` followed by ``fsync`` before the lock is released.
* A kernel can be killed in the middle of a write (tab closed, culled, out of memory).
  Before appending, the sizes of the files about to grow are written to a rollback
  marker (``.store.pending``); the marker is removed once the data is on disk. Whoever
  takes the lock next and finds a marker truncates the files back, so a torn line or a
  half-saved submission never reaches a reader.
* ``responses.csv`` may hold a million rows, yet reopening an engagement must be
  instant. A small index per engagement (``index/<engagement_id>.csv``) records each
  submission's byte range, so reading one back is a seek and a read. The index is
  derived data: ``index/_indexed_to`` says how much of ``responses.csv`` it covers
  (with a fingerprint of the file's start). Rows the index has not seen (a file copied
  in from elsewhere, rows appended by another tool) are indexed on the next operation,
  and a file that no longer matches its index is re-indexed from scratch, so nothing
  saved is ever invisible.

Only the standard library and filelock are used: this module runs inside live app
kernels, which must stay light (pandas belongs to analysis).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from widgets.clock import Clock, stamp, utc_now
from widgets.errors import StoreError
from widgets.ids import check_engagement_id
from widgets.paths import exports_dir
from widgets.store.atomic_file import fsync_folder, replace_file

__all__ = [
    "RESPONSE_COLUMNS",
    "Answer",
    "Submission",
    "ResponseStore",
    "write_table",
    "append_table",
    "read_table",
]

RESPONSE_COLUMNS: tuple[str, ...] = (
    "record_id",
    "recorded_at",
    "engagement_id",
    "session_id",
    "form",
    "meeting_number",
    "section",
    "item_id",
    "item_type",
    "value",
    "instrument_version",
    "revision",
    "supersedes",
)

_INDEX_COLUMNS: tuple[str, ...] = (
    "session_id",
    "form",
    "meeting_number",
    "revision",
    "supersedes",
    "recorded_at",
    "instrument_version",
    "offset",
    "length",
    "rows",
)

_LOCK_NAME = ".store.lock"
_PENDING_NAME = ".store.pending"
_INDEX_DIR = "index"
_WATERMARK_NAME = "_indexed_to"
# Read at call time, so a test can shorten it.
LOCK_TIMEOUT_SECONDS = 30.0
# How much of the start of responses.csv identifies it (the first row carries a uuid).
_FINGERPRINT_BYTES = 1024
# "\r\n" (RFC 4180, the csv module's default) rather than "\n": with "\n" the csv
# module would leave a lone "\r" inside a value unquoted, and readers split on it.
_LINE_END = "\r\n"
_ENCODING = "utf-8"
# Windows opens low-level handles in text mode unless told otherwise, and would turn
# every "\n" into "\r\n", shifting the byte offsets the index records.
_BINARY = getattr(os, "O_BINARY", 0)


@dataclass(frozen=True)
class Answer:
    """One answered item: becomes one row of ``responses.csv``."""

    section: str
    item_id: str
    item_type: str
    value: str


@dataclass(frozen=True)
class Submission:
    """The rows one save produced, as read back (or just written)."""

    session_id: str
    engagement_id: str
    form: str
    meeting_number: int
    revision: int
    supersedes: str
    recorded_at: str
    instrument_version: str
    answers: tuple[Answer, ...]

    def values(self) -> dict[str, str]:
        """item_id -> value, the shape a form needs to show saved answers again."""
        return {answer.item_id: answer.value for answer in self.answers}


# --------------------------------------------------------------------------- files


def _write_all(fd: int, data: bytes) -> None:
    """One write call; the loop only covers the rare short write (disk nearly full)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def _encode(rows: Iterable[Sequence[str]]) -> bytes:
    """CSV-encode rows exactly as they will sit in the file.

    Raises StoreError for text UTF-8 cannot hold (lone surrogates), before anything is
    written, so a bad character never leaves half a save behind.
    """
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator=_LINE_END).writerows(rows)
    try:
        return buffer.getvalue().encode(_ENCODING)
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start : exc.end]
        raise StoreError(
            f"The text contains a character that cannot be saved ({bad!r}); nothing was "
            "saved. Retype or remove the pasted character and save again."
        ) from exc


def _parse(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(_ENCODING), newline="")))


def _header_and_tail(path: Path, size: int) -> tuple[list[str] | None, bytes, bytes]:
    """The header fields, the file's first bytes (for the fingerprint) and its last byte."""
    if size == 0:
        return None, b"", b""
    with open(path, "rb") as handle:
        head = handle.read(max(_FINGERPRINT_BYTES, 4096))
        handle.seek(size - 1)
        last = handle.read(1)
    first_line = head.split(b"\n", 1)[0]
    if len(first_line) == len(head) and len(head) < size:  # header longer than 4 KiB
        with open(path, "rb") as handle:
            first_line = handle.readline()
    try:
        header = next(csv.reader([first_line.decode(_ENCODING).rstrip("\r\n")]), [])
    except UnicodeDecodeError:
        header = []
    return header, head[:_FINGERPRINT_BYTES], last


def _append_bytes(path: Path, columns: Sequence[str], body: bytes) -> tuple[bytes, int]:
    """What to append to ``path`` so ``body`` lands as whole rows under one header.

    Returns the bytes and the offset (in the file) where ``body`` starts. Must be called
    under the folder's lock: the decision to write a header rests on the file being
    empty *now*, which is what stops concurrent first saves from doubling it.
    """
    size = _size(path)
    header, _, last = _header_and_tail(path, size)
    prefix = b""
    if header is None:
        prefix = _encode([list(columns)])
    else:
        if tuple(header) != tuple(columns):
            raise StoreError(
                f"{path} has the columns {header}, but the kit writes {list(columns)}. "
                "Nothing was saved. Move that file aside (it may come from another "
                "version of the kit) and save again."
            )
        if last != b"\n":
            # Written by another tool without a final line end: start on a new line.
            prefix = _LINE_END.encode()
    return prefix + body, size + len(prefix)


# ------------------------------------------------------------------ lock + rollback


class _Journal:
    """The lock and rollback marker that guard every CSV file in one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.lock_path = folder / _LOCK_NAME
        self.pending_path = folder / _PENDING_NAME

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the folder's lock, after undoing any write a killed process left torn."""
        timeout = LOCK_TIMEOUT_SECONDS
        # filelock polls; a short interval keeps a waiting save from idling long after
        # the lock is free (a save holds it for a few milliseconds).
        lock = FileLock(str(self.lock_path), timeout=timeout, poll_interval=0.002)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            lock.acquire()
        except Timeout as exc:
            raise StoreError(
                f"The data folder {self.folder} stayed locked by another save for "
                f"{timeout:.0f} s, so nothing was saved. Wait a moment and try again; if "
                "it keeps happening, close other kit windows or restart their kernels."
            ) from exc
        except OSError as exc:
            raise StoreError(
                f"Cannot use the data folder {self.folder} ({exc.strerror or exc}). Check "
                "that it exists and is writable (ALIGNMENT_KIT_EXPORTS names it), then "
                "try again."
            ) from exc
        try:
            self.recover()
            yield
        finally:
            lock.release()

    def _resolve(self, relative: str) -> Path:
        path = (self.folder / relative).resolve()
        if not path.is_relative_to(self.folder.resolve()):
            raise StoreError(
                f"The rollback marker {self.pending_path} names {relative!r}, outside "
                f"{self.folder}. It was not written by the kit: check it, delete it and "
                "try again."
            )
        return path

    def recover(self) -> None:
        """Undo an interrupted commit: truncate appended files, restore patched ones.

        Called with the lock held. The marker only exists between "about to append"
        and "data is on disk", so finding one means the commit did not finish and its
        caller was never told it succeeded; rolling back loses nothing confirmed.
        """
        try:
            raw = self.pending_path.read_bytes()
        except FileNotFoundError:
            return
        try:
            plan = json.loads(raw.decode(_ENCODING))
            appends = [(str(r), int(pre)) for r, pre, _post in plan["appends"]]
            patches = [(str(r), None if old is None else str(old)) for r, old in plan["patches"]]
        except (ValueError, KeyError, TypeError):
            # The marker is replaced into place whole, so an unreadable one was cut
            # short before any data was appended: there is nothing to undo.
            appends, patches = [], []
        for relative, size in appends:
            path = self._resolve(relative)
            try:
                fd = os.open(path, os.O_WRONLY | _BINARY)
            except FileNotFoundError:
                continue
            try:
                if os.fstat(fd).st_size > size:
                    os.ftruncate(fd, size)
                    os.fsync(fd)
            finally:
                os.close(fd)
        for relative, old in patches:
            path = self._resolve(relative)
            if old is None:
                path.unlink(missing_ok=True)
                fsync_folder(path.parent)
            else:
                _overwrite(path, old.encode("latin-1"))
        self.pending_path.unlink()
        fsync_folder(self.folder)

    def commit(
        self,
        appends: Sequence[tuple[Path, bytes]],
        patches: Sequence[tuple[Path, bytes]] = (),
    ) -> None:
        """Append to each file and rewrite each small patched file, all or nothing.

        Called with the lock held. On any error the partial work is rolled back at
        once and StoreError says nothing was saved.
        """
        plan: dict[str, list[list[object]]] = {"appends": [], "patches": []}
        for path, data in appends:
            size = _size(path)
            plan["appends"].append([self._relative(path), size, size + len(data)])
        for path, _new in patches:
            try:
                old: str | None = path.read_bytes().decode("latin-1")
            except FileNotFoundError:
                old = None
            plan["patches"].append([self._relative(path), old])
        try:
            self._write_marker(json.dumps(plan).encode(_ENCODING))
            new_folders: set[Path] = set()
            for path, data in appends:
                if not path.exists():
                    path.parent.mkdir(parents=True, exist_ok=True)
                    new_folders.add(path.parent)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | _BINARY, 0o644)
                try:
                    _write_all(fd, data)
                    os.fsync(fd)
                finally:
                    os.close(fd)
            for path, new in patches:
                if not path.exists():
                    new_folders.add(path.parent)
                _overwrite(path, new)
            for folder in new_folders:
                fsync_folder(folder)
            self.pending_path.unlink()
            fsync_folder(self.folder)
        except OSError as exc:
            try:
                self.recover()
            except OSError:
                pass  # the marker stays; the next operation finishes the rollback
            raise StoreError(
                f"Could not write to {self.folder} ({exc.strerror or exc}); nothing was "
                "saved. Check that the disk is not full and the folder is writable, then "
                "save again."
            ) from exc

    def _relative(self, path: Path) -> str:
        return os.path.relpath(path, self.folder)

    def _write_marker(self, data: bytes) -> None:
        # Written beside and renamed into place, so a marker that exists is complete.
        replace_file(self.pending_path, data, durable=True, mode=0o644)


def _overwrite(path: Path, data: bytes) -> None:
    """Rewrite a tiny file in place (one write; the marker covers an interruption)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | _BINARY, 0o644)
    try:
        _write_all(fd, data)
        os.ftruncate(fd, len(data))
        os.fsync(fd)
    finally:
        os.close(fd)


# ------------------------------------------------------------------- small tables


def _table_rows(columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> list[list[str]]:
    known = set(columns)
    encoded = []
    for row in rows:
        unknown = [key for key in row if key not in known]
        if unknown:
            raise ValueError(f"Columns {unknown} are not among the table's {list(columns)}.")
        encoded.append([_cell(row.get(column)) for column in columns])
    return encoded


def write_table(
    path: Path | str, columns: Sequence[str], rows: Iterable[Mapping[str, object]]
) -> None:
    """Write a whole small CSV (e.g. the codebook) so readers see the old or the new file.

    The table is written to a temporary file in the same folder, fsynced and renamed
    over the old one. Missing keys are written as ""; unknown keys raise ValueError.
    """
    path = Path(path)
    data = _encode([list(columns), *_table_rows(columns, rows)])
    journal = _Journal(path.parent)
    with journal.locked():
        try:
            replace_file(path, data, durable=True, mode=0o644)
        except OSError as exc:
            raise StoreError(
                f"Could not write {path} ({exc.strerror or exc}); the previous version is "
                "unchanged. Check that the disk is not full and the folder is writable."
            ) from exc


def append_table(
    path: Path | str, columns: Sequence[str], rows: Iterable[Mapping[str, object]]
) -> None:
    """Append rows to a small CSV (e.g. the engagement registry), locked and all or nothing.

    The header is written once, when the file is empty; a file with other columns is
    refused rather than mixed. Missing keys are written as ""; unknown keys raise
    ValueError.
    """
    path = Path(path)
    body = _encode(_table_rows(columns, rows))
    if not body:
        return
    journal = _Journal(path.parent)
    with journal.locked():
        data, _ = _append_bytes(path, columns, body)
        journal.commit([(path, data)])


def read_table(path: Path | str) -> list[dict[str, str]]:
    """Every row of a small CSV as a dict of strings; an empty list if there is no file.

    Taken under the folder's lock, so an interrupted append is rolled back first.
    """
    path = Path(path)
    if not path.parent.is_dir():
        return []
    with _Journal(path.parent).locked():
        return _read_all(path)


def _read_all(path: Path) -> list[dict[str, str]]:
    try:
        with open(path, encoding=_ENCODING, newline="") as handle:
            return [dict(row) for row in csv.DictReader(handle)]
    except FileNotFoundError:
        return []
    except UnicodeDecodeError as exc:
        raise StoreError(
            f"{path} is not UTF-8 text (byte {exc.start}); it was probably saved by "
            "another program. Save it again as CSV UTF-8 or move it aside."
        ) from exc


# ------------------------------------------------------------------ the responses


@dataclass(frozen=True)
class _Entry:
    """One submission as the index knows it: where its rows are in responses.csv."""

    session_id: str
    form: str
    meeting_number: int
    revision: int
    supersedes: str
    recorded_at: str
    instrument_version: str
    offset: int
    length: int
    rows: int

    def cells(self) -> list[str]:
        return [str(getattr(self, column)) for column in _INDEX_COLUMNS]


class _StaleIndex(StoreError):
    """The index points at bytes that are not the submission it describes."""


class ResponseStore:
    """Append-only store of every answer, in ``<root>/responses.csv``.

    ``root`` defaults to the kit's data root (``ALIGNMENT_KIT_EXPORTS`` or
    ``exports/``), resolved when the store is made. ``clock`` gives the time stamped
    on each save; tests pass a fixed one.
    """

    def __init__(
        self, root: Path | None = None, *, clock: Clock = utc_now
    ) -> None:
        self.root = Path(root) if root is not None else exports_dir()
        self.clock = clock
        self._journal = _Journal(self.root)

    @property
    def responses_path(self) -> Path:
        return self.root / "responses.csv"

    @property
    def _index_dir(self) -> Path:
        return self.root / _INDEX_DIR

    @property
    def _watermark_path(self) -> Path:
        return self._index_dir / _WATERMARK_NAME

    def _index_path(self, engagement_id: str) -> Path:
        return self._index_dir / f"{engagement_id}.csv"

    # -------------------------------------------------------------- public API

    def submit(
        self,
        *,
        engagement_id: str,
        form: str,
        meeting_number: int,
        answers: Iterable[Answer],
        instrument_version: str,
    ) -> Submission:
        """Save one form's answers as a new revision and return what was saved.

        Raises InvalidEngagementId (a ValueError) for an id the kit did not issue,
        StoreError if there is nothing to save or the disk refuses the write; in every
        failure nothing at all is saved.
        """
        check_engagement_id(engagement_id)
        saved = tuple(answers)
        _check_submission(form, meeting_number, saved, instrument_version)
        recorded_at = stamp(self.clock())
        session_id = str(uuid.uuid4())
        with self._journal.locked():
            self._sync_index()
            entries = self._entries(engagement_id)
            previous = _latest_entry(entries, form, meeting_number)
            revision = previous.revision + 1 if previous else 1
            supersedes = previous.session_id if previous else ""
            body = _encode(
                [
                    str(uuid.uuid4()),
                    recorded_at,
                    engagement_id,
                    session_id,
                    form,
                    str(meeting_number),
                    answer.section,
                    answer.item_id,
                    answer.item_type,
                    answer.value,
                    instrument_version,
                    str(revision),
                    supersedes,
                ]
                for answer in saved
            )
            data, offset = _append_bytes(self.responses_path, RESPONSE_COLUMNS, body)
            entry = _Entry(
                session_id=session_id,
                form=form,
                meeting_number=meeting_number,
                revision=revision,
                supersedes=supersedes,
                recorded_at=recorded_at,
                instrument_version=instrument_version,
                offset=offset,
                length=len(body),
                rows=len(saved),
            )
            index_path = self._index_path(engagement_id)
            index_data, _ = _append_bytes(index_path, _INDEX_COLUMNS, _encode([entry.cells()]))
            end = _size(self.responses_path) + len(data)
            self._journal.commit(
                [(self.responses_path, data), (index_path, index_data)],
                [(self._watermark_path, self._watermark(end, data))],
            )
        return Submission(
            session_id=session_id,
            engagement_id=engagement_id,
            form=form,
            meeting_number=meeting_number,
            revision=revision,
            supersedes=supersedes,
            recorded_at=recorded_at,
            instrument_version=instrument_version,
            answers=saved,
        )

    def latest(self, engagement_id: str, form: str, meeting_number: int) -> Submission | None:
        """The newest revision of one form for one meeting, or None if never saved.

        Reads only that submission's bytes, however large responses.csv has grown.
        """
        check_engagement_id(engagement_id)
        with self._journal.locked():
            found = self._with_fresh_index(
                lambda: self._load(
                    engagement_id, _one(self._entries(engagement_id), form, meeting_number)
                )
            )
        return found[0] if found else None

    def history(self, engagement_id: str) -> list[Submission]:
        """Every submission of an engagement, all revisions with their answers, oldest first."""
        check_engagement_id(engagement_id)
        with self._journal.locked():
            return self._with_fresh_index(
                lambda: self._load(engagement_id, self._entries(engagement_id))
            )

    def submitted(self, engagement_id: str) -> dict[tuple[str, int], int]:
        """(form, meeting_number) -> latest revision, from the index alone."""
        check_engagement_id(engagement_id)
        with self._journal.locked():
            self._sync_index()
            latest: dict[tuple[str, int], int] = {}
            for entry in self._entries(engagement_id):
                key = (entry.form, entry.meeting_number)
                latest[key] = max(latest.get(key, 0), entry.revision)
            return latest

    @contextmanager
    def reading(self) -> Iterator[Path]:
        """Hold the store's lock and give the path of responses.csv, for other readers.

        A reader that opens the file itself (the analysis loader, with pandas) would
        otherwise see a save in progress, or the torn tail of a killed one, as rows.
        Inside this block a crash has been rolled back and no save can start.
        """
        with self._journal.locked():
            yield self.responses_path

    def read_rows(self) -> list[dict[str, str]]:
        """Every row of responses.csv as dicts of strings (for tests and small data)."""
        with self._journal.locked():
            return _read_all(self.responses_path)

    # -------------------------------------------------------------- reading

    def _with_fresh_index(self, read: Callable[[], list[Submission]]) -> list[Submission]:
        """Read through the index; if it has gone stale, re-index once and read again."""
        self._sync_index()
        try:
            return read()
        except _StaleIndex:
            self._rebuild_index()
        try:
            return read()
        except _StaleIndex as exc:
            raise StoreError(
                f"{self.responses_path} changed while being read, or its rows are damaged "
                f"({exc}). Make sure no other program edits it, then try again."
            ) from exc

    def _entries(self, engagement_id: str) -> list[_Entry]:
        path = self._index_path(engagement_id)
        entries = []
        for row in _read_all(path):
            try:
                entries.append(
                    _Entry(
                        session_id=row["session_id"],
                        form=row["form"],
                        meeting_number=int(row["meeting_number"]),
                        revision=int(row["revision"]),
                        supersedes=row["supersedes"],
                        recorded_at=row["recorded_at"],
                        instrument_version=row["instrument_version"],
                        offset=int(row["offset"]),
                        length=int(row["length"]),
                        rows=int(row["rows"]),
                    )
                )
            except (KeyError, TypeError, ValueError) as exc:
                raise StoreError(
                    f"The index file {path} is damaged ({exc!r}). It is derived data: "
                    f"delete the folder {self._index_dir} and it will be rebuilt."
                ) from exc
        entries.sort(key=lambda e: e.offset)
        return entries

    def _load(self, engagement_id: str, entries: Sequence[_Entry]) -> list[Submission]:
        if not entries:
            return []
        header, _, _ = _header_and_tail(self.responses_path, _size(self.responses_path))
        if header is None:
            raise _StaleIndex("responses.csv is empty")
        loaded = []
        with open(self.responses_path, "rb") as handle:
            for entry in entries:
                handle.seek(entry.offset)
                data = handle.read(entry.length)
                try:
                    rows = [dict(zip(header, cells, strict=False)) for cells in _parse(data)]
                except (UnicodeDecodeError, csv.Error) as exc:
                    raise _StaleIndex(f"bytes {entry.offset}+{entry.length}: {exc}") from exc
                if (
                    len(data) != entry.length
                    or len(rows) != entry.rows
                    or any(
                        row.get("session_id") != entry.session_id
                        or row.get("engagement_id") != engagement_id
                        for row in rows
                    )
                ):
                    raise _StaleIndex(
                        f"bytes {entry.offset}+{entry.length} are not {entry.session_id}"
                    )
                loaded.append(
                    Submission(
                        session_id=entry.session_id,
                        engagement_id=engagement_id,
                        form=entry.form,
                        meeting_number=entry.meeting_number,
                        revision=entry.revision,
                        supersedes=entry.supersedes,
                        recorded_at=entry.recorded_at,
                        instrument_version=entry.instrument_version,
                        answers=tuple(
                            Answer(
                                section=row.get("section", ""),
                                item_id=row.get("item_id", ""),
                                item_type=row.get("item_type", ""),
                                value=row.get("value", ""),
                            )
                            for row in rows
                        ),
                    )
                )
        return loaded

    # -------------------------------------------------------------- the index

    def _watermark(self, end: int, appended: bytes) -> bytes:
        """The record saying the index covers responses.csv up to ``end``.

        Fixed width, so rewriting it in place is a single small write.
        """
        start = end - len(appended)
        if start >= _FINGERPRINT_BYTES:
            current = self._read_watermark()
            if current is not None:
                return _format_watermark(end, current[1], current[2])
        prefix = b""
        if start:
            with open(self.responses_path, "rb") as handle:
                prefix = handle.read(min(start, _FINGERPRINT_BYTES))
        prefix = (prefix + appended)[:_FINGERPRINT_BYTES]
        return _format_watermark(end, len(prefix), _digest(prefix))

    def _read_watermark(self) -> tuple[int, int, str] | None:
        try:
            text = self._watermark_path.read_text(encoding="ascii")
            end, length, digest = text.split()
            return int(end), int(length), digest
        except (OSError, ValueError, UnicodeDecodeError):
            return None

    def _sync_index(self) -> None:
        """Make the index cover all of responses.csv (cheap when it already does)."""
        size = _size(self.responses_path)
        mark = self._read_watermark()
        if mark is None:
            if size == 0 and not any(self._index_files()):
                return
            self._rebuild_index()
            return
        end, length, digest = mark
        _, head, _ = _header_and_tail(self.responses_path, size)
        if end > size or length > len(head) or _digest(head[:length]) != digest:
            self._rebuild_index()
        elif end < size:
            self._catch_up(end, size)

    def _index_files(self) -> Iterator[Path]:
        if self._index_dir.is_dir():
            yield from self._index_dir.glob("e-*.csv")

    def _rebuild_index(self) -> None:
        """Forget the index and index responses.csv from its first row.

        The watermark goes first: if this is interrupted, its absence makes the next
        operation start the rebuild again rather than trust a half-emptied index.
        """
        try:
            self._watermark_path.unlink(missing_ok=True)
            if self._index_dir.is_dir():
                fsync_folder(self._index_dir)
            for path in list(self._index_files()):
                path.unlink()
        except OSError as exc:
            raise StoreError(
                f"Could not rebuild the index in {self._index_dir} ({exc.strerror or exc}). "
                "Check that the folder is writable."
            ) from exc
        size = _size(self.responses_path)
        if size:
            self._catch_up(0, size)

    def _catch_up(self, start: int, end: int) -> None:
        """Index the submissions in bytes ``start``..``end`` of responses.csv.

        Rows are grouped into submissions by consecutive equal session_id. Rows whose
        engagement_id the kit could not have issued stay in the file (read_rows and
        analysis see them) but cannot be reached by engagement.
        """
        header, _, _ = _header_and_tail(self.responses_path, end)
        required = {"engagement_id", "session_id", "form", "meeting_number"}
        if header is None or not required <= set(header):
            raise StoreError(
                f"{self.responses_path} does not have the kit's columns (found {header}). "
                "Move it aside; the kit will start a new one."
            )
        found: dict[str, list[_Entry]] = {}
        running: dict[tuple[str, str, int], int] = {}
        for offset, length, rows in _submissions(self.responses_path, header, start, end):
            first = rows[0]
            engagement_id = first.get("engagement_id", "")
            try:
                check_engagement_id(engagement_id)
                meeting_number = int(first.get("meeting_number", ""))
            except ValueError:
                continue
            key = (engagement_id, first.get("form", ""), meeting_number)
            try:
                revision = int(first.get("revision", ""))
            except ValueError:
                revision = running.get(key, 0) + 1
            running[key] = max(running.get(key, 0), revision)
            found.setdefault(engagement_id, []).append(
                _Entry(
                    session_id=first.get("session_id", ""),
                    form=key[1],
                    meeting_number=meeting_number,
                    revision=revision,
                    supersedes=first.get("supersedes", ""),
                    recorded_at=first.get("recorded_at", ""),
                    instrument_version=first.get("instrument_version", ""),
                    offset=offset,
                    length=length,
                    rows=len(rows),
                )
            )
        appends = []
        for engagement_id, entries in found.items():
            known = {entry.offset for entry in self._entries(engagement_id)}
            fresh = [entry.cells() for entry in entries if entry.offset not in known]
            if fresh:
                path = self._index_path(engagement_id)
                data, _ = _append_bytes(path, _INDEX_COLUMNS, _encode(fresh))
                appends.append((path, data))
        with open(self.responses_path, "rb") as handle:
            prefix = handle.read(_FINGERPRINT_BYTES)
        mark = _format_watermark(end, len(prefix), _digest(prefix))
        self._index_dir.mkdir(parents=True, exist_ok=True)
        self._journal.commit(appends, [(self._watermark_path, mark)])


# ------------------------------------------------------------------ helpers


def _check_submission(
    form: str, meeting_number: int, answers: tuple[Answer, ...], instrument_version: str
) -> None:
    if not isinstance(form, str) or not form:
        raise ValueError(f"form must be a form ID such as 'prep', not {form!r}.")
    if (
        not isinstance(meeting_number, int)
        or isinstance(meeting_number, bool)
        or meeting_number < 1
    ):
        raise ValueError(f"meeting_number must be a whole number from 1, not {meeting_number!r}.")
    if not isinstance(instrument_version, str):
        raise ValueError(f"instrument_version must be text, not {instrument_version!r}.")
    if not answers:
        raise StoreError(
            f"There is nothing to save for the {form!r} form: no item has an answer. "
            "Answer at least one item, then save."
        )
    seen: set[str] = set()
    for answer in answers:
        if not isinstance(answer, Answer):
            raise TypeError(f"answers must be Answer objects, not {type(answer).__name__}.")
        for field in ("section", "item_id", "item_type", "value"):
            if not isinstance(getattr(answer, field), str):
                raise TypeError(
                    f"Answer.{field} of item {answer.item_id!r} must be text, "
                    f"not {getattr(answer, field)!r}."
                )
        if answer.item_id in seen:
            raise ValueError(
                f"Item {answer.item_id!r} is answered twice in one submission of {form!r}; "
                "the store keeps one row per item."
            )
        seen.add(answer.item_id)


def _latest_entry(entries: Sequence[_Entry], form: str, meeting_number: int) -> _Entry | None:
    matching = [e for e in entries if e.form == form and e.meeting_number == meeting_number]
    return max(matching, key=lambda e: (e.revision, e.offset)) if matching else None


def _one(entries: Sequence[_Entry], form: str, meeting_number: int) -> list[_Entry]:
    entry = _latest_entry(entries, form, meeting_number)
    return [entry] if entry else []


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def _format_watermark(end: int, length: int, digest: str) -> bytes:
    return f"{end:020d} {length:05d} {digest}\n".encode("ascii")


def _submissions(
    path: Path, header: list[str], start: int, end: int
) -> Iterator[tuple[int, int, list[dict[str, str]]]]:
    """(offset, length, rows) of each run of rows sharing a session_id, streamed.

    csv.reader pulls one physical line at a time and returns a record as soon as it is
    complete, so the bytes fed so far mark exactly where each record ends.
    """
    position = start
    with open(path, "rb") as handle:
        handle.seek(start)
        if start == 0:
            position = len(handle.readline())

        def lines() -> Iterator[str]:
            nonlocal position
            while position < end:
                line = handle.readline(end - position)
                if not line:
                    return
                position += len(line)
                yield line.decode(_ENCODING)

        run: list[dict[str, str]] = []
        run_start = position
        run_end = position
        record_start = position
        try:
            for cells in csv.reader(lines()):
                if not cells or cells == header:
                    record_start = position
                    if run:
                        yield run_start, run_end - run_start, run
                        run = []
                    continue
                row = dict(zip(header, cells, strict=False))
                if run and (
                    row.get("session_id") != run[0].get("session_id")
                    or row.get("engagement_id") != run[0].get("engagement_id")
                ):
                    yield run_start, run_end - run_start, run
                    run = []
                if not run:
                    run_start = record_start
                run.append(row)
                run_end = position
                record_start = position
        except (UnicodeDecodeError, csv.Error) as exc:
            raise StoreError(
                f"{path} cannot be read near byte {position} ({exc}). It was probably "
                "edited by another program; restore it from a backup or move it aside."
            ) from exc
        if run:
            yield run_start, run_end - run_start, run
