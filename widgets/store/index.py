"""Where each engagement's submissions sit in ``responses.csv``, so reading one is a seek.

``responses.csv`` may hold a million rows, yet reopening an engagement must be
instant. A small index per engagement (``index/<engagement_id>.csv``) records each
submission's byte range, so reading one back is a seek and a read. The index is
derived data: ``index/_indexed_to`` (the watermark) says how much of
``responses.csv`` it covers, with a fingerprint of the file's start. Rows the index
has not seen (a file copied in from elsewhere, rows appended by another tool) are
indexed on the next operation, and a file that no longer matches its index is
re-indexed from scratch, so nothing saved is ever invisible.

Every method here runs with the folder's lock held (see :mod:`widgets.store.journal`).
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from widgets.errors import StoreError
from widgets.ids import check_engagement_id
from widgets.store.atomic_file import fsync_folder
from widgets.store.csv_codec import (
    append_bytes,
    encode_rows,
    file_size,
    parse_rows,
    read_dicts,
    read_header_and_tail,
    stream_records,
)
from widgets.store.journal import Journal
from widgets.store.records import Answer, Submission

__all__ = ["INDEX_COLUMNS", "IndexEntry", "SubmissionIndex", "latest_entry"]

INDEX_COLUMNS: tuple[str, ...] = (
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

_INDEX_DIR = "index"
_WATERMARK_NAME = "_indexed_to"
# How much of the start of responses.csv identifies it (the first row carries a uuid).
_FINGERPRINT_BYTES = 1024


@dataclass(frozen=True)
class IndexEntry:
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
        return [str(getattr(self, column)) for column in INDEX_COLUMNS]


class _StaleIndex(StoreError):
    """The index points at bytes that are not the submission it describes."""


def latest_entry(
    entries: Sequence[IndexEntry], form: str, meeting_number: int
) -> IndexEntry | None:
    """The newest revision of one form for one meeting among ``entries``."""
    matching = [e for e in entries if e.form == form and e.meeting_number == meeting_number]
    return max(matching, key=lambda e: (e.revision, e.offset)) if matching else None


class SubmissionIndex:
    """The index of ``responses_path``, kept in the ``index`` folder beside it."""

    def __init__(self, responses_path: Path, journal: Journal) -> None:
        self.responses_path = responses_path
        self.journal = journal
        self.folder = responses_path.parent / _INDEX_DIR
        self.watermark_path = self.folder / _WATERMARK_NAME

    def path_for(self, engagement_id: str) -> Path:
        return self.folder / f"{engagement_id}.csv"

    # -------------------------------------------------------------- reading

    def read_fresh(self, read: Callable[[], list[Submission]]) -> list[Submission]:
        """Read through the index; if it has gone stale, re-index once and read again."""
        self.sync()
        try:
            return read()
        except _StaleIndex:
            self.rebuild()
        try:
            return read()
        except _StaleIndex as exc:
            raise StoreError(
                f"{self.responses_path} changed while being read, or its rows are damaged "
                f"({exc}).",
                fix="Make sure no other program edits it, then try again.",
            ) from exc

    def entries(self, engagement_id: str) -> list[IndexEntry]:
        """Every submission of the engagement the index knows, in file order."""
        path = self.path_for(engagement_id)
        entries = []
        for row in read_dicts(path):
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
                raise StoreError(
                    f"The index file {path} is damaged ({exc!r}); it is derived data.",
                    fix=f"Delete the folder {self.folder} and it will be rebuilt.",
                ) from exc
        entries.sort(key=lambda e: e.offset)
        return entries

    def load(self, engagement_id: str, entries: Sequence[IndexEntry]) -> list[Submission]:
        """The submissions ``entries`` point at, each read with one seek.

        Raises _StaleIndex if the bytes found are not the submission the entry
        describes (see :meth:`read_fresh`).
        """
        if not entries:
            return []
        header, _, _ = read_header_and_tail(self.responses_path, file_size(self.responses_path))
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

    def sync(self) -> None:
        """Make the index cover all of responses.csv (cheap when it already does)."""
        size = file_size(self.responses_path)
        mark = self._read_watermark()
        if mark is None:
            if size == 0 and not any(self._index_files()):
                return
            self.rebuild()
            return
        end, length, digest = mark
        _, head, _ = read_header_and_tail(self.responses_path, size)
        head = head[:_FINGERPRINT_BYTES]
        if end > size or length > len(head) or _digest(head[:length]) != digest:
            self.rebuild()
        elif end < size:
            self._catch_up(end, size)

    def _index_files(self) -> Iterator[Path]:
        if self.folder.is_dir():
            yield from self.folder.glob("e-*.csv")

    def rebuild(self) -> None:
        """Forget the index and index responses.csv from its first row.

        The watermark goes first: if this is interrupted, its absence makes the next
        operation start the rebuild again rather than trust a half-emptied index.
        """
        try:
            self.watermark_path.unlink(missing_ok=True)
            if self.folder.is_dir():
                fsync_folder(self.folder)
            for path in list(self._index_files()):
                path.unlink()
        except OSError as exc:
            raise StoreError(
                f"Could not rebuild the index in {self.folder} ({exc.strerror or exc}).",
                fix="Check that the folder is writable.",
            ) from exc
        size = file_size(self.responses_path)
        if size:
            self._catch_up(0, size)

    def _catch_up(self, start: int, end: int) -> None:
        """Index the submissions in bytes ``start``..``end`` of responses.csv.

        Rows are grouped into submissions by consecutive equal session_id. Rows whose
        engagement_id the kit could not have issued stay in the file (read_rows and
        analysis see them) but cannot be reached by engagement.
        """
        header, _, _ = read_header_and_tail(self.responses_path, end)
        required = {"engagement_id", "session_id", "form", "meeting_number"}
        if header is None or not required <= set(header):
            raise StoreError(
                f"{self.responses_path} does not have the kit's columns (found {header}).",
                fix="Move it aside; the kit will start a new one.",
            )
        found: dict[str, list[IndexEntry]] = {}
        running: dict[tuple[str, str, int], int] = {}
        for offset, length, rows in _row_runs(self.responses_path, header, start, end):
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
                IndexEntry(
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
            known = {entry.offset for entry in self.entries(engagement_id)}
            fresh = [entry.cells() for entry in entries if entry.offset not in known]
            if fresh:
                path = self.path_for(engagement_id)
                data, _ = append_bytes(path, INDEX_COLUMNS, encode_rows(fresh))
                appends.append((path, data))
        with open(self.responses_path, "rb") as handle:
            prefix = handle.read(_FINGERPRINT_BYTES)
        mark = _format_watermark(end, len(prefix), _digest(prefix))
        self.folder.mkdir(parents=True, exist_ok=True)
        self.journal.commit(appends, [(self.watermark_path, mark)])


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def _format_watermark(end: int, length: int, digest: str) -> bytes:
    return f"{end:020d} {length:05d} {digest}\n".encode("ascii")


def _row_runs(
    path: Path, header: list[str], start: int, end: int
) -> Iterator[tuple[int, int, list[dict[str, str]]]]:
    """(offset, length, rows) of each run of rows sharing a session_id, streamed.

    A blank line or a repeated header line (files joined by hand) ends a run too.
    """
    run: list[dict[str, str]] = []
    run_start = run_end = start
    for offset, record_end, cells in stream_records(path, start, end):
        if not cells or cells == header:
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
            run_start = offset
        run.append(row)
        run_end = record_end
    if run:
        yield run_start, run_end - run_start, run
