"""What every app page shares: where its data goes and how it links to the other apps.

Training mode is decided here, once per page, so no app can write a made-up engagement
into real program data: a page opened with ``?training=1`` (or a server started by
``make train``) reads and writes only the training folder.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from widgets.paths import (
    REPO_ROOT,
    TRAINING_MARKER,
    configured_exports_path,
    exports_dir,
    is_training_folder,
    mark_training_folder,
    training_entries_to_reset,
)
from widgets.shell.request import query_params

__all__ = [
    "TRAINING_ENV",
    "TRAINING_DIR_ENV",
    "AppContext",
    "app_context",
    "app_link",
    "training_dir",
    "is_training_folder",
    "mark_training_folder",
    "reset_training",
    "TRAINING_MARKER",
]

TRAINING_ENV = "ALIGNMENT_KIT_TRAINING"
TRAINING_DIR_ENV = "ALIGNMENT_KIT_TRAINING_DIR"
_TRUE = {"1", "true", "yes", "on"}


def training_dir() -> Path:
    """The training data root: never the real exports folder."""
    configured = os.environ.get(TRAINING_DIR_ENV, "").strip()
    root = Path(configured).expanduser() if configured else REPO_ROOT / "training"
    root = root.resolve()
    if root == configured_exports_path():
        raise RuntimeError(
            f"{TRAINING_DIR_ENV} points at the real exports folder ({root}); "
            "training data must live elsewhere."
        )
    root.mkdir(parents=True, exist_ok=True)
    mark_training_folder(root)
    return root


@dataclass(frozen=True)
class AppContext:
    """The page's data root, its mode and its query parameters."""

    root: Path
    training: bool
    params: dict[str, str] = field(default_factory=dict)

    def link(self, notebook: str, **params: str | int) -> str:
        return app_link(notebook, training=self.training, **params)


def app_context(params: dict[str, str] | None = None, *, root: Path | None = None) -> AppContext:
    """Read the query string (Voila-preheat safe) and decide where data goes."""
    params = query_params() if params is None else params
    training = (
        params.get("training", "").lower() in _TRUE
        or os.environ.get(TRAINING_ENV, "").lower() in _TRUE
    )
    if root is None:
        root = training_dir() if training else exports_dir()
    elif training:
        if root.resolve() == exports_dir():
            raise RuntimeError("Training mode cannot use the real exports folder.")
        mark_training_folder(root)
    return AppContext(root=root, training=training, params=params)


def app_link(notebook: str, *, training: bool = False, **params: str | int) -> str:
    """Relative link from one app page to another, keeping training mode."""
    query = {k: str(v) for k, v in params.items() if v not in ("", None)}
    if training:
        query["training"] = "1"
    suffix = f"?{urlencode(query)}" if query else ""
    return f"{notebook}{suffix}"


def reset_training(root: Path) -> None:
    """Empty a training folder the kit set up; refuse anything else, deleting nothing.

    See :func:`widgets.paths.training_entries_to_reset` for what is refused.
    """
    for child in training_entries_to_reset(root):
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
