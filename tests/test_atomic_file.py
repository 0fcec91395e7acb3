"""A rewritten file is the old one or the new one, never half, and no debris is left."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from widgets.store.atomic_file import replace_file


def test_new_content_replaces_the_old_whole(tmp_path: Path) -> None:
    target = tmp_path / "notes.json"
    target.write_text("old")
    replace_file(target, "new ✓ text")
    assert target.read_text(encoding="utf-8") == "new ✓ text"
    replace_file(target, b"\x00bytes", durable=True)
    assert target.read_bytes() == b"\x00bytes"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.json"]


def test_private_by_default_shared_mode_on_request(tmp_path: Path) -> None:
    replace_file(tmp_path / "draft.json", "{}")
    replace_file(tmp_path / "codebook.csv", "a,b\n", mode=0o644)
    assert stat.S_IMODE((tmp_path / "draft.json").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "codebook.csv").stat().st_mode) == 0o644


def test_a_failed_replace_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    occupied = tmp_path / "summary.md"
    occupied.mkdir()
    (occupied / "keep.txt").write_text("still here")
    with pytest.raises(OSError):
        replace_file(occupied, "new")
    assert (occupied / "keep.txt").read_text() == "still here"
    assert [p.name for p in tmp_path.iterdir()] == ["summary.md"]
