"""The lock and rollback marker that make every write to a data folder all or nothing.

* Several Voila kernels may save at the same moment. Every operation holds one
  exclusive file lock per folder (``.store.lock``); a file's end is looked at only
  after locking, so a header is written once, and each file's new bytes go out in a
  single ``write`` followed by ``fsync`` before the lock is released.
* A kernel can be killed in the middle of a write (tab closed, culled, out of memory).
  Before appending, the sizes of the files about to grow (and the old content of the
  small files about to be rewritten) are written to a rollback marker
  (``.store.pending``); the marker is removed once the data is on disk. Whoever takes
  the lock next and finds a marker truncates the files back, so a torn line or a
  half-saved submission never reaches a reader.

* A folder the kit may not write to (a read-only copy, a backup mounted read-only)
  can still be read: :meth:`Journal.reading` then goes ahead without the lock (nobody
  can save there either) and says so, and the caller writes nothing.

Appends to the store's files, and their rollback, happen only here. Every file and
folder created here is private to the owner (0600 in 0700).
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from widgets.errors import StoreError
from widgets.paths import check_data_folder
from widgets.store.atomic_file import FILE_MODE, fsync_folder, make_folder, replace_file
from widgets.store.csv_codec import file_size

__all__ = ["LOCK_TIMEOUT_SECONDS", "Journal"]

_LOCK_NAME = ".store.lock"
_PENDING_NAME = ".store.pending"
# Read at call time, so a test can shorten it.
LOCK_TIMEOUT_SECONDS = 30.0
# Windows opens low-level handles in text mode unless told otherwise, and would turn
# every "\n" into "\r\n", shifting the byte offsets the index records.
_BINARY = getattr(os, "O_BINARY", 0)
# What the system says when a folder or its drive refuses writing.
_READ_ONLY = {errno.EACCES, errno.EPERM, errno.EROFS}


class Journal:
    """The lock and rollback marker that guard every CSV file in one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.lock_path = folder / _LOCK_NAME
        self.pending_path = folder / _PENDING_NAME

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the folder's lock, after undoing any write a killed process left torn.

        The folder must exist: one that has vanished raises DataFolderMissing (a
        StoreError) rather than being recreated empty.
        """
        lock = self._lock()
        check_data_folder(self.folder)
        try:
            lock.acquire()
        except Timeout as exc:
            raise self._timed_out() from exc
        except OSError as exc:
            raise StoreError(
                f"Cannot use the data folder {self.folder} ({exc.strerror or exc}); "
                "nothing was saved.",
                fix="Check that it exists and is writable (ALIGNMENT_KIT_EXPORTS names it), "
                "then try again.",
            ) from exc
        try:
            self.recover()
            yield
        finally:
            lock.release()

    @contextmanager
    def reading(self) -> Iterator[bool]:
        """Hold the lock for reading if the folder allows it; yield whether it does.

        In a folder the kit may not write to, the lock file cannot be made and no one
        can save there, so reading goes ahead unlocked and the block is told ``False``:
        it must write nothing (no index, no cache, no rollback).
        """
        check_data_folder(self.folder)
        if _may_write(self.folder):
            with self.locked():
                yield True
            return
        yield False

    def pending_sizes(self) -> dict[str, int]:
        """Sizes to read files at while a rollback cannot be done (read-only folder).

        relative path -> the size before the interrupted commit; empty if none.
        """
        try:
            plan = json.loads(self.pending_path.read_bytes().decode("utf-8"))
            return {str(r): int(pre) for r, pre, _post in plan["appends"]}
        except (OSError, ValueError, KeyError, TypeError):
            return {}

    def _lock(self) -> FileLock:
        # filelock polls; a short interval keeps a waiting save from idling long after
        # the lock is free (a save holds it for a few milliseconds).
        return FileLock(
            str(self.lock_path),
            timeout=LOCK_TIMEOUT_SECONDS,
            poll_interval=0.002,
            mode=FILE_MODE,
        )

    def _timed_out(self) -> StoreError:
        return StoreError(
            f"The data folder {self.folder} stayed locked by another save for "
            f"{LOCK_TIMEOUT_SECONDS:.0f} s, so nothing was saved.",
            fix="Wait a moment and try again; if it keeps happening, close other kit "
            "windows or restart their kernels.",
        )

    def _resolve(self, relative: str) -> Path:
        path = (self.folder / relative).resolve()
        if not path.is_relative_to(self.folder.resolve()):
            raise StoreError(
                f"The rollback marker {self.pending_path} names {relative!r}, outside "
                f"{self.folder}; it was not written by the kit.",
                fix="Check it, delete it and try again.",
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
            plan = json.loads(raw.decode("utf-8"))
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
            size = file_size(path)
            plan["appends"].append([self._relative(path), size, size + len(data)])
        for path, _new in patches:
            try:
                # latin-1 maps every byte to one character, so any content fits in JSON.
                old: str | None = path.read_bytes().decode("latin-1")
            except FileNotFoundError:
                old = None
            plan["patches"].append([self._relative(path), old])
        try:
            self._write_marker(json.dumps(plan).encode("utf-8"))
            new_folders: set[Path] = set()
            for path, data in appends:
                if not path.exists():
                    make_folder(path.parent, within=self.folder)
                    new_folders.add(path.parent)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | _BINARY, FILE_MODE)
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
                f"Could not write to {self.folder} ({exc.strerror or exc}); nothing was saved.",
                fix="Check that the disk is not full and the folder is writable, then save again.",
            ) from exc

    def _relative(self, path: Path) -> str:
        return os.path.relpath(path, self.folder)

    def _write_marker(self, data: bytes) -> None:
        # Written beside and renamed into place, so a marker that exists is complete.
        replace_file(self.pending_path, data, durable=True, mode=FILE_MODE)


def _write_all(fd: int, data: bytes) -> None:
    """One write call; the loop only covers the rare short write (disk nearly full)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _overwrite(path: Path, data: bytes) -> None:
    """Rewrite a tiny file in place (one write; the marker covers an interruption)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | _BINARY, FILE_MODE)
    try:
        _write_all(fd, data)
        os.ftruncate(fd, len(data))
        os.fsync(fd)
    finally:
        os.close(fd)


def _may_write(folder: Path) -> bool:
    """Whether files can be created in ``folder`` (permissions and a read-only mount)."""
    if not os.access(folder, os.W_OK | os.X_OK):
        return False
    try:
        stats = os.statvfs(folder)
    except (OSError, AttributeError):  # pragma: no cover - no statvfs (Windows)
        return True
    return not stats.f_flag & getattr(os, "ST_RDONLY", 1)
