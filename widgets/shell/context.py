"""What every app page shares: where its data goes and how it links to the other apps.

Training mode is decided here, once per page, so no app can write a made-up engagement
into real program data: a page opened with ``?training=1`` (or a server started by
``make train``) reads and writes only the training folder.

In a workshop every trainee works in a space of their own (``&space=ana``), a marked
folder under ``<training>/spaces/``: they see only their own coachees, and a Reset
empties only their space. The space travels in every link the kit builds
(:meth:`AppContext.link`), so prep, meeting, debrief and home stay in it.

Projector view (``?present=1``) travels the same way, in training and real mode alike:
a trainer who turns it on for the room's screen keeps it on every page the kit opens.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from widgets.paths import (
    REPO_ROOT,
    SPACES_FOLDER,
    TRAINING_MARKER,
    configured_exports_path,
    exports_dir,
    is_training_folder,
    mark_training_folder,
    space_slug,
    training_entries_to_reset,
)
from widgets.shell.request import query_params

__all__ = [
    "PRESENT_PARAM",
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
    "TrainingSpace",
    "space_dir",
    "training_spaces",
]

PRESENT_PARAM = "present"
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


def space_dir(space: str) -> Path:
    """The folder of one trainee's space (created and marked on first use)."""
    slug = space_slug(space)
    if not slug or slug != space:
        raise ValueError(
            f"{space!r} is not a training space name: use lower-case letters, digits and "
            "dashes (space_slug() makes one from a name)."
        )
    folder = training_dir() / SPACES_FOLDER / slug
    folder.mkdir(parents=True, exist_ok=True)
    mark_training_folder(folder)
    return folder


@dataclass(frozen=True)
class TrainingSpace:
    """One trainee's space as the trainer's list shows it."""

    name: str
    engagements: int


def training_spaces() -> list[TrainingSpace]:
    """Every trainee space under the training folder, with how many coachees it holds.

    Counted from the registry file's lines, not parsed: the trainer's list is read
    on every open of the chooser and must stay cheap with a room of spaces.
    """
    folder = training_dir() / SPACES_FOLDER
    if not folder.is_dir():
        return []
    spaces = []
    for child in sorted(folder.iterdir()):
        if not child.is_dir() or space_slug(child.name) != child.name:
            continue
        registry = child / "private" / "engagements.csv"
        try:
            with registry.open(encoding="utf-8") as handle:
                count = max(0, sum(1 for line in handle if line.strip()) - 1)
        except OSError:
            count = 0
        spaces.append(TrainingSpace(child.name, count))
    return spaces


@dataclass(frozen=True)
class AppContext:
    """The page's data root, its mode, its training space and its query parameters.

    ``choose_space`` is true for a training page opened without a space of its own:
    the page then asks the trainee for one instead of opening the app. ``banner`` is
    false for an app shown inside the guided tour (``embedded=1``), which carries the
    training controls once, at its top. ``present`` is projector view: larger type and
    controls, stronger contrast, no jargon (see :mod:`widgets.shell.chrome`).
    """

    root: Path
    training: bool
    params: dict[str, str] = field(default_factory=dict)
    space: str = ""
    choose_space: bool = False
    banner: bool = True
    present: bool = False

    def link(self, notebook: str, **params: str | int) -> str:
        return app_link(
            notebook, training=self.training, space=self.space, present=self.present, **params
        )


def app_context(params: dict[str, str] | None = None, *, root: Path | None = None) -> AppContext:
    """Read the query string (Voila-preheat safe) and decide where data goes."""
    params = query_params() if params is None else params
    training = (
        params.get("training", "").lower() in _TRUE
        or os.environ.get(TRAINING_ENV, "").lower() in _TRUE
    )
    space = space_slug(params.get("space", "")) if training else ""
    choose_space = False
    if root is None:
        if not training:
            root = exports_dir()
        elif space:
            root = space_dir(space)
        else:
            root = training_dir()
            choose_space = True
    elif training:
        if root.resolve() == exports_dir():
            raise RuntimeError("Training mode cannot use the real exports folder.")
        mark_training_folder(root)
    return AppContext(
        root=root,
        training=training,
        params=params,
        space=space,
        choose_space=choose_space,
        banner=params.get("embedded", "") != "1",
        present=params.get(PRESENT_PARAM, "").lower() in _TRUE,
    )


def app_link(
    notebook: str,
    *,
    training: bool = False,
    space: str = "",
    present: bool = False,
    **params: str | int,
) -> str:
    """Relative link from one app page to another, keeping training mode, space and
    projector view."""
    query = {k: str(v) for k, v in params.items() if v not in ("", None)}
    if training:
        query["training"] = "1"
        if space:
            query["space"] = space
    if present:
        query[PRESENT_PARAM] = "1"
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
