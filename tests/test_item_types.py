"""The item-type table is complete, and every consumer reads it rather than its own list."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from widgets.analysis.export import cells, redact
from widgets.analysis.wide_table import _KIND
from widgets.forms.fields import WIDGET_FACTORIES
from widgets.instrument.item_types import (
    DEFAULT_MAX_LENGTH,
    DERIVED_TYPES,
    EXPORT_RULES,
    FREE_TEXT_TYPES,
    ITEM_TYPE_TABLE,
    ITEM_TYPES,
    LIVE_MEETING_TYPES,
    LOADER_KINDS,
    ItemType,
    item_type,
    loader_kinds,
    types_exported_as,
    widget_kinds,
)
from widgets.instrument.items import Choice, Item
from widgets.instrument.stored_values import (
    CHOICE_LIST,
    CHOICE_VALUE,
    ISO_DATE,
    ISO_TIMESTAMP,
    SECONDS,
    TEXT,
    WHOLE_NUMBER,
    YES_NO,
    Encoding,
)
from widgets.instrument.yaml_loading import load_instrument

ROWS = list(ITEM_TYPE_TABLE.values())

# One Python value per encoding, as a widget or the demo generator would hold it.
SAMPLE_VALUES: dict[Encoding, Any] = {
    TEXT: "A line, with ; and = inside",
    CHOICE_VALUE: "b",
    CHOICE_LIST: ["a", "c"],
    WHOLE_NUMBER: 4,
    YES_NO: True,
    ISO_DATE: date(2026, 10, 14),
    ISO_TIMESTAMP: datetime(2026, 10, 14, 9, 30, tzinfo=timezone(timedelta(hours=2))),
    SECONDS: 125,
}


class DerivedRules:
    """What a check needs, for a derived type (no YAML item can have one)."""

    max_length = None

    def choice_values(self) -> tuple[str, ...]:
        return ()


def item_of(kind: str, **extra: Any) -> Item:
    """A minimal valid item of ``kind``, with choices a, b, c or a 1-5 scale as it needs."""
    fields: dict[str, Any] = {"id": f"an_{kind}", "type": kind, "wording": "Q?", "tip": "T."}
    options = item_type(kind).options
    if options == "choices":
        fields["choices"] = [Choice(value=v, label=v.upper()) for v in ("a", "b", "c")]
    if options == "scale":
        fields.update(scale_min=1, scale_max=5)
    return Item(**{**fields, **extra})


def rules_for(row: ItemType) -> Any:
    return DerivedRules() if row.derived else item_of(row.name)


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_every_type_has_a_complete_row(row: ItemType) -> None:
    assert row.name and ITEM_TYPE_TABLE[row.name] is row
    assert isinstance(row.storage, Encoding) and row.storage.describes
    assert callable(row.check)
    assert row.loader_kind in LOADER_KINDS
    assert row.export in EXPORT_RULES
    if row.derived:
        assert row.widget is None and not row.live_meeting
    else:
        assert row.widget in WIDGET_FACTORIES, f"{row.name}: no widget factory"
    assert (row.default_max_length is not None) == row.free_text
    assert row.storage in SAMPLE_VALUES, f"{row.name}: its encoding has no sample value"


def test_every_widget_kind_has_a_factory_and_every_factory_a_kind() -> None:
    assert widget_kinds() == set(WIDGET_FACTORIES)


def test_a_row_that_leaves_something_out_is_refused_on_import() -> None:
    text = item_type("text")
    with pytest.raises(ValueError, match="item type 'essay': a widget is needed"):
        dataclasses.replace(text, name="essay", widget=None)
    with pytest.raises(ValueError, match="free text, and only free text"):
        dataclasses.replace(text, name="essay", default_max_length=None)
    with pytest.raises(ValueError, match="loader_kind 'blob'"):
        dataclasses.replace(text, name="essay", loader_kind="blob")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ItemType(name="essay", storage=TEXT)  # type: ignore[call-arg]


def test_unknown_type_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="unknown item type 'essay'.*text, long_text"):
        item_type("essay")


def test_views_of_the_table() -> None:
    assert set(ITEM_TYPES) | set(DERIVED_TYPES) == set(ITEM_TYPE_TABLE)
    assert not set(ITEM_TYPES) & set(DERIVED_TYPES)
    assert DERIVED_TYPES == ("timestamp", "seconds")
    assert FREE_TEXT_TYPES == ("text", "long_text", "prompt")
    assert LIVE_MEETING_TYPES == ("checkpoint", "prompt")
    assert dict(DEFAULT_MAX_LENGTH) == {"text": 200, "long_text": 2000, "prompt": 2000}


def test_the_loader_and_the_export_read_the_table() -> None:
    assert _KIND == loader_kinds()
    assert cells._NUMERIC_TYPES == types_exported_as("number") == {"scale", "seconds"}
    assert set(redact.FREE_TEXT_TYPES) == types_exported_as("free_text")


def test_every_type_in_the_codebook_has_a_row() -> None:
    used = {entry.type for entry in load_instrument().codebook()}
    assert used <= set(ITEM_TYPE_TABLE)
    assert set(DERIVED_TYPES) <= used


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_stored_values_round_trip_and_pass_their_check(row: ItemType) -> None:
    value = SAMPLE_VALUES[row.storage]
    stored = row.storage.encode(value)
    assert stored and isinstance(stored, str)
    assert row.check(rules_for(row), stored) is None, stored
    expected = tuple(value) if isinstance(value, list) else value
    assert row.storage.decode(stored) == expected
    assert row.storage.encode(None) == ""
    assert row.storage.encode(stored) == stored  # already stored text passes through


BAD: list[tuple[str, str, str]] = [
    ("text", "x" * 201, "201 characters, over the limit of 200"),
    ("choice", "d", "'d' is not one of a, b, c"),
    ("several", "a;z", "'z' not among a, b, c"),
    ("several", "a;a", "'a;a' names a choice twice"),
    ("scale", "6", "'6' is not one of 1, 2, 3, 4, 5"),
    ("yes_no", "true", "'true' is not yes or no"),
    ("tick", "ticked", "'ticked' is not yes or no"),
    ("date", "14/10/2026", "'14/10/2026' is not a date written YYYY-MM-DD"),
    ("date", "2026-02-30", "is not a date written YYYY-MM-DD"),
    ("checkpoint", "2026-10-14T09:00:00", "is not an ISO 8601 time with its UTC offset"),
]


@pytest.mark.parametrize(
    ("kind", "value", "message"), BAD, ids=[f"{k}-{v[:12]}" for k, v, _ in BAD]
)
def test_a_wrong_stored_value_is_named(kind: str, value: str, message: str) -> None:
    problem = item_of(kind).problem(value)
    assert problem is not None and message in problem


def test_derived_values_are_checked_too() -> None:
    rules = DerivedRules()
    assert item_type("timestamp").check(rules, "2026-10-14T09:00:00+00:00") is None
    assert item_type("timestamp").check(rules, "2026-10-14") is not None
    assert item_type("seconds").check(rules, "185") is None
    assert item_type("seconds").check(rules, "-5") == "'-5' is not a number of seconds"


def test_a_checkpoint_also_takes_yes_or_no() -> None:
    # A checkpoint on a plain form, and older files, store whether it was ticked.
    checkpoint = item_of("checkpoint")
    assert checkpoint.problem("yes") is None and checkpoint.problem("no") is None


def test_empty_means_unanswered_and_is_never_a_problem() -> None:
    for kind in ITEM_TYPES:
        assert item_of(kind).problem("") is None


def test_items_take_their_rules_from_the_table() -> None:
    offered = {"none": (), "yes_no": ("yes", "no"), "scale": ("1", "2", "3", "4", "5")}
    for kind in ITEM_TYPES:
        item, row = item_of(kind), item_type(kind)
        assert item.free_text == row.free_text
        assert item.max_length == row.default_max_length
        assert item.choice_values() == offered.get(row.options, ("a", "b", "c"))
