"""Where each engagement's submissions sit in ``responses.csv``, so reading one is a seek.

``responses.csv`` may hold a million rows, yet reopening an engagement must be
instant. A small index per engagement (``index/<engagement_id>.csv``) records each
submission's byte range, so reading one back is a seek and a read. The index is
derived data: ``index/_indexed_to`` (the watermark) says how much of
``responses.csv`` it covers, with a fingerprint of the file's start. Rows the index
has not seen (a file copied in from elsewhere, rows appended by another tool) are
indexed on the next operation, and a file that no longer matches its index is
re-indexed from scratch, so nothing saved is ever invisible.

The index is never trusted on its own word. ``index/_engagements`` lists every
engagement that has an index file, so a deleted file is noticed (and rebuilt) rather
than read as "never saved", which would make the next save revision 1 again; a file
that cannot be parsed, or points at bytes that are not its submission, is rebuilt
too. A rebuild reads all of responses.csv before it deletes anything, so a file it
cannot read leaves the old index in place.

A folder the kit may not write to (a read-only copy, a mounted backup) is still read:
the index is then kept in memory for the operation and nothing is written.

Every method here runs with the folder's lock held (see :mod:`widgets.store.journal`).
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from widgets.errors import StoreError
from widgets.store.atomic_file import fsync_folder, make_folder
from widgets.store.csv_codec import (
    append_bytes,
    encode_rows,
    file_size,
    parse_rows,
    read_dicts,
    read_header_and_tail,
)
from widgets.store.journal import Journal
from widgets.store.records import Answer, Submission
from widgets.store.scan import (
    INDEX_COLUMNS,
    IndexEntry,
    UnsafeToAppend,
    latest_entry,
    scan_submissions,
)

__all__ = ["INDEX_COLUMNS", "IndexEntry", "SubmissionIndex", "UnsafeToAppend", "latest_entry"]


_INDEX_DIR = "index"
_WATERMARK_NAME = "_indexed_to"
_ROSTER_NAME = "_engagements"
# How much of the start of responses.csv identifies it (the first row carries a uuid).
_FINGERPRINT_BYTES = 1024


class _StaleIndex(StoreError):
    """The index points at bytes that are not the submission it describes."""


class SubmissionIndex:
    """The index of ``responses_path``, kept in the ``index`` folder beside it."""

    def __init__(self, responses_path: Path, journal: Journal) -> None:
        self.responses_path = responses_path
        self.journal = journal
        self.folder = responses_path.parent / _INDEX_DIR
        self.watermark_path = self.folder / _WATERMARK_NAME
        self.roster_path = self.folder / _ROSTER_NAME
        # Set by sync(): where responses.csv stops being safe to append to (an open
        # quote the kit did not write), or None when it is safe.
        self.unsafe_from: int | None = None
        # In read-only mode, entries found by scanning instead of from index files;
        # ``_files_trusted`` False means the index files are stale and ignored.
        self._memory: dict[str, list[IndexEntry]] | None = None
        self._files_trusted = True
        self._writable = True
        # In read-only mode with a save left half-done, how much of responses.csv was
        # confirmed (the rollback cannot run, so reads stop there).
        self.size_limit: int | None = None

    def size(self) -> int:
        """The size of responses.csv as far as it may be read."""
        size = file_size(self.responses_path)
        return size if self.size_limit is None else min(size, self.size_limit)

    def path_for(self, engagement_id: str) -> Path:
        return self.folder / f"{engagement_id}.csv"

    # -------------------------------------------------------------- reading

    def read_fresh(
        self, read: Callable[[], list[Submission]], *, writable: bool = True
    ) -> list[Submission]:
        """Read through the index (synced by the caller); if it has gone stale,
        re-index once and read again."""
        try:
            return read()
        except _StaleIndex:
            if writable:
                self.rebuild()
            else:
                self._reindex(0, self.size(), False, fresh=True)
        try:
            return read()
        except _StaleIndex as exc:
            raise StoreError(
                f"{self.responses_path} changed while being read, or its rows are damaged ({exc}).",
                fix="Make sure no other program edits it, then try again.",
            ) from exc

    def entries(self, engagement_id: str) -> list[IndexEntry]:
        """Every submission of the engagement, in file order, never from a broken index.

        A missing index file of an engagement the roster lists, or one that cannot be
        parsed, makes the whole index be rebuilt first (see the module's notes).
        """
        try:
            found = self._entries_on_file(engagement_id)
        except _StaleIndex:
            if self._writable:
                self.rebuild()
            else:
                self._reindex(0, self.size(), False, fresh=True)
            found = self._entries_on_file(engagement_id)
        if self._memory is not None:
            found = sorted(found + self._memory.get(engagement_id, []), key=lambda e: e.offset)
        return found

    def _entries_on_file(self, engagement_id: str) -> list[IndexEntry]:
        if not self._files_trusted:
            return []
        path = self.path_for(engagement_id)
        if not path.exists():
            if engagement_id in self._roster():
                raise _StaleIndex(f"{path} is missing")
            return []
        entries = []
        try:
            rows = read_dicts(path)
        except StoreError as exc:
            raise _StaleIndex(str(exc)) from exc
        for row in rows:
            try:
                entries.append(
                    IndexEntry(
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
                raise _StaleIndex(f"{path} is damaged ({exc!r})") from exc
        entries.sort(key=lambda e: e.offset)
        return entries

    def _roster(self) -> set[str]:
        try:
            return set(self.roster_path.read_text(encoding="ascii").split())
        except FileNotFoundError:
            return set()
        except (OSError, UnicodeDecodeError):
            return set()

    def roster_append(self, engagement_id: str) -> tuple[Path, bytes] | None:
        """The roster line to append with the first index row of ``engagement_id``."""
        if self.path_for(engagement_id).exists():
            return None
        return self.roster_path, f"{engagement_id}\n".encode("ascii")

    def load(self, engagement_id: str, entries: Sequence[IndexEntry]) -> list[Submission]:
        """The submissions ``entries`` point at, each read with one seek.

        Raises _StaleIndex if the bytes found are not the submission the entry
        describes (see :meth:`read_fresh`).
        """
        if not entries:
            return []
        header, _, _ = read_header_and_tail(self.responses_path, self.size())
        if header is None:
            raise _StaleIndex("responses.csv is empty")
        loaded = []
        with open(self.responses_path, "rb") as handle:
            for entry in entries:
                handle.seek(entry.offset)
                data = handle.read(entry.length)
                try:
                    rows = [dict(zip(header, cells, strict=False)) for cells in parse_rows(data)]
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
                answers = tuple(
                    Answer(
                        section=row.get("section", ""),
                        item_id=row.get("item_id", ""),
                        item_type=row.get("item_type", ""),
                        value=row.get("value", ""),
                    )
                    for row in rows
                )
                loaded.append(entry.submission(engagement_id, answers))
        return loaded

    # -------------------------------------------------------------- keeping up

    def watermark(self, end: int, appended: bytes) -> bytes:
        """The record saying the index covers responses.csv up to ``end``.

        ``appended`` is what is about to be appended to reach ``end``. Fixed width, so
        rewriting it in place is a single small write.
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
            text = self.watermark_path.read_text(encoding="ascii")
            end, length, digest = text.split()
            return int(end), int(length), digest
        except (OSError, ValueError, UnicodeDecodeError):
            return None

    def sync(self, *, writable: bool = True) -> None:
        """Make the index cover all of responses.csv (cheap when it already does).

        With ``writable`` False (a folder the kit may not write to) nothing is written:
        what the index files lack is scanned into memory for this operation.
        """
        self._memory = None
        self._files_trusted = True
        self._writable = writable
        self.unsafe_from = None
        size = self.size()
        mark = self._read_watermark()
        if mark is None:
            if size == 0 and not any(self._index_files()):
                return
            self._reindex(0, size, writable, fresh=True)
            return
        end, length, digest = mark
        _, head, _ = read_header_and_tail(self.responses_path, size)
        head = head[:_FINGERPRINT_BYTES]
        if end > size or length > len(head) or _digest(head[:length]) != digest:
            self._reindex(0, size, writable, fresh=True)
        elif end < size:
            self._reindex(end, size, writable, fresh=False)

    def _reindex(self, start: int, end: int, writable: bool, *, fresh: bool) -> None:
        if writable:
            if fresh:
                self.rebuild()
            else:
                self._catch_up(start, end)
            return
        found, self.unsafe_from = scan_submissions(self.responses_path, start, end)
        self._memory = found
        self._files_trusted = not fresh

    def _index_files(self) -> Iterator[Path]:
        if self.folder.is_dir():
            yield from self.folder.glob("e-*.csv")

    def rebuild(self) -> None:
        """Forget the index and index responses.csv from its first row.

        responses.csv is read whole first, so a file the kit cannot read leaves the old
        index untouched. The watermark is removed before the index files: if this is
        interrupted, its absence makes the next operation start again rather than
        trust a half-emptied index.
        """
        size = self.size()
        found, unsafe_from = scan_submissions(self.responses_path, 0, size) if size else ({}, None)
        try:
            self.watermark_path.unlink(missing_ok=True)
            if self.folder.is_dir():
                fsync_folder(self.folder)
            for path in [*self._index_files(), self.roster_path]:
                path.unlink(missing_ok=True)
        except OSError as exc:
            raise StoreError(
                f"Could not rebuild the index in {self.folder} ({exc.strerror or exc}); "
                "nothing saved is lost, responses.csv is unchanged.",
                fix="Check that the folder is writable, then try again.",
            ) from exc
        if size:
            self._write(found, unsafe_from, size)

    def _catch_up(self, start: int, end: int) -> None:
        """Index the submissions in bytes ``start``..``end`` of responses.csv."""
        found, unsafe_from = scan_submissions(self.responses_path, start, end)
        self._write(found, unsafe_from, end)

    def _write(self, found: dict[str, list[IndexEntry]], unsafe_from: int | None, end: int) -> None:
        """Append ``found`` to the index files and move the watermark.

        The watermark stops before an unterminated last record, so every later
        operation looks at it again (and refuses to append) until it is fixed.
        """
        self.unsafe_from = unsafe_from
        appends = []
        roster = []
        for engagement_id, entries in found.items():
            path = self.path_for(engagement_id)
            if not path.exists():
                roster.append(engagement_id)
                known: set[int] = set()
            else:
                known = {entry.offset for entry in self._entries_on_file(engagement_id)}
            fresh = [entry.cells() for entry in entries if entry.offset not in known]
            if fresh:
                data, _ = append_bytes(path, INDEX_COLUMNS, encode_rows(fresh))
                appends.append((path, data))
        if roster:
            appends.append((self.roster_path, "".join(f"{e}\n" for e in roster).encode()))
        with open(self.responses_path, "rb") as handle:
            prefix = handle.read(_FINGERPRINT_BYTES)
        covered = end if unsafe_from is None else unsafe_from
        mark = _format_watermark(covered, min(len(prefix), covered), _digest(prefix[:covered]))
        make_folder(self.folder)
        self.journal.commit(appends, [(self.watermark_path, mark)])


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def _format_watermark(end: int, length: int, digest: str) -> bytes:
    return f"{end:020d} {length:05d} {digest}\n".encode("ascii")
