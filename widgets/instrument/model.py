"""The alignment meeting instrument: forms, sections and items, read from YAML.

The instrument is data so that a new question is a YAML edit, not code, and so that the
forms, the codebook and the analysis labels all come from the same source. Everything is
checked when it is loaded: a typo in a key or a missing choice list is refused with the
file, the item and the problem named, instead of surfacing later as a broken form in the
middle of a meeting.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from widgets.errors import SettingsError

__all__ = [
    "CONDITION_FORM",
    "DEFAULT_INSTRUMENT_DIR",
    "DEFAULT_MAX_LENGTH",
    "DERIVED_TYPES",
    "FREE_TEXT_TYPES",
    "ITEM_TYPES",
    "MEETING_FORM",
    "MEETING_NUMBERS",
    "NEVER_SHAREABLE",
    "Choice",
    "CodebookEntry",
    "Form",
    "Instrument",
    "InstrumentError",
    "Item",
    "Section",
    "derived_meeting_items",
    "load_instrument",
]

ITEM_TYPES: tuple[str, ...] = (
    "text",
    "long_text",
    "choice",
    "several",
    "scale",
    "yes_no",
    "date",
    "tick",
    "checkpoint",
    "prompt",
)
FREE_TEXT_TYPES: tuple[str, ...] = ("text", "long_text", "prompt")
DEFAULT_MAX_LENGTH: Mapping[str, int] = {"text": 200, "long_text": 2000, "prompt": 2000}

# Types that only appear in the codebook: values the live meeting records on its own.
DERIVED_TYPES: tuple[str, ...] = ("timestamp", "seconds")

MEETING_NUMBERS: tuple[int, ...] = (1, 2)

# The form whose yes/no answers decide whether a conditional section runs.
CONDITION_FORM = "prep"
# The form run live with a timer per section; it records timings and asked prompts.
MEETING_FORM = "meeting"

# Confidential by nature: a YAML edit must never be able to put these on the meeting
# screen or in a summary, so the loader refuses `shareable: true` on them.
NEVER_SHAREABLE: frozenset[str] = frozenset(
    {"off_limits", "concerns", "concern_plan", "perception", "mindset", "text_consent"}
)

DEFAULT_INSTRUMENT_DIR = Path(__file__).resolve().parent / "data"

_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
_VALUE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_NAME_PLACEHOLDER = "{name}"
_NAME_FALLBACK = "the coachee"
_MANIFEST = "instrument.yaml"


class InstrumentError(SettingsError, ValueError):
    """The instrument files cannot be used; the message says which file, where, and why."""


def _check_id(value: str, what: str = "id") -> str:
    if not _ID_PATTERN.fullmatch(value):
        raise ValueError(
            f"{what} {value!r} is not valid: use lowercase letters, digits and underscores, "
            "starting with a letter"
        )
    return value


def _check_version(value: str) -> str:
    if not re.fullmatch(r"\d+\.\d+\.\d+", value):
        raise ValueError(f"version {value!r} must look like 1.0.0 (major.minor.patch)")
    return value


def _check_meetings(value: tuple[int, ...]) -> tuple[int, ...]:
    if not value:
        raise ValueError(f"'meetings' must list at least one of {list(MEETING_NUMBERS)}")
    unknown = [n for n in value if n not in MEETING_NUMBERS]
    if unknown:
        raise ValueError(f"'meetings' may only contain {list(MEETING_NUMBERS)}, got {list(value)}")
    if len(set(value)) != len(value):
        raise ValueError(f"'meetings' lists a meeting twice: {list(value)}")
    return tuple(sorted(value))


def _check_meeting_number(meeting_number: int) -> None:
    if meeting_number not in MEETING_NUMBERS:
        raise ValueError(
            f"meeting_number must be one of {list(MEETING_NUMBERS)}, got {meeting_number!r}"
        )


def _check_plain(value: str, field: str) -> str:
    """Refuse placeholders where nothing fills them, so `{name}` never reaches a screen raw."""
    found = _PLACEHOLDER.search(value)
    if found:
        raise ValueError(
            f"{field!r} contains {found.group()!r}, but placeholders are only filled in 'wording'"
        )
    return value


def _join_meetings(meetings: Iterable[int]) -> str:
    return ";".join(str(n) for n in sorted(set(meetings)))


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Choice(_Frozen):
    """One answer option; `value` is what the CSV stores, `label` what people read."""

    value: str
    label: str

    @field_validator("value")
    @classmethod
    def _value_format(cls, value: str) -> str:
        # Values land in CSV cells and analysis code; keep them boring.
        if not _VALUE_PATTERN.fullmatch(value):
            raise ValueError(
                f"choice value {value!r} is not valid: use lowercase letters, digits and "
                "underscores"
            )
        return value

    @field_validator("label")
    @classmethod
    def _label_not_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("choice label must not be empty")
        return value


_YES_NO_CHOICES: tuple[Choice, ...] = (
    Choice(value="yes", label="Yes"),
    Choice(value="no", label="No"),
)


class Item(_Frozen):
    """One question, prompt or checkpoint, under the stable id analysts depend on."""

    id: str
    type: str
    wording: str
    tip: str
    required: bool = False
    shareable: bool = False
    choices: tuple[Choice, ...] = ()
    scale_min: int | None = None
    scale_max: int | None = None
    scale_labels: dict[int, str] = Field(default_factory=dict)
    max_length: int | None = None
    meetings: tuple[int, ...] = MEETING_NUMBERS
    placeholder: str = ""

    @model_validator(mode="before")
    @classmethod
    def _fill_max_length(cls, data: Any) -> Any:
        # Filled here rather than in the widgets so every consumer (forms, store, exports)
        # enforces the same limit without knowing the defaults.
        if isinstance(data, dict) and data.get("max_length") is None:
            kind = data.get("type")
            if isinstance(kind, str) and kind in DEFAULT_MAX_LENGTH:
                data = {**data, "max_length": DEFAULT_MAX_LENGTH[kind]}
        return data

    @field_validator("id")
    @classmethod
    def _id_format(cls, value: str) -> str:
        return _check_id(value)

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in ITEM_TYPES:
            raise ValueError(f"unknown type {value!r} (known types: {', '.join(ITEM_TYPES)})")
        return value

    @field_validator("wording")
    @classmethod
    def _wording_placeholders(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("'wording' must not be empty")
        for found in _PLACEHOLDER.findall(value):
            if found != _NAME_PLACEHOLDER:
                raise ValueError(
                    f"'wording' contains {found!r}; the only placeholder is {_NAME_PLACEHOLDER}"
                )
        return value

    @field_validator("tip")
    @classmethod
    def _tip_not_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("'tip' must not be empty: every item carries a coach tip")
        return _check_plain(value, "tip")

    @field_validator("placeholder")
    @classmethod
    def _placeholder_plain(cls, value: str) -> str:
        return _check_plain(value, "placeholder")

    @field_validator("meetings")
    @classmethod
    def _meetings_valid(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        return _check_meetings(value)

    @field_validator("max_length")
    @classmethod
    def _max_length_positive(cls, value: int | None) -> int | None:
        if value is not None and value < 1:
            raise ValueError(f"'max_length' must be at least 1, got {value}")
        return value

    @model_validator(mode="after")
    def _consistent_with_type(self) -> Item:
        kind = self.type
        if kind in ("choice", "several"):
            if not self.choices:
                raise ValueError(f"type {kind!r} needs a non-empty 'choices' list")
            values = [choice.value for choice in self.choices]
            repeated = sorted({v for v in values if values.count(v) > 1})
            if repeated:
                raise ValueError(f"choice value(s) {repeated} appear more than once")
        elif self.choices:
            hint = " (yes_no always offers yes/no)" if kind == "yes_no" else ""
            raise ValueError(f"type {kind!r} takes no 'choices'{hint}")

        scale_fields = self.scale_min, self.scale_max
        if kind == "scale":
            if self.scale_min is None or self.scale_max is None:
                raise ValueError("type 'scale' needs 'scale_min' and 'scale_max'")
            if self.scale_min < 0:
                raise ValueError(f"'scale_min' must be 0 or more, got {self.scale_min}")
            if self.scale_min >= self.scale_max:
                raise ValueError(
                    f"'scale_min' ({self.scale_min}) must be below 'scale_max' ({self.scale_max})"
                )
            outside = [k for k in self.scale_labels if not self.scale_min <= k <= self.scale_max]
            if outside:
                raise ValueError(
                    f"'scale_labels' {outside} lie outside {self.scale_min}..{self.scale_max}"
                )
        elif any(v is not None for v in scale_fields) or self.scale_labels:
            raise ValueError(f"type {kind!r} takes no 'scale_min', 'scale_max' or 'scale_labels'")

        if kind not in FREE_TEXT_TYPES:
            if self.max_length is not None:
                raise ValueError(f"type {kind!r} takes no 'max_length' (free text only)")
            if self.placeholder:
                raise ValueError(f"type {kind!r} takes no 'placeholder' (free text only)")

        if self.shareable and self.id in NEVER_SHAREABLE:
            raise ValueError(
                f"{self.id!r} is confidential and can never be 'shareable' "
                "(it must not appear while the manager is present)"
            )
        return self

    def __hash__(self) -> int:
        # The generated hash would fail on the scale_labels dict; the id and wording are
        # enough to keep equal items equal in hash.
        return hash((self.id, self.type, self.wording))

    @property
    def free_text(self) -> bool:
        return self.type in FREE_TEXT_TYPES

    def text(self, name: str) -> str:
        """Wording with the coachee's first name; `replace` so braces in a name are harmless."""
        shown = name.strip() or _NAME_FALLBACK
        text = self.wording.replace(_NAME_PLACEHOLDER, shown)
        if self.wording.startswith(_NAME_PLACEHOLDER):
            # "{name} thanks the manager" must not become "the coachee thanks the manager".
            text = text[:1].upper() + text[1:]
        return text

    def options(self) -> tuple[Choice, ...]:
        """Every answer the item offers, including the implicit ones of yes_no and scale."""
        if self.type == "yes_no":
            return _YES_NO_CHOICES
        if self.type == "scale" and self.scale_min is not None and self.scale_max is not None:
            return tuple(
                Choice(value=str(n), label=self.scale_labels.get(n, str(n)))
                for n in range(self.scale_min, self.scale_max + 1)
            )
        return self.choices

    def choice_values(self) -> tuple[str, ...]:
        return tuple(choice.value for choice in self.options())


