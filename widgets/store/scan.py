"""Reading ``responses.csv`` into index entries: which bytes hold which submission.

Kept apart from :mod:`widgets.store.index` (which decides when to trust, write or
rebuild the index) because this is the one part that reads the whole file, and the
one that must survive what people do to CSV files: joined files, blank lines, a
spreadsheet's extra line ends, a last value left inside an open quote.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from widgets.errors import StoreError
from widgets.ids import check_engagement_id
from widgets.store.csv_codec import read_header_and_tail, stream_records
from widgets.store.records import Answer, Submission

__all__ = ["INDEX_COLUMNS", "IndexEntry", "UnsafeToAppend", "latest_entry", "scan_submissions"]

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

# What an entry says of its submission (the rest says where the submission's bytes are).
_SHARED_COLUMNS = INDEX_COLUMNS[:7]


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

    @classmethod
    def of(cls, submission: Submission, *, offset: int, length: int) -> IndexEntry:
        """The entry of ``submission``, written as ``length`` bytes at ``offset``."""
        shared = {column: getattr(submission, column) for column in _SHARED_COLUMNS}
        return cls(**shared, offset=offset, length=length, rows=len(submission.answers))

    def submission(self, engagement_id: str, answers: tuple[Answer, ...]) -> Submission:
        """The submission this entry points to, with the ``answers`` read from its bytes."""
        shared = {column: getattr(self, column) for column in _SHARED_COLUMNS}
        return Submission(**shared, engagement_id=engagement_id, answers=answers)


class UnsafeToAppend(StoreError):
    """responses.csv ends in a way that would swallow appended rows (an open quote)."""


def latest_entry(
    entries: Sequence[IndexEntry], form: str, meeting_number: int
) -> IndexEntry | None:
    """The newest revision of one form for one meeting among ``entries``."""
    matching = [e for e in entries if e.form == form and e.meeting_number == meeting_number]
    return max(matching, key=lambda e: (e.revision, e.offset)) if matching else None


def scan_submissions(
    responses_path: Path, start: int, end: int
) -> tuple[dict[str, list[IndexEntry]], int | None]:
    """The submissions in bytes ``start``..``end``, by engagement, and where an
    unterminated last record starts (None if the bytes end cleanly).

    Rows are grouped into submissions by consecutive equal session_id. Rows whose
    engagement_id the kit could not have issued stay in the file (read_rows and
    analysis see them) but cannot be reached by engagement.
    """
    header, _, _ = read_header_and_tail(responses_path, end)
    required = {"engagement_id", "session_id", "form", "meeting_number"}
    if header is None or not required <= set(header):
        raise StoreError(
            f"{responses_path} does not have the kit's columns (found {header}).",
            fix="Move it aside; the kit will start a new one.",
        )
    found: dict[str, list[IndexEntry]] = {}
    running: dict[tuple[str, str, int], int] = {}
    last_record: list[int] = []
    unsafe_from: int | None = None
    checked = False
    for offset, length, rows in _row_runs(responses_path, header, start, end, last_record):
        if last_record and not checked:
            checked = True
            if _ends_inside_quotes(responses_path, last_record[0], end):
                unsafe_from = last_record[0]
        if unsafe_from is not None and offset + length > unsafe_from:
            # The open record swallowed the end of the file: index what precedes it.
            length = unsafe_from - offset
            rows = rows[:-1]
            if not rows:
                continue
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
    return found, unsafe_from


def _ends_inside_quotes(path: Path, start: int, end: int) -> bool:
    """True if the record in bytes ``start``..``end`` opens a quote it never closes.

    In a well-formed record quotes come in pairs (an escaped quote is two); an odd
    count means csv read to the end of the file inside one value, and anything
    appended would become part of it.
    """
    with open(path, "rb") as handle:
        handle.seek(start)
        return handle.read(end - start).count(b'"') % 2 == 1


def _row_runs(
    path: Path, header: list[str], start: int, end: int, last_record: list[int]
) -> Iterator[tuple[int, int, list[dict[str, str]]]]:
    """(offset, length, rows) of each run of rows sharing a session_id, streamed.

    A blank line or a repeated header line (files joined by hand) ends a run too.
    ``last_record`` is given the offset of the last record once the file is read, so
    the caller can look at how the file ends before it trusts the final run.
    """
    run: list[dict[str, str]] = []
    run_start = run_end = start
    for offset, record_end, cells in stream_records(path, start, end):
        if record_end >= end:
            last_record[:] = [offset]
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
