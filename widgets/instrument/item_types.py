"""THE item-type table: one row per kind of answer, read by everything that treats types apart.

The instrument's checks, the form widgets (:mod:`widgets.forms.fields`), the loader's
column types, the program export and the demo generator all ask this table instead of
keeping their own lists, so a type cannot be half-supported: adding one is a row here
plus its widget factory, and a test fails until both exist.

Each row says

- ``storage``: how a value is written in its CSV cell (:mod:`.stored_values`);
- ``check``: what a stored, non-empty value must look like;
- ``widget``: the kind of input a form shows it with, by name, so the instrument never
  imports ipywidgets; ``widgets.forms.fields`` maps each kind to a factory. ``None``
  only for derived types, which no one types: the kit records them itself;
- ``loader_kind``: how the analysis loader types its column (number, bool, datetime,
  date, category, text);
- ``export``: what the program export does with it: ``number`` kept as written when it
  is a number, ``text`` neutralised so a spreadsheet never runs it as a formula,
  ``free_text`` neutralised too and emptied unless the coachee consented;
- ``options``: which answers an item of this type declares (its own ``choices``, the
  fixed yes/no, a ``scale_min``..``scale_max`` range, or none);
- ``live_meeting``: whether the live meeting's agenda can run it (it shows prompts and
  checkpoints only; the instrument refuses anything else in the meeting form);
- ``derived``: recorded by the kit (times, durations), never written in the YAML;
- ``default_max_length``: the limit free text gets when the YAML gives none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal, get_args

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
    ValueCheck,
    check_iso_date,
    check_one_option,
    check_seconds,
    check_several_options,
    check_text_length,
    check_tick_time,
    check_timestamp,
    check_yes_no,
)

__all__ = [
    "DEFAULT_MAX_LENGTH",
    "DERIVED_TYPES",
    "EXPORT_RULES",
    "FREE_TEXT_TYPES",
    "ITEM_TYPES",
    "ITEM_TYPE_TABLE",
    "LIVE_MEETING_TYPES",
    "LOADER_KINDS",
    "ExportRule",
    "ItemType",
    "LoaderKind",
    "Options",
    "item_type",
    "loader_kinds",
    "types_exported_as",
    "widget_kinds",
]

LoaderKind = Literal["number", "bool", "datetime", "date", "category", "text"]
ExportRule = Literal["number", "text", "free_text"]
Options = Literal["none", "choices", "yes_no", "scale"]
LOADER_KINDS: tuple[str, ...] = get_args(LoaderKind)
EXPORT_RULES: tuple[str, ...] = get_args(ExportRule)
_OPTIONS: tuple[str, ...] = get_args(Options)


@dataclass(frozen=True)
class ItemType:
    """One row of the table; every field is required, so a row cannot leave one out."""

    name: str
    storage: Encoding
    check: ValueCheck
    widget: str | None
    loader_kind: LoaderKind
    export: ExportRule
    options: Options
    live_meeting: bool
    derived: bool
    default_max_length: int | None

    def __post_init__(self) -> None:
        # A wrong row is a programming error: fail on import, before any form is built.
        problems = []
        if self.loader_kind not in LOADER_KINDS:
            problems.append(f"loader_kind {self.loader_kind!r} is not one of {LOADER_KINDS}")
        if self.export not in EXPORT_RULES:
            problems.append(f"export {self.export!r} is not one of {EXPORT_RULES}")
        if self.options not in _OPTIONS:
            problems.append(f"options {self.options!r} is not one of {_OPTIONS}")
        if (self.widget is None) != self.derived:
            problems.append("a widget is needed exactly when the type is not derived")
        if self.derived and self.live_meeting:
            problems.append("a derived type is recorded by the kit, not run in the meeting")
        if (self.default_max_length is not None) != self.free_text:
            problems.append("free text, and only free text, needs a default_max_length")
        if problems:
            raise ValueError(f"item type {self.name!r}: " + "; ".join(problems))

    @property
    def free_text(self) -> bool:
        """Typed by people: counted in forms, withheld from program data without consent."""
        return self.export == "free_text"


_ROWS: tuple[ItemType, ...] = (
    ItemType(
        name="text",
        storage=TEXT,
        check=check_text_length,
        widget="text_line",
        loader_kind="text",
        export="free_text",
        options="none",
        live_meeting=False,
        derived=False,
        default_max_length=200,
    ),
    ItemType(
        name="long_text",
        storage=TEXT,
        check=check_text_length,
        widget="text_area",
        loader_kind="text",
        export="free_text",
        options="none",
        live_meeting=False,
        derived=False,
        default_max_length=2000,
    ),
    ItemType(
        name="choice",
        storage=CHOICE_VALUE,
        check=check_one_option,
        widget="radio_buttons",
        loader_kind="category",
        export="text",
        options="choices",
        live_meeting=False,
        derived=False,
        default_max_length=None,
    ),
    ItemType(
        name="several",
        storage=CHOICE_LIST,
        check=check_several_options,
        widget="tick_boxes",
        loader_kind="text",
        export="text",
        options="choices",
        live_meeting=False,
        derived=False,
        default_max_length=None,
    ),
    ItemType(
        name="scale",
        storage=WHOLE_NUMBER,
        check=check_one_option,
        widget="scale_buttons",
        loader_kind="number",
        export="number",
        options="scale",
        live_meeting=False,
        derived=False,
        default_max_length=None,
    ),
    ItemType(
        name="yes_no",
        storage=YES_NO,
        check=check_yes_no,
        widget="radio_buttons",
        loader_kind="bool",
        export="text",
        options="yes_no",
        live_meeting=False,
        derived=False,
        default_max_length=None,
    ),
    ItemType(
        name="date",
        storage=ISO_DATE,
        check=check_iso_date,
        widget="date_picker",
        loader_kind="date",
        export="text",
        options="none",
        live_meeting=False,
        derived=False,
        default_max_length=None,
    ),
    ItemType(
        name="tick",
        storage=YES_NO,
        check=check_yes_no,
        widget="tick_box",
        loader_kind="bool",
        export="text",
        options="none",
        live_meeting=False,
        derived=False,
        default_max_length=None,
    ),
    ItemType(
        name="checkpoint",
        storage=ISO_TIMESTAMP,
        check=check_tick_time,
        widget="tick_box",
        loader_kind="datetime",
        export="text",
        options="none",
        live_meeting=True,
        derived=False,
        default_max_length=None,
    ),
    ItemType(
        name="prompt",
        storage=TEXT,
        check=check_text_length,
        widget="text_area",
        loader_kind="text",
        export="free_text",
        options="none",
        live_meeting=True,
        derived=False,
        default_max_length=2000,
    ),
    ItemType(
        name="timestamp",
        storage=ISO_TIMESTAMP,
        check=check_timestamp,
        widget=None,
        loader_kind="datetime",
        export="text",
        options="none",
        live_meeting=False,
        derived=True,
        default_max_length=None,
    ),
    ItemType(
        name="seconds",
        storage=SECONDS,
        check=check_seconds,
        widget=None,
        loader_kind="number",
        export="number",
        options="none",
        live_meeting=False,
        derived=True,
        default_max_length=None,
    ),
)

ITEM_TYPE_TABLE: Mapping[str, ItemType] = MappingProxyType({row.name: row for row in _ROWS})
if len(ITEM_TYPE_TABLE) != len(_ROWS):  # pragma: no cover - a programming error
    raise ValueError("the item-type table names a type twice")

# Types a YAML item may have, in table order; derived ones only appear in the codebook.
ITEM_TYPES: tuple[str, ...] = tuple(r.name for r in _ROWS if not r.derived)
DERIVED_TYPES: tuple[str, ...] = tuple(r.name for r in _ROWS if r.derived)
FREE_TEXT_TYPES: tuple[str, ...] = tuple(r.name for r in _ROWS if r.free_text)
LIVE_MEETING_TYPES: tuple[str, ...] = tuple(r.name for r in _ROWS if r.live_meeting)
DEFAULT_MAX_LENGTH: Mapping[str, int] = MappingProxyType(
    {r.name: r.default_max_length for r in _ROWS if r.default_max_length is not None}
)


def item_type(name: str) -> ItemType:
    """The row for ``name``; an unknown name says which ones exist."""
    try:
        return ITEM_TYPE_TABLE[name]
    except KeyError:
        raise KeyError(
            f"unknown item type {name!r} (known types: {', '.join(ITEM_TYPE_TABLE)})"
        ) from None


def loader_kinds() -> dict[str, LoaderKind]:
    """Item type -> how the analysis loader types its column."""
    return {name: row.loader_kind for name, row in ITEM_TYPE_TABLE.items()}


def types_exported_as(rule: ExportRule) -> frozenset[str]:
    """The item types the program export treats by ``rule``."""
    return frozenset(name for name, row in ITEM_TYPE_TABLE.items() if row.export == rule)


def widget_kinds() -> frozenset[str]:
    """Every widget kind a form must be able to build (see ``widgets.forms.fields``)."""
    return frozenset(row.widget for row in ITEM_TYPE_TABLE.values() if row.widget is not None)
