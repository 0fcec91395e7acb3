"""The codebook beside the data describes every stored item."""

from __future__ import annotations

import pandas as pd

from widgets.apps.prep import PrepApp
from widgets.instrument.codebook import ensure_codebook
from widgets.instrument.yaml_loading import load_instrument


def test_opening_an_app_writes_the_codebook_beside_the_data(exports):
    PrepApp(root=exports, params={})
    book = pd.read_csv(exports / "codebook.csv", dtype=str, keep_default_na=False)
    assert list(book.columns[:7]) == [
        "item_id",
        "form",
        "section",
        "wording",
        "type",
        "choices",
        "instrument_version",
    ]
    asks = book.set_index("item_id").loc["asks"]
    assert asks["form"] == "prep" and asks["type"] == "several"
    assert "priorities=" in asks["choices"] and "support=" in asks["choices"]
    assert set(book["instrument_version"]) == {load_instrument().version}
    # Every value the instrument stores, YAML items and derived ones, in its order.
    assert list(book["item_id"]) == [e.item_id for e in load_instrument().codebook()]
    assert {"strengths_best_asked", "strengths_seconds", "meeting_seconds"} <= set(book["item_id"])
    assert book["item_id"].is_unique


def test_codebook_is_rewritten_only_when_it_differs(exports):
    path = ensure_codebook(exports)
    before = path.stat().st_mtime_ns
    ensure_codebook(exports)
    assert path.stat().st_mtime_ns == before
    path.write_text("item_id\nstale\n", encoding="utf-8")
    ensure_codebook(exports)
    assert "stale" not in path.read_text(encoding="utf-8")
