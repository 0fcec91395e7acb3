"""Where the kit keeps its data.

Kernels started by Voila run in the notebook's folder, so nothing may be resolved
relative to the working directory: the data root is either the folder named by
``ALIGNMENT_KIT_EXPORTS`` (tests and training use their own) or ``exports/`` at the
repository root.

A data folder that is missing is an error, never silently recreated: an unmounted
drive or a mistyped ``ALIGNMENT_KIT_EXPORTS`` would otherwise collect saves where
nobody looks, each one reported as done. The only folders the kit creates on its
own are the repository's ``exports/`` on first run and a training folder it is
asked to set up; both, and everything below them, are private to the owner (0700).
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from widgets.errors import StateError, StoreError

__all__ = [
    "EXPORTS_ENV",
    "REPO_ROOT",
    "SAMPLES_FILE",
    "SPACES_FOLDER",
    "TRAINING_MARKER",
    "DataFolderMissing",
    "NotATrainingFolder",
    "check_data_folder",
    "training_entries_to_reset",
    "configured_exports_path",
    "exports_dir",
    "private_dir",
    "is_training_folder",
    "mark_training_folder",
    "space_slug",
]

EXPORTS_ENV = "ALIGNMENT_KIT_EXPORTS"
REPO_ROOT = Path(__file__).resolve().parents[1]
TRAINING_MARKER = "TRAINING"
# Each trainee's space is a marked folder of its own under <training>/spaces/.
SPACES_FOLDER = "spaces"
# Written when a space has been given its sample engagements (the tour seeds once).
SAMPLES_FILE = "SAMPLES"
_SPACE_LENGTH = 32
_MARKER_TEXT = (
    "This folder holds made-up training engagements. It is not program data: the program\n"
    "export refuses any folder that contains this file.\n"
)


class DataFolderMissing(StoreError):
    """A data folder the kit was pointed at does not exist (deleted, unmounted, mistyped)."""


class NotATrainingFolder(StateError, RuntimeError):
    """A folder the kit did not create for training is refused as one (nothing deleted)."""


# What the kit itself writes in a data root; a training folder holding anything else
# holds someone's own files, which Reset must not delete.
_KIT_ENTRIES = frozenset(
    {
        TRAINING_MARKER,
        SAMPLES_FILE,
        "responses.csv",
        "codebook.csv",
        "index",
        "private",
        ".kit-cache",
        ".store.lock",
        ".store.pending",
    }
)


def space_slug(text: str) -> str:
    """The folder-safe name of a training space typed as a name or a short code.

    "Ana María" becomes ``ana-maria``: lower-case letters, digits and single dashes, at
    most 32 characters, so the name can sit in a link and name a folder without ever
    reaching outside the spaces folder (no dots, no slashes). "" when nothing usable
    is left.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:_SPACE_LENGTH].rstrip("-")


def configured_exports_path() -> Path:
    """Where the data root is set to be, without creating or checking it."""
    configured = os.environ.get(EXPORTS_ENV, "").strip()
    root = Path(configured).expanduser() if configured else REPO_ROOT / "exports"
    return root.resolve()


def check_data_folder(folder: Path) -> Path:
    """Return ``folder`` if it is an existing folder, else raise DataFolderMissing."""
    if folder.is_dir():
        return folder
    raise DataFolderMissing(
        f"The data folder {folder} does not exist (deleted, moved, or on a drive that is "
        "not connected), so nothing was read or saved there.",
        fix=f"Reconnect the drive or create the folder (mkdir -p '{folder}'), or set "
        f"{EXPORTS_ENV} to the folder that holds the kit's data, then try again.",
    )


def exports_dir() -> Path:
    """Return the data root; only the repository's own ``exports/`` is ever created.

    Read on every call (not at import) so that a preheated Voila kernel and a test
    that changes the environment both see the current setting. A configured
    ``ALIGNMENT_KIT_EXPORTS`` that does not exist raises DataFolderMissing.
    """
    root = configured_exports_path()
    if not os.environ.get(EXPORTS_ENV, "").strip() and not root.exists():
        try:
            os.mkdir(root, 0o700)  # first run: the repository's default folder
        except FileExistsError:
            pass  # made by another kernel at the same moment
    return check_data_folder(root)