class Section(_Frozen):
    """A part of a form; in the meeting, an agenda part with its own time budget."""

    id: str
    title: str
    intro: str = ""
    minutes: float | None = None
    meetings: tuple[int, ...] = MEETING_NUMBERS
    condition: str | None = None
    items: tuple[Item, ...]

    @field_validator("id")
    @classmethod
    def _id_format(cls, value: str) -> str:
        return _check_id(value, "section id")

    @field_validator("title")
    @classmethod
    def _title_plain(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("'title' must not be empty")
        return _check_plain(value, "title")

    @field_validator("intro")
    @classmethod
    def _intro_plain(cls, value: str) -> str:
        return _check_plain(value, "intro")

    @field_validator("minutes")
    @classmethod
    def _minutes_positive(cls, value: float | None) -> float | None:
        if value is not None and not value > 0:
            raise ValueError(f"'minutes' must be more than 0, got {value}")
        return value

    @field_validator("meetings")
    @classmethod
    def _meetings_valid(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        return _check_meetings(value)

    @field_validator("condition")
    @classmethod
    def _condition_format(cls, value: str | None) -> str | None:
        return None if value is None else _check_id(value, "condition")

    @model_validator(mode="after")
    def _items_reachable(self) -> Section:
        if not self.items:
            raise ValueError("a section needs at least one item")
        for item in self.items:
            if not set(item.meetings) & set(self.meetings):
                raise ValueError(
                    f"item {item.id!r}: meetings {list(item.meetings)} never overlap the "
                    f"section's meetings {list(self.meetings)}, so it would never be shown"
                )
        return self

    @property
    def budget_seconds(self) -> int | None:
        # round, not int: 4.1 * 60 is 245.99999999999997 in floating point.
        return None if self.minutes is None else round(self.minutes * 60)

    def runs_in(self, meeting_number: int) -> bool:
        _check_meeting_number(meeting_number)
        return meeting_number in self.meetings and bool(self.items_for(meeting_number))

    def items_for(self, meeting_number: int) -> tuple[Item, ...]:
        _check_meeting_number(meeting_number)
        if meeting_number not in self.meetings:
            return ()
        return tuple(item for item in self.items if meeting_number in item.meetings)


class Form(_Frozen):
    """One screen of the kit: the checklist, the prep, the meeting or the debrief."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    id: str = Field(alias="form")
    title: str
    intro: str
    total_minutes: int | None = None
    sections: tuple[Section, ...]

    @field_validator("id")
    @classmethod
    def _id_format(cls, value: str) -> str:
        return _check_id(value, "form id")

    @field_validator("title", "intro")
    @classmethod
    def _text_plain(cls, value: str, info: ValidationInfo) -> str:
        if not value.strip():
            raise ValueError(f"{info.field_name!r} must not be empty")
        return _check_plain(value, info.field_name or "text")

    @field_validator("total_minutes")
    @classmethod
    def _total_positive(cls, value: int | None) -> int | None:
        if value is not None and value < 1:
            raise ValueError(f"'total_minutes' must be at least 1, got {value}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Form:
        if not self.sections:
            raise ValueError("a form needs at least one section")
        section_seen: set[str] = set()
        item_home: dict[str, str] = {}
        for section in self.sections:
            if section.id in section_seen:
                raise ValueError(f"section {section.id!r}: section id used twice")
            section_seen.add(section.id)
            for item in section.items:
                if item.id in item_home:
                    raise ValueError(
                        f"item {item.id!r} (section {section.id!r}): duplicate item id, "
                        f"already used in section {item_home[item.id]!r}"
                    )
                item_home[item.id] = section.id
        if self.total_minutes is not None:
            self._check_budgets(self.total_minutes)
        return self

    def _check_budgets(self, total: int) -> None:
        # A timer that promises 30 minutes must add up to 30 in every meeting it runs.
        for section in self.sections:
            if section.minutes is None:
                raise ValueError(
                    f"section {section.id!r}: needs 'minutes' because the form has "
                    f"total_minutes {total}"
                )
        for number in MEETING_NUMBERS:
            parts = self.sections_for(number)
            if not parts:
                continue
            spent = sum(section.minutes or 0.0 for section in parts)
            if not math.isclose(spent, total, abs_tol=1e-6):
                detail = " + ".join(f"{s.id} {s.minutes:g}" for s in parts)
                raise ValueError(
                    f"section minutes for meeting {number} add up to {spent:g} ({detail}), "
                    f"not total_minutes {total}"
                )

    def sections_for(self, meeting_number: int) -> tuple[Section, ...]:
        """Sections that have something to show in that meeting (conditions not applied)."""
        return tuple(s for s in self.sections if s.runs_in(meeting_number))

    def items_for(self, meeting_number: int) -> tuple[Item, ...]:
        return tuple(
            item
            for section in self.sections_for(meeting_number)
            for item in section.items_for(meeting_number)
        )

    @property
    def all_items(self) -> tuple[Item, ...]:
        return tuple(item for section in self.sections for item in section.items)

    def item(self, item_id: str) -> Item:
        for item in self.all_items:
            if item.id == item_id:
                return item
        raise KeyError(
            f"form {self.id!r} has no item {item_id!r}; "
            f"its items are: {', '.join(i.id for i in self.all_items)}"
        )

    def section_of(self, item_id: str) -> Section:
        for section in self.sections:
            if any(item.id == item_id for item in section.items):
                return section
        raise KeyError(f"form {self.id!r} has no item {item_id!r}")


@dataclass(frozen=True)
class CodebookEntry:
    """One row of the codebook: what a stored value means and where it came from."""

    item_id: str
    form: str
    section: str
    wording: str
    type: str
    choices: str
    instrument_version: str
    meetings: str
    free_text: bool
    shareable: bool


def _format_choices(options: Sequence[Choice]) -> str:
    return "; ".join(
        choice.value if choice.label == choice.value else f"{choice.value}={choice.label}"
        for choice in options
    )


def _yaml_entry(form: Form, section: Section, item: Item, version: str) -> CodebookEntry:
    return CodebookEntry(
        item_id=item.id,
        form=form.id,
        section=section.id,
        wording=item.wording,
        type=item.type,
        choices=_format_choices(item.options()),
        instrument_version=version,
        meetings=_join_meetings(set(item.meetings) & set(section.meetings)),
        free_text=item.free_text,
        shareable=item.shareable,
    )


def derived_meeting_items(
    form: Form, meeting_number: int, *, version: str = ""
) -> tuple[CodebookEntry, ...]:
    """The values a live form records beyond its YAML items, in one place.

    The meeting app, the store and the codebook must agree on these names, so they are
    derived here from the form rather than written out in each of them:

    - the meeting form: `meeting_started_at`, `meeting_ended_at`, `meeting_seconds`; per
      section `<section>_started_at`, `<section>_ended_at`, `<section>_seconds` (actual),
      `<section>_budget_seconds`, and `<section>_skipped` for a conditional section; per
      prompt `<prompt>_asked`. (A checkpoint's own value is the time it was ticked.)
    - any other form with `total_minutes` (the debrief): `<form>_started_at`,
      `<form>_ended_at`, `<form>_seconds`.
    - forms without a clock record nothing extra.
    """
    _check_meeting_number(meeting_number)
    entries: list[CodebookEntry] = []

    def add(
        item_id: str,
        section: str,
        wording: str,
        kind: str,
        meetings: Iterable[int],
        choices: str = "",
    ) -> None:
        entries.append(
            CodebookEntry(
                item_id=item_id,
                form=form.id,
                section=section,
                wording=wording,
                type=kind,
                choices=choices,
                instrument_version=version,
                meetings=_join_meetings(meetings),
                free_text=False,
                shareable=False,
            )
        )

    live = form.id == MEETING_FORM
    if not live and form.total_minutes is None:
        return ()
    everywhere = sorted({n for s in form.sections for n in s.meetings})
    noun = "meeting" if live else form.id
    add(f"{form.id}_started_at", form.id, f"When the {noun} started", "timestamp", everywhere)
    add(f"{form.id}_ended_at", form.id, f"When the {noun} ended", "timestamp", everywhere)
    add(
        f"{form.id}_seconds",
        form.id,
        f"How long the {noun} took, in seconds",
        "seconds",
        everywhere,
    )
    if not live:
        return tuple(entries)

    yes_no = _format_choices(_YES_NO_CHOICES)
    for section in form.sections_for(meeting_number):
        sid, title, runs = section.id, section.title, section.meetings
        add(f"{sid}_started_at", sid, f"When the '{title}' part started", "timestamp", runs)
        for item in section.items_for(meeting_number):
            if item.type == "prompt":
                add(
                    f"{item.id}_asked",
                    sid,
                    f"Was this prompt asked: {item.wording}",
                    "yes_no",
                    set(item.meetings) & set(runs),
                    yes_no,
                )
        add(f"{sid}_ended_at", sid, f"When the '{title}' part ended", "timestamp", runs)
        add(f"{sid}_seconds", sid, f"How long the '{title}' part took, in seconds", "seconds", runs)
        add(
            f"{sid}_budget_seconds",
            sid,
            f"Time budget for the '{title}' part, in seconds",
            "seconds",
            runs,
        )
        if section.condition is not None:
            add(
                f"{sid}_skipped",
                sid,
                f"Was the '{title}' part skipped ({section.condition} was not answered yes)",
                "yes_no",
                runs,
                yes_no,
            )
    return tuple(entries)


class Instrument(_Frozen):
    """All forms of one released version; the version is stamped on every stored answer."""

    version: str
    forms: dict[str, Form]

    @field_validator("version")
    @classmethod
    def _version_format(cls, value: str) -> str:
        return _check_version(value)

    @model_validator(mode="after")
    def _consistent(self) -> Instrument:
        if not self.forms:
            raise ValueError(f"{_MANIFEST}: 'forms' must list at least one form")
        for key, form in self.forms.items():
            if key != form.id:
                raise ValueError(f"{key}.yaml: says 'form: {form.id}', expected 'form: {key}'")
        self._check_conditions()
        self._check_unique_ids()
        return self

    def _check_conditions(self) -> None:
        for form in self.forms.values():
            for section in form.sections:
                if section.condition is None:
                    continue
                where = f"{form.id}.yaml: section {section.id!r}"
                source = self.forms.get(CONDITION_FORM)
                target = None
                if source is not None:
                    target = next((i for i in source.all_items if i.id == section.condition), None)
                if target is None:
                    raise ValueError(
                        f"{where}: unknown condition {section.condition!r} "
                        f"(it must name a yes_no item of the {CONDITION_FORM!r} form)"
                    )
                if target.type != "yes_no":
                    raise ValueError(
                        f"{where}: condition {section.condition!r} is a {target.type!r} item; "
                        "it must be a yes_no item"
                    )

    def _check_unique_ids(self) -> None:
        # Unique across the whole instrument, derived names included, so that an item_id
        # alone identifies a value in the long-format CSV and in the codebook.
        home: dict[str, str] = {}
        for form in self.forms.values():
            for section in form.sections:
                for item in section.items:
                    here = f"{form.id}.yaml: item {item.id!r} (section {section.id!r})"
                    if item.id in home:
                        raise ValueError(f"{here}: id already used in {home[item.id]}")
                    home[item.id] = f"{form.id}.yaml (section {section.id!r})"
        derived: dict[str, CodebookEntry] = {}
        for form in self.forms.values():
            for number in MEETING_NUMBERS:
                for entry in derived_meeting_items(form, number):
                    name = entry.item_id
                    if name in home:
                        raise ValueError(
                            f"{home[name].split(' ')[0]}: item {name!r}: id clashes with a "
                            f"value the kit records itself for {form.id} part "
                            f"{entry.section!r}; choose another id"
                        )
                    earlier = derived.setdefault(name, entry)
                    if earlier != entry:
                        raise ValueError(
                            f"{form.id}.yaml: section {entry.section!r}: the kit would record "
                            f"{name!r} for both {earlier.section!r} and {entry.section!r}; "
                            "rename the section"
                        )

    def __hash__(self) -> int:
        # Lets callers cache per instrument (the generated hash fails on the forms dict).
        return hash((self.version, tuple(self.forms)))

    def form(self, form_id: str) -> Form:
        try:
            return self.forms[form_id]
        except KeyError:
            raise KeyError(
                f"no form {form_id!r} in instrument {self.version}; "
                f"known forms: {', '.join(self.forms)}"
            ) from None

    def codebook(self) -> tuple[CodebookEntry, ...]:
        """Every stored value, YAML items and derived ones, in form order."""
        entries: list[CodebookEntry] = []
        for form in self.forms.values():
            for section in form.sections:
                for item in section.items:
                    entries.append(_yaml_entry(form, section, item, self.version))
            merged: dict[str, CodebookEntry] = {}
            for number in MEETING_NUMBERS:
                for entry in derived_meeting_items(form, number, version=self.version):
                    merged.setdefault(entry.item_id, entry)
            # Meeting 2's sections would otherwise trail after meeting 1's close.
            position = {section.id: index for index, section in enumerate(form.sections)}
            entries.extend(sorted(merged.values(), key=lambda e: position.get(e.section, -1)))
        return tuple(entries)


# --- loading -----------------------------------------------------------------------------


class _Manifest(_Frozen):
    version: str
    forms: tuple[str, ...]

    @field_validator("version")
    @classmethod
    def _version_format(cls, value: str) -> str:
        return _check_version(value)

    @field_validator("forms")
    @classmethod
    def _form_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            _check_id(name, "form id")
        repeated = sorted({n for n in value if value.count(n) > 1})
        if repeated:
            raise ValueError(f"'forms' lists {repeated} more than once")
        return value


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses repeated keys, which PyYAML would silently overwrite."""


def _construct_unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Any:
    loader.flatten_mapping(node)
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        try:
            first = seen.get(key)
        except TypeError:  # unhashable key: let PyYAML report it
            continue
        if first is not None:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first given on line {first + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping
)


def _read_yaml(path: Path) -> dict[str, Any]:
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InstrumentError(f"{name}: file not found in {path.parent}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InstrumentError(f"{name}: cannot be read ({exc})") from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader: no arbitrary objects
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InstrumentError(f"{name}: YAML syntax error{where}: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise InstrumentError(f"{name}: YAML syntax error: {exc}") from None
    if not isinstance(data, dict):
        got = "an empty file" if data is None else type(data).__name__
        raise InstrumentError(f"{name}: expected a mapping of keys at the top, got {got}")
    return data


def _allowed_keys(model: type[BaseModel]) -> list[str]:
    return [info.alias or field for field, info in model.model_fields.items()]


def _path_text(parts: Sequence[Any]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _label(kind: str, node: Any, index: int) -> str:
    if isinstance(node, dict) and isinstance(node.get("id"), str):
        return f"{kind} {node['id']!r}"
    return f"{kind} #{index + 1}"


def _pick(container: Any, key: str, index: Any) -> Any:
    if isinstance(container, dict):
        seq = container.get(key)
        if isinstance(seq, list) and isinstance(index, int) and 0 <= index < len(seq):
            return seq[index]
    return None


def _describe_error(error: Mapping[str, Any], raw: Any) -> str:
    """Turn one pydantic error into 'item 'x' (section 'y'): problem' using the raw YAML."""
    loc = tuple(error.get("loc", ()))
    where = ""
    model: type[BaseModel] = Form
    rest = loc
    if len(loc) >= 2 and loc[0] == "sections" and isinstance(loc[1], int):
        section_raw = _pick(raw, "sections", loc[1])
        section_label = _label("section", section_raw, loc[1])
        where, model, rest = section_label, Section, loc[2:]
        if len(loc) >= 4 and loc[2] == "items" and isinstance(loc[3], int):
            item_raw = _pick(section_raw, "items", loc[3])
            where = f"{_label('item', item_raw, loc[3])} ({section_label})"
            model, rest = Item, loc[4:]
            if len(rest) >= 2 and rest[0] == "choices" and isinstance(rest[1], int):
                model = Choice

    kind = error.get("type", "")
    field = rest[-1] if rest else None
    if kind == "extra_forbidden" and isinstance(field, str):
        allowed = _allowed_keys(model)
        close = difflib.get_close_matches(field, allowed, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"allowed keys: {', '.join(allowed)}"
        inside = f" in {_path_text(rest[:-1])!r}" if rest[:-1] else ""
        problem = f"unknown key {field!r}{inside} ({hint})"
    elif kind == "missing" and isinstance(field, str):
        inside = f" in {_path_text(rest[:-1])!r}" if rest[:-1] else ""
        problem = f"missing key {field!r}{inside}"
    elif kind in ("model_type", "model_attributes_type", "dict_type"):
        inside = f"{_path_text(rest)!r}: " if rest else ""
        problem = f"{inside}expected a mapping of keys, got {error.get('input')!r:.60}"
    else:
        ctx = error.get("ctx") or {}
        if kind == "value_error" and "error" in ctx:
            problem = str(ctx["error"])
        else:
            shown = repr(error.get("input"))
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            problem = f"{error.get('msg', 'invalid value')} (got {shown})"
        if rest and not problem.startswith(f"'{field}'"):
            problem = f"{_path_text(rest)!r}: {problem}"
    return f"{where}: {problem}" if where else problem


_NAMES_A_FILE = re.compile(r"^[a-z][a-z0-9_]*\.yaml: ")


def _refuse(exc: ValidationError, file_name: str, raw: Any) -> InstrumentError:
    # Cross-form problems already name the form file they are about; keep that one.
    problems = [_describe_error(err, raw) for err in exc.errors()]
    lines = [p if _NAMES_A_FILE.match(p) else f"{file_name}: {p}" for p in problems]
    return InstrumentError("\n".join(lines))


def _load(directory: Path) -> Instrument:
    if not directory.is_dir():
        raise InstrumentError(f"{_MANIFEST}: instrument folder {directory} does not exist")
    manifest_raw = _read_yaml(directory / _MANIFEST)
    try:
        manifest = _Manifest.model_validate(manifest_raw)
    except ValidationError as exc:
        raise _refuse(exc, _MANIFEST, None) from None

    forms: dict[str, Form] = {}
    for form_id in manifest.forms:
        path = directory / f"{form_id}.yaml"
        if not path.is_file():
            raise InstrumentError(
                f"{_MANIFEST}: form {form_id!r} is listed but {path.name} is missing "
                f"from {directory}"
            )
        raw = _read_yaml(path)
        try:
            form = Form.model_validate(raw)
        except ValidationError as exc:
            raise _refuse(exc, path.name, raw) from None
        if form.id != form_id:
            raise InstrumentError(
                f"{path.name}: says 'form: {form.id}', but the file is listed as {form_id!r}; "
                "the form id must match the file name"
            )
        forms[form_id] = form

    try:
        return Instrument(version=manifest.version, forms=forms)
    except ValidationError as exc:
        raise _refuse(exc, _MANIFEST, None) from None


@functools.lru_cache(maxsize=1)
def _load_default() -> Instrument:
    return _load(DEFAULT_INSTRUMENT_DIR)


def load_instrument(directory: Path | None = None) -> Instrument:
    """Load and check the instrument.

    The packaged instrument is parsed once per process (each Voila kernel would otherwise
    re-read five YAML files per form it builds); an explicit folder is always read fresh,
    so tests and trainers can point at edited copies.
    """
    if directory is None:
        return _load_default()
    return _load(Path(directory))
