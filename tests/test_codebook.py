"""The codebook beside the data describes every stored item."""

from __future__ import annotations

import pandas as pd
import pytest

from widgets.apps.prep import PrepApp
from widgets.instrument.codebook import ensure_codebook
from widgets.instrument.derived_items import derived_meeting_items
from widgets.instrument.instrument import Instrument
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


@pytest.fixture(scope="module")
def instrument() -> Instrument:
    return load_instrument()


def test_codebook_lists_every_item_and_derived_values(instrument: Instrument) -> None:
    book = {entry.item_id: entry for entry in instrument.codebook()}
    assert len(book) == len(instrument.codebook()), "codebook ids must be unique"
    for form in instrument.forms.values():
        for item in form.all_items:
            assert book[item.id].form == form.id
    for derived in [
        "strengths_best_asked",
        "followup_plan_asked",
        "goals_notes_asked",
        "strengths_seconds",
        "strengths_budget_seconds",
        "strengths_extended_seconds",
        "opening_started_at",
        "close_ended_at",
        "goals_skipped",
        "meeting_started_at",
        "meeting_ended_at",
        "meeting_seconds",
        "debrief_started_at",
        "debrief_ended_at",
        "debrief_seconds",
    ]:
        assert derived in book, derived
    assert "opening_skipped" not in book
    assert "opening_thanks_asked" not in book


def test_codebook_entry_fields(instrument: Instrument) -> None:
    book = {entry.item_id: entry for entry in instrument.codebook()}
    asked = book["strengths_best_asked"]
    assert (asked.form, asked.section, asked.type, asked.meetings) == (
        "meeting",
        "strengths",
        "yes_no",
        "1",
    )
    assert asked.wording.startswith("Was this prompt asked: Tell us about a time")
    assert book["strengths_seconds"].type == "seconds"
    assert book["opening_started_at"].type == "timestamp"
    assert book["opening_seconds"].meetings == "1;2"
    assert book["followup_seconds"].meetings == "2"
    assert book["meeting_seconds"].section == "meeting"
    assert book["debrief_seconds"].section == "debrief"
    assert book["opening_thanks"].type == "checkpoint"
    assert book["feeling"].choices == "1=Struggling; 2; 3; 4; 5=Energised"
    assert book["asks"].choices.startswith("priorities=Alignment on your coaching priorities; ")
    assert book["progress_focus"].meetings == "2"
    assert book["strengths_best"].free_text and not book["asks"].free_text
    assert book["success"].visibility == "meeting"
    assert book["off_limits"].visibility == "coachee_only"
    assert book["meeting_seconds"].visibility == "program"
    assert {entry.instrument_version for entry in book.values()} == {"1.1.0"}


def test_derived_meeting_items_per_meeting(instrument: Instrument) -> None:
    meeting = instrument.form("meeting")
    first = [e.item_id for e in derived_meeting_items(meeting, 1)]
    second = [e.item_id for e in derived_meeting_items(meeting, 2)]
    assert "strengths_seconds" in first and "strengths_seconds" not in second
    assert "followup_seconds" in second and "followup_seconds" not in first
    assert "goals_skipped" in first and "goals_skipped" in second
    assert derived_meeting_items(instrument.form("prep"), 1) == ()
    debrief = [e.item_id for e in derived_meeting_items(instrument.form("debrief"), 1)]
    assert debrief == ["debrief_started_at", "debrief_ended_at", "debrief_seconds"]
