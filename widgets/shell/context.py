"""What every app page shares: where its data goes, its header, links between apps.

Training mode is decided here, once per page, so no app can write a made-up engagement
into real program data: a page opened with ``?training=1`` (or a server started by
``make train``) reads and writes only the training folder.
"""

from __future__ import annotations

import html
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import ipywidgets as w

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
from widgets.shell.style import stylesheet

__all__ = [
    "TRAINING_ENV",
    "TRAINING_DIR_ENV",
    "AppContext",
    "app_context",
    "app_link",
    "page_header",
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


def _training_bar(context: AppContext, on_data_changed: Callable[[], None] | None) -> w.VBox:
    """The banner every training page carries, with reset and one-click samples."""
    message = w.HTML()
    message.add_class("kit-training-message")

    def say(text: str, kind: str) -> None:
        message.value = f"<div class='kit-notice kit-notice-{kind}'>{html.escape(text)}</div>"

    def reset(_button: w.Button) -> None:
        try:
            reset_training(context.root)
        except RuntimeError as exc:
            say(str(exc), "error")
            return
        say("Training data emptied.", "ok")
        if on_data_changed is not None:
            on_data_changed()

    def load(_button: w.Button) -> None:
        from widgets.training.samples import (
            load_samples,  # the generator is only needed on this click
        )

        try:
            samples = load_samples(context.root)
        except RuntimeError as exc:
            say(str(exc), "error")
            return
        names = ", ".join(f"{s.engagement.first_name} ({s.description})" for s in samples)
        say(f"Loaded {len(samples)} sample engagements: {names}.", "ok")
        if on_data_changed is not None:
            on_data_changed()

    samples_button = w.Button(description="Load sample engagements", icon="users")
    samples_button.add_class("kit-action-load-samples")
    samples_button.on_click(load)
    reset_button = w.Button(description="Reset training data", icon="trash")
    reset_button.add_class("kit-action-reset-training")
    reset_button.on_click(reset)
    bar = w.VBox(
        [
            w.HTML(
                "<div class='kit-training-banner' role='status'><b>Training mode.</b> "
                "Made-up engagements only: nothing here is saved to program data.</div>"
            ),
            w.HBox([samples_button, reset_button]),
            message,
        ]
    )
    bar.add_class("kit-training")
    return bar


def page_header(
    title: str,
    intro: str,
    context: AppContext,
    *,
    on_data_changed: Callable[[], None] | None = None,
) -> w.VBox:
    """Stylesheet, the training banner when in training mode, then title and intro.

    ``on_data_changed`` lets the page refresh its lists after a reset or after samples
    are loaded from the banner.
    """
    parts: list[w.Widget] = [stylesheet()]
    if context.training:
        parts.append(_training_bar(context, on_data_changed))
    parts.append(
        w.HTML(f"<h2>{html.escape(title)}</h2><p class='kit-intro'>{html.escape(intro)}</p>")
    )
    return w.VBox(parts)
