"""Drafts: what a coach has typed but not yet submitted, kept on disk.

Saved on every change so a page reload, a closed tab or a kernel restart loses
nothing. A draft is private working state (JSON, never program data).

Coaches open the same form in two tabs (a laptop and the meeting room's screen, a
tab left open from yesterday). Each tab writes its whole draft on every keystroke, so
without a rule the last writer silently wins and an ended meeting can be brought back
to life by a tab that missed the End. The rule: **one writer per draft**.

* Every draft carries a ``version`` (a counter) and the ``writer`` (the tab) that
  wrote it. A tab writes through its own :class:`DraftWriter`, which remembers the
  version it last read or wrote; a save compares it with the file's under a lock and
  is refused with :class:`StaleDraft` if another tab wrote in between (compare and
  swap). The refused tab keeps its text on screen and says so; "Take over here"
  (:meth:`DraftWriter.take_over`) makes it the writer again, and the other tab is
  refused in turn at its next save or check.
* Submitting does not delete the draft: it leaves a *finished* marker with the next
  version (:meth:`DraftWriter.finishing`), so a stale tab's save after End or Submit
  is refused instead of starting a new draft in progress, and :meth:`DraftStore.load`
  shows no draft.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock

from widgets.clock import Clock, local_time, stamp, utc_now
from widgets.errors import StateError
from widgets.ids import check_engagement_id
from widgets.paths import private_dir
from widgets.store.atomic_file import FILE_MODE, make_folder, replace_file

__all__ = ["Draft", "DraftStore", "DraftWriter", "StaleDraft"]

# A draft save holds its lock for about a millisecond; waiting longer means a stuck tab.
_LOCK_SECONDS = 10.0


@dataclass(frozen=True)
class Draft:
    """One draft file as read: ``data`` is ``None`` once its form was submitted."""

    saved_at: str
    data: dict[str, Any] | None
    version: int = 0
    writer: str = ""

    @property
    def finished(self) -> bool:
        return self.data is None


class StaleDraft(StateError):
    """Another tab or window wrote this draft since this one last read it.

    ``current`` is the draft as that other tab left it (``finished`` if it was
    submitted or ended there).
    """

    def __init__(self, current: Draft | None) -> None:
        self.current = current
        when = f" at {local_time(current.saved_at, '%H:%M:%S')}" if current else ""
        if current is not None and current.finished:
            what = f"This was submitted or ended in another tab or window{when}."
        else:
            what = f"This was changed in another tab or window{when}."
        super().__init__(
            f"{what} To keep the two from overwriting each other, this tab no longer saves.",
            fix="What you type here stays on screen; press Take over here to carry on in "
            "this tab and save it (the other tab then stops saving).",
        )


class DraftStore:
    """One JSON file per engagement and page, under ``<root>/private/drafts``.

    Files 0600 in 0700 folders: a draft holds what the coachee said in confidence.

    ``clock`` gives the time stamped as ``saved_at``; tests pass a fake one.
    """

    def __init__(self, root: Path | None = None, *, clock: Clock = utc_now) -> None:
        self.folder = private_dir(root) / "drafts"
        self.clock = clock

    def _path(self, engagement_id: str, key: str) -> Path:
        check_engagement_id(engagement_id)
        if not key.replace("-", "").replace("_", "").isalnum():
            raise ValueError(f"draft key {key!r} must be letters, digits, '-' or '_'")
        return self.folder / engagement_id / f"{key}.json"

    @contextmanager
    def _locked(self, path: Path) -> Iterator[None]:
        make_folder(path.parent, within=self.folder.parent)
        lock = FileLock(
            str(path.with_name(f".{path.stem}.lock")),
            timeout=_LOCK_SECONDS,
            poll_interval=0.002,
            mode=FILE_MODE,
        )
        with lock:
            yield

    def _write(self, path: Path, data: dict[str, Any] | None, version: int, writer: str) -> str:
        saved_at = stamp(self.clock())
        payload = {"saved_at": saved_at, "version": version, "writer": writer, "data": data}
        replace_file(path, json.dumps(payload, ensure_ascii=False))
        return saved_at

    def read(self, engagement_id: str, key: str) -> Draft | None:
        """The draft file with its version, finished or not; ``None`` if none is readable."""
        path = self._path(engagement_id, key)
        try:
            content = json.loads(path.read_text(encoding="utf-8"))
            data = content["data"]
            return Draft(
                saved_at=str(content["saved_at"]),
                data=None if data is None else dict(data),
                version=int(content.get("version", 0)),
                writer=str(content.get("writer", "")),
            )
        except (FileNotFoundError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def save(self, engagement_id: str, key: str, data: dict[str, Any]) -> str:
        """Replace the draft whoever wrote it last, and return its ``saved_at``.

        For writers that own their draft alone (training samples, a summary's ticks);
        an app page writes through :meth:`writer` so two tabs cannot overwrite each other.
        """
        path = self._path(engagement_id, key)
        with self._locked(path):
            current = self.read(engagement_id, key)
            return self._write(path, data, (current.version if current else 0) + 1, "")

    def load(self, engagement_id: str, key: str) -> tuple[str, dict[str, Any]] | None:
        """Return ``(saved_at, data)`` of a draft in progress, or ``None`` if there is none."""
        draft = self.read(engagement_id, key)
        if draft is None or draft.data is None:
            return None
        return draft.saved_at, draft.data

    def clear(self, engagement_id: str, key: str) -> None:
        """Delete the draft outright (its engagement is being removed)."""
        path = self._path(engagement_id, key)
        path.unlink(missing_ok=True)
        path.with_name(f".{path.stem}.lock").unlink(missing_ok=True)

    def writer(self, engagement_id: str, key: str) -> DraftWriter:
        """A tab's own handle on one draft; see :class:`DraftWriter`."""
        self._path(engagement_id, key)  # refuse a bad id or key now, not at the first save
        return DraftWriter(self, engagement_id, key)


class DraftWriter:
    """One tab's right to write one draft: saves only while nobody else has written.

    Call :meth:`open` when the page shows the form; :meth:`save` on every change;
    :meth:`stale` on a tick to notice another tab early; :meth:`finishing` around the
    submission that makes the draft obsolete.
    """

    def __init__(self, store: DraftStore, engagement_id: str, key: str) -> None:
        self.store = store
        self.engagement_id = engagement_id
        self.key = key
        self.id = uuid.uuid4().hex[:12]
        self.version = 0

    @property
    def _path(self) -> Path:
        return self.store._path(self.engagement_id, self.key)

    def _read(self) -> Draft | None:
        return self.store.read(self.engagement_id, self.key)

    def open(self) -> Draft | None:
        """Read the draft (finished or not) and become its writer from here on."""
        draft = self._read()
        self.version = draft.version if draft else 0
        return draft

    def stale(self) -> StaleDraft | None:
        """Why this tab may no longer save (another wrote since), or ``None``."""
        draft = self._read()
        if (draft.version if draft else 0) != self.version:
            return StaleDraft(draft)
        return None

    def save(self, data: dict[str, Any]) -> str:
        """Write the draft and return ``saved_at``; :class:`StaleDraft` if another tab wrote."""
        with self.store._locked(self._path):
            self._check()
            saved_at = self.store._write(self._path, data, self.version + 1, self.id)
            self.version += 1
        return saved_at

    def take_over(self) -> Draft | None:
        """Make this tab the writer again; the other tab's next save is refused."""
        with self.store._locked(self._path):
            draft = self._read()
            self.version = draft.version if draft else 0
            return draft

    @contextmanager
    def finishing(self) -> Iterator[None]:
        """Hold the draft while its content is submitted; then mark it finished.

        Raises :class:`StaleDraft` before the block runs if another tab wrote since, so
        a stale tab can never submit or end. If the block raises, the draft is left as
        it was, so nothing typed is lost when a save fails.
        """
        with self.store._locked(self._path):
            self._check()
            yield
            self.store._write(self._path, None, self.version + 1, self.id)
            self.version += 1

    def _check(self) -> None:
        problem = self.stale()
        if problem is not None:
            raise problem
