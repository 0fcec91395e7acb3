"""Replacing a file whole, so a reader or a crash finds the old file or the new one,
never half of either.

Every file the kit rewrites goes through here: drafts, summary copies, the store's
small tables and its recovery marker, the loader's parse cache and the export's data
package. The new content is written to a temporary file in the same folder (a rename
is only atomic within one filesystem) and renamed over the old one.

What the kit keeps is confidential, so everything it creates is private to the
account running it: files 0600 (``FILE_MODE``), folders 0700 (``FOLDER_MODE``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["FILE_MODE", "FOLDER_MODE", "fsync_folder", "make_folder", "replace_file"]

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def make_folder(folder: Path, *, within: Path | None = None) -> Path:
    """Create ``folder`` (and its missing parents below ``within``) private to the owner.

    ``within`` (default: the folder's parent) must exist already: the kit never
    recreates a data folder that has gone missing (an unmounted drive, a deleted
    folder), it refuses, so a save is never reported done into a folder nobody reads.
    Each level is created with ``os.mkdir(..., 0o700)``; ``Path.mkdir(parents=True)``
    would create the intermediate ones with the default, world-readable mode.
    """
    from widgets.paths import check_data_folder  # paths imports nothing from the store

    base = folder.parent if within is None else within
    check_data_folder(base)
    missing = []
    level = folder
    while level != base and not level.is_dir():
        missing.append(level)
        if level.parent == level:  # pragma: no cover - reached the filesystem root
            break
        level = level.parent
    for level in reversed(missing):
        try:
            os.mkdir(level, FOLDER_MODE)
        except FileExistsError:
            pass  # made by a concurrent save
    return folder


def fsync_folder(folder: Path) -> None:
    """Make a created, renamed or removed name durable (a file's fsync does not)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some filesystems refuse fsync on a folder
        pass
    finally:
        os.close(fd)


def replace_file(
    path: Path, data: bytes | str, *, durable: bool = False, mode: int | None = None
) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` in one rename.

    ``durable`` also fsyncs the data and the rename, for files whose loss after a power
    cut would matter (the store's); drafts rewritten on every keystroke skip it. The
    file keeps the temporary file's owner-only permissions (0600) unless ``mode`` is
    given.
    On any failure the temporary file is removed and the old ``path`` is untouched.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    if durable:
        fsync_folder(path.parent)
