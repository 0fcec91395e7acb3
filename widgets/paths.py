"""Where the kit keeps its data.

Kernels started by Voila run in the notebook's folder, so nothing may be resolved
relative to the working directory: the data root is either the folder named by
``ALIGNMENT_KIT_EXPORTS`` (tests and training use their own) or ``exports/`` at the
repository root.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["EXPORTS_ENV", "REPO_ROOT", "exports_dir", "private_dir"]

EXPORTS_ENV = "ALIGNMENT_KIT_EXPORTS"
REPO_ROOT = Path(__file__).resolve().parents[1]


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
