"""Merged exports keep each record's newest copy, and consent is decided again after."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from tests.test_loader import T0, engagement, save
from widgets.analysis.export.program import export_program
from widgets.analysis.long_table import load_responses

KEY = "test-key-0123456789abcdef"


@pytest.fixture
def exports(tmp_path: Path) -> tuple[Path, Path]:
    """An export made while the coachee shared text, and one made after they withdrew."""
    root = tmp_path / "coach"
    e = engagement(root, "Quorvelle", program="P1", cohort="C1")
    prep = {"success": "clear goals for the quarter", "text_consent": "yes"}
    save(root, e.engagement_id, "prep", 1, prep, T0)
    save(root, e.engagement_id, "debrief", 1, {"feeling": "4", "feeling_note": "went well"}, T0)
    older = tmp_path / "export-march"
    export_program(older, root, key=KEY)
    save(root, e.engagement_id, "prep", 1, {**prep, "text_consent": "no"}, T0 + timedelta(hours=1))
    newer = tmp_path / "export-april"
    export_program(newer, root, key=KEY)
    created = [json.loads((p / "datapackage.json").read_text())["created"] for p in (older, newer)]
    assert created[0] < created[1]
    return older, newer


def _texts(long, item: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    rows = long[long["item_id"] == item]
    return sorted(zip(rows["value"].astype(str), rows["redacted_reason"].astype(str), strict=True))


@pytest.mark.parametrize("newest_first", [False, True])
def test_the_newest_copy_wins_in_either_order(exports, newest_first: bool) -> None:
    older, newer = exports
    sources = (newer, older) if newest_first else (older, newer)
    long = load_responses(*sources, cache=False)
    # The debrief note is one record in both exports: the newer, withheld copy wins.
    assert _texts(long, "feeling_note") == [("", "no_text_consent")]
    assert _texts(long, "success") == [("", "no_text_consent")]
    assert list(long.loc[long["item_id"] == "feeling", "value"].astype(str)) == ["4"]
    assert long["record_id"].is_unique


@pytest.mark.parametrize("newest_first", [False, True])
def test_consent_is_applied_again_after_the_merge(exports, newest_first: bool) -> None:
    older, newer = exports
    sources = (newer, older) if newest_first else (older, newer)
    # Every revision kept: the first prep's text exists only in the older export, yet
    # the latest prep withdrew consent, so it must not come back.
    long = load_responses(*sources, latest_only=False, cache=False)
    assert len(long[long["item_id"] == "success"]) == 2
    assert _texts(long, "success") == [("", "no_text_consent")] * 2
    everything = " ".join(long["value"].astype(str))
    assert "clear goals" not in everything and "went well" not in everything
    # Each export on its own still reads as it was written.
    alone = load_responses(older, cache=False)
    assert ("went well", "") in _texts(alone, "feeling_note")
