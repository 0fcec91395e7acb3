"""Every answer the kit saves, in ``<root>/responses.csv``: save, read back, correct.

Every answer is one row of ``responses.csv`` (long format, one row per item; see
:mod:`widgets.store.records`). A submission is the set of rows one press of "Save"
produces; correcting a form later writes a new submission with the next ``revision``
that ``supersedes`` the previous one, so nothing saved is ever overwritten.

:class:`ResponseStore` is the door; the rooms behind it each hold one idea:

* :mod:`~widgets.store.journal`: the folder's lock and the rollback marker, so
  concurrent saves never interleave and a save killed half way is undone.
* :mod:`~widgets.store.csv_codec`: the exact bytes of a row, and one header.
* :mod:`~widgets.store.index`: each submission's byte range, so reopening an
  engagement reads only its rows however large the file has grown.

Reading never locks anyone out: a folder the kit may not write to is read without
writing anything, a file saved by a spreadsheet (byte-order mark, doubled line ends)
reads as written, and a file the store cannot safely append to refuses saves with a
fix while it can still be read.

Only the standard library and filelock are used: this runs inside live app kernels,
which must stay light (pandas belongs to analysis).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from widgets.clock import Clock, stamp, utc_now
from widgets.errors import StoreError
from widgets.ids import check_engagement_id
from widgets.paths import exports_dir
from widgets.store.csv_codec import append_bytes, encode_rows, file_size, read_dicts
from widgets.store.index import (
    INDEX_COLUMNS,
    IndexEntry,
    SubmissionIndex,
    UnsafeToAppend,
    latest_entry,
)
from widgets.store.journal import Journal
from widgets.store.records import (
    RESPONSE_COLUMNS,
    Answer,
    Submission,
    check_submission,
    response_rows,
)

__all__ = ["ResponseStore"]


class ResponseStore:
    """Append-only store of every answer, in ``<root>/responses.csv``.

    ``root`` defaults to the kit's data root (``ALIGNMENT_KIT_EXPORTS`` or
    ``exports/``), resolved when the store is made. ``clock`` gives the time stamped
    on each save; tests pass a fixed one.
    """

    def __init__(self, root: Path | None = None, *, clock: Clock = utc_now) -> None:
        self.root = Path(root) if root is not None else exports_dir()
        self.clock = clock
        self._journal = Journal(self.root)
        self._index = SubmissionIndex(self.responses_path, self._journal)

    @property
    def responses_path(self) -> Path:
        return self.root / "responses.csv"

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
        saved = self.submit_many(
            engagement_id=engagement_id,
            meeting_number=meeting_number,
            forms={form: answers},
            instrument_version=instrument_version,
            skip_unchanged=False,
        )
        return saved[0]

    def submit_many(
        self,
        *,
        engagement_id: str,
        meeting_number: int,
        forms: Mapping[str, Iterable[Answer]],
        instrument_version: str,
        skip_unchanged: bool = True,
    ) -> list[Submission]:
        """Save several forms of one meeting in one commit: all of them, or none.

        A coach presses one Submit for the checklist and the prep together; saving
        them one by one left the checklist saved when the prep's write failed, while
        the screen said nothing was saved, and the retry made a needless revision 2.

        With ``skip_unchanged``, a form whose answers equal its latest revision is not
        written again; the forms actually saved are returned (an empty list: nothing
        changed since the last save). Failures are as for :meth:`submit`.
        """
        check_engagement_id(engagement_id)
        wanted = {form: tuple(answers) for form, answers in forms.items()}
        for form, answers in wanted.items():
            check_submission(form, meeting_number, answers, instrument_version)
        recorded_at = stamp(self.clock())
        with self._journal.locked():
            self._index.sync()
            self._refuse_unsafe_append()
            entries = self._index.entries(engagement_id)
            submissions = []
            for form, answers in wanted.items():
                previous = latest_entry(entries, form, meeting_number)
                if skip_unchanged and self._unchanged(
                    engagement_id, previous, answers, instrument_version
                ):
                    continue
                submissions.append(
                    Submission(
                        session_id=str(uuid.uuid4()),
                        engagement_id=engagement_id,
                        form=form,
                        meeting_number=meeting_number,
                        revision=previous.revision + 1 if previous else 1,
                        supersedes=previous.session_id if previous else "",
                        recorded_at=recorded_at,
                        instrument_version=instrument_version,
                        answers=answers,
                    )
                )
            if submissions:
                self._append(engagement_id, submissions)
        return submissions

    def _unchanged(
        self,
        engagement_id: str,
        previous: IndexEntry | None,
        answers: tuple[Answer, ...],
        instrument_version: str,
    ) -> bool:
        if previous is None or previous.instrument_version != instrument_version:
            return False
        if previous.rows != len(answers):
            return False
        try:
            (last,) = self._index.load(engagement_id, [previous])
        except StoreError:
            return False  # unreadable: saving again is the safe side
        return set(last.answers) == set(answers)

    def _append(self, engagement_id: str, submissions: list[Submission]) -> None:
        """Append the submissions' rows and index entries in one journal commit."""
        bodies = [encode_rows(response_rows(s)) for s in submissions]
        # The header is decided here, under the lock: the file may have been
        # empty when this save began and written to by another one since.
        data, offset = append_bytes(self.responses_path, RESPONSE_COLUMNS, b"".join(bodies))
        entries = []
        for submission, body in zip(submissions, bodies, strict=True):
            entries.append(IndexEntry.of(submission, offset=offset, length=len(body)))
            offset += len(body)
        index_path = self._index.path_for(engagement_id)
        roster = self._index.roster_append(engagement_id)
        index_data, _ = append_bytes(
            index_path, INDEX_COLUMNS, encode_rows([e.cells() for e in entries])
        )
        end = file_size(self.responses_path) + len(data)
        self._journal.commit(
            [(self.responses_path, data), (index_path, index_data), *filter(None, [roster])],
            [(self._index.watermark_path, self._index.watermark(end, data))],
        )

    def _refuse_unsafe_append(self) -> None:
        """Refuse to append to a file whose last value was left open by another program."""
        start = self._index.unsafe_from
        if start is None:
            return
        raise UnsafeToAppend(
            f"{self.responses_path} ends inside a quoted value that starts at byte {start} "
            "(it was edited or cut short by another program); a new save would be swallowed "
            "into that value, so nothing was saved. Everything saved before it can still be "
            "read.",
            fix="Open the file in a text editor and close the quote or delete the broken "
            "last line (keep a copy first), or move the file aside to start a new one; then "
            "save again.",
        )

    @contextmanager
    def _read_lock(self) -> Iterator[bool]:
        """Lock for reading where the folder allows it, and bring the index up to date.

        In a folder the kit may not write to, nothing is written: the index is read
        with what it lacks scanned into memory, and a save left half-done by a killed
        process is hidden by reading only as far as the last confirmed one.
        """
        with self._journal.reading() as writable:
            if not writable:
                pending = self._journal.pending_sizes()
                self._index.size_limit = pending.get(self.responses_path.name)
            try:
                self._index.sync(writable=writable)
                yield writable
            finally:
                self._index.size_limit = None

    def latest(self, engagement_id: str, form: str, meeting_number: int) -> Submission | None:
        """The newest revision of one form for one meeting, or None if never saved.

        Reads only that submission's bytes, however large responses.csv has grown.
        """
        check_engagement_id(engagement_id)

        def newest() -> list[Submission]:
            entry = latest_entry(self._index.entries(engagement_id), form, meeting_number)
            return self._index.load(engagement_id, [entry] if entry else [])

        with self._read_lock() as writable:
            found = self._index.read_fresh(newest, writable=writable)
        return found[0] if found else None

    def history(self, engagement_id: str) -> list[Submission]:
        """Every submission of an engagement, all revisions with their answers, oldest first."""
        check_engagement_id(engagement_id)
        with self._read_lock() as writable:
            return self._index.read_fresh(
                lambda: self._index.load(engagement_id, self._index.entries(engagement_id)),
                writable=writable,
            )

    def submitted(self, engagement_id: str) -> dict[tuple[str, int], int]:
        """(form, meeting_number) -> latest revision, from the index alone."""
        check_engagement_id(engagement_id)
        with self._read_lock():
            latest: dict[tuple[str, int], int] = {}
            for entry in self._index.entries(engagement_id):
                key = (entry.form, entry.meeting_number)
                latest[key] = max(latest.get(key, 0), entry.revision)
            return latest

    @contextmanager
    def reading(self) -> Iterator[Path]:
        """Hold the store's lock and give the path of responses.csv, for other readers.

        A reader that opens the file itself (the analysis loader, with pandas) would
        otherwise see a save in progress, or the torn tail of a killed one, as rows.
        Inside this block a crash has been rolled back and no save can start. In a
        folder the kit may not write to, the block runs unlocked (no one can save
        there) and nothing is written.
        """
        with self._journal.reading():
            yield self.responses_path

    def read_rows(self) -> list[dict[str, str]]:
        """Every row of responses.csv as dicts of strings (for tests and small data)."""
        with self._journal.reading():
            return read_dicts(self.responses_path)