def private_dir(root: Path | None = None) -> Path:
    """Return the folder for data that never leaves the coach's machine.

    The engagement registry (names) and drafts live here; program exports never read it.
    Created (0700) inside an existing data root; a missing root raises DataFolderMissing.
    """
    base = check_data_folder(Path(root) if root is not None else exports_dir())
    folder = base / "private"
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    except OSError:
        # A folder the kit may not write to is still read; a write into it fails
        # later, with the store's own message.
        pass
    return folder


def mark_training_folder(root: Path) -> None:
    """Mark a folder the kit has just set up for training, so exports refuse it and
    reset may empty it.

    Only an empty folder (one the kit has just created) is marked: marking a folder
    that already holds something (real exports, or a parent of them) would license
    Reset to delete it. Such a folder raises NotATrainingFolder.
    """
    marker = root / TRAINING_MARKER
    if marker.exists():
        return
    if any(root.iterdir()):
        raise NotATrainingFolder(
            f"{root} already holds files and is not a training folder, so the kit will "
            "not use it for training data (Reset would delete what it holds).",
            fix="Point the training folder (ALIGNMENT_KIT_TRAINING_DIR) at a new or empty folder.",
        )
    try:
        fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # marked by another kernel at the same moment
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(_MARKER_TEXT)


def is_training_folder(folder: Path) -> bool:
    """True for a folder that holds training data (it carries the marker file)."""
    return (folder / TRAINING_MARKER).exists()


def training_entries_to_reset(root: Path) -> list[Path]:
    """What Reset may delete in ``root``; raises NotATrainingFolder (nothing deleted) unless
    every entry is training data the kit wrote.

    Refused: a folder without the kit's marker; the real exports folder or any folder
    that contains it (even if marked, e.g. by hand); a folder holding anything the kit
    does not write there (someone's own files). A marked training folder nested inside
    (the walkthrough's) or a folder of kit data (its made-up program) is part of it.
    """
    root = root.resolve()
    exports = configured_exports_path()
    if root == exports or exports.is_relative_to(root):
        raise NotATrainingFolder(
            f"{root} is not a training folder: it is, or contains, the real exports "
            f"folder ({exports}); nothing was deleted.",
            fix="Set ALIGNMENT_KIT_TRAINING_DIR to a folder of its own, outside the exports "
            "folder, and reset that.",
        )
    if not is_training_folder(root):
        raise NotATrainingFolder(
            f"{root} is not a training folder the kit set up (it has no {TRAINING_MARKER} "
            "file); nothing was deleted.",
            fix="Reset only empties the training folder the kit created; delete other "
            "folders yourself if you mean to.",
        )
    entries = [child for child in sorted(root.iterdir()) if child.name != TRAINING_MARKER]
    foreign = _foreign_entries(root)
    if foreign:
        shown = ", ".join(foreign[:5]) + (" ..." if len(foreign) > 5 else "")
        raise NotATrainingFolder(
            f"{root} holds files the kit did not write there ({shown}); nothing was deleted.",
            fix="Move those files out of the training folder, then reset again.",
        )
    return entries


def _foreign_entries(folder: Path, depth: int = 0) -> list[str]:
    """Names under ``folder`` the kit does not write in a data root.

    A subfolder of kit data (the walkthrough's own folder, its made-up program) is
    part of the training data when everything in it is, too.
    """
    foreign = []
    for child in sorted(folder.iterdir()):
        if child.name in _KIT_ENTRIES or _is_temporary(child.name):
            continue
        nested = child.is_dir() and not child.is_symlink() and depth < 3
        if nested and not _foreign_entries(child, depth + 1):
            continue
        foreign.append(child.name)
    return foreign


def _is_temporary(name: str) -> bool:
    """A replace_file temporary left by a killed process (``.<name>.<random>.tmp``)."""
    return name.startswith(".") and name.endswith(".tmp")
