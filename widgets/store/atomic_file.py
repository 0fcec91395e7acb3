"""Replacing a file whole, so a reader or a crash finds the old file or the new one,
never half of either.

Every file the kit rewrites goes through here: drafts, summary copies, the store's
small tables and its recovery marker, the loader's parse cache and the export's data
package. The new content is written to a temporary file in the same folder (a rename
is only atomic within one filesystem) and renamed over the old one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["fsync_folder", "replace_file"]


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
    file keeps the temporary file's owner-only permissions unless ``mode`` is given.
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
