"""Drafts: what a coach has typed but not yet submitted, kept on disk.

Saved on every change so a page reload, a closed tab or a kernel restart loses
nothing. A draft is private working state (JSON, never program data) and is deleted
once its content has been submitted through the store.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from widgets.clock import Clock, stamp, utc_now
from widgets.ids import check_engagement_id
from widgets.paths import private_dir
from widgets.store.atomic_file import make_folder, replace_file

__all__ = ["DraftStore"]


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

    def save(self, engagement_id: str, key: str, data: dict[str, Any]) -> str:
        """Replace the draft atomically and return its ``saved_at`` timestamp."""
        path = self._path(engagement_id, key)
        make_folder(path.parent, within=self.folder.parent)
        saved_at = stamp(self.clock())
        payload = json.dumps({"saved_at": saved_at, "data": data}, ensure_ascii=False)
        replace_file(path, payload)
        return saved_at

    def load(self, engagement_id: str, key: str) -> tuple[str, dict[str, Any]] | None:
        """Return ``(saved_at, data)`` or ``None`` when there is no readable draft."""
        path = self._path(engagement_id, key)
        try:
            content = json.loads(path.read_text(encoding="utf-8"))
            return str(content["saved_at"]), dict(content["data"])
        except (FileNotFoundError, ValueError, KeyError, TypeError):
            return None

    def clear(self, engagement_id: str, key: str) -> None:
        self._path(engagement_id, key).unlink(missing_ok=True)
