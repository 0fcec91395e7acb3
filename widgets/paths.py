"""Where the kit keeps its data.

Kernels started by Voila run in the notebook's folder, so nothing may be resolved
relative to the working directory: the data root is either the folder named by
``ALIGNMENT_KIT_EXPORTS`` (tests and training use their own) or ``exports/`` at the
repository root.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "EXPORTS_ENV",
    "REPO_ROOT",
    "TRAINING_MARKER",
    "exports_dir",
    "private_dir",
    "is_training_folder",
    "mark_training_folder",
]

EXPORTS_ENV = "ALIGNMENT_KIT_EXPORTS"
REPO_ROOT = Path(__file__).resolve().parents[1]
TRAINING_MARKER = "TRAINING"
_MARKER_TEXT = (
    "This folder holds made-up training engagements. It is not program data: the program\n"
    "export refuses any folder that contains this file.\n"
)


def exports_dir() -> Path:
    """Return the data root, creating it if needed.

    Read on every call (not at import) so that a preheated Voila kernel and a test
    that changes the environment both see the current setting.
    """
    configured = os.environ.get(EXPORTS_ENV, "").strip()
    root = Path(configured).expanduser() if configured else REPO_ROOT / "exports"
    root = root.resolve()
    root.mkdir(parents=True, exist_ok=True)
    return root


def private_dir(root: Path | None = None) -> Path:
    """Return the folder for data that never leaves the coach's machine.

    The engagement registry (names) and drafts live here; program exports never read it.
    """
    folder = (root or exports_dir()) / "private"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def mark_training_folder(root: Path) -> None:
    """Mark a folder as training data, so exports refuse it and reset may empty it."""
    marker = root / TRAINING_MARKER
    if not marker.exists():
        marker.write_text(_MARKER_TEXT, encoding="utf-8")


def is_training_folder(folder: Path) -> bool:
    """True for a folder that holds training data (it carries the marker file)."""
    return (folder / TRAINING_MARKER).exists()
