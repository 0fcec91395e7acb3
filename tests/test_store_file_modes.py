"""Files at rest are private: everything the kit writes under its data folder is 0600
in 0700 folders, whatever the process umask allows."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from widgets.store.drafts import DraftStore
from widgets.store.records import Answer
from widgets.store.registry import EngagementRegistry
from widgets.store.responses import ResponseStore
from widgets.store.tables import write_table


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive umask, so only the kit's own modes can keep files private."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def everything_below(root: Path) -> list[Path]:
    return sorted(root.rglob("*"))


def test_every_file_and_folder_the_kit_writes_is_private(tmp_path: Path, open_umask: None) -> None:
    root = tmp_path / "exports"
    root.mkdir()
    engagement = EngagementRegistry(root).create(
        first_name="Quorvelle", start_date=date(2025, 1, 6)
    )
    store = ResponseStore(root)
    store.submit(
        engagement_id=engagement.engagement_id,
        form="prep",
        meeting_number=1,
        answers=[Answer("notes", "perception", "long_text", "private words")],
        instrument_version="1.0",
    )
    store.submit(
        engagement_id=engagement.engagement_id,
        form="prep",
        meeting_number=1,
        answers=[Answer("notes", "perception", "long_text", "corrected")],
        instrument_version="1.0",
    )
    DraftStore(root).save(engagement.engagement_id, "meeting-1", {"notes": "typing"})
    write_table(root / "codebook.csv", ("item_id",), [{"item_id": "perception"}])

    written = everything_below(root)
    names = {p.relative_to(root).as_posix() for p in written}
    assert {
        "responses.csv",
        f"index/{engagement.engagement_id}.csv",
        "index/_indexed_to",
        "index/_engagements",
        "private/engagements.csv",
        f"private/drafts/{engagement.engagement_id}/meeting-1.json",
        "codebook.csv",
        ".store.lock",
    } <= names
    loose = {
        p.relative_to(root).as_posix(): oct(stat.S_IMODE(p.stat().st_mode))
        for p in written
        if stat.S_IMODE(p.stat().st_mode) != (0o700 if p.is_dir() else 0o600)
    }
    assert loose == {}
