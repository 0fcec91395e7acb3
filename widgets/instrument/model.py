"""The instrument's forms, sections and items, as read from one YAML file each.

The instrument is data so that a new question is a YAML edit, not code, and so that the
forms, the codebook and the analysis labels all come from the same source. Everything is
checked when it is loaded: a typo in a key or a missing choice list is refused with the
file, the item and the problem named, instead of surfacing later as a broken form in the
middle of a meeting. What each item type allows comes from the item-type table
(:mod:`widgets.instrument.item_types`); the whole instrument, with the checks across
forms, is :class:`widgets.instrument.instrument.Instrument`.
"""

from __future__ import annotations

import math
import re
from typing import Any

from pydantic import ConfigDict, Field, ValidationInfo, field_validator, model_validator

from widgets.instrument.content import CardRow, FollowupContext, HuddleReminder, SummarySpec
from widgets.instrument.item_types import (
    DEFAULT_MAX_LENGTH,
    ITEM_TYPES,
    LIVE_MEETING_TYPES,
    item_type,
)
from widgets.instrument.rules import (
    ITEM_ROLES,
    MAX_LENGTH_LIMIT,
    MEETING_FORM,
    MEETING_NUMBERS,
    NAME_PLACEHOLDER,
    NEVER_SHAREABLE,
    FrozenModel,
    check_id,
    check_meeting_number,
    check_meetings,
    check_name_only,
    check_plain,
    fill_name,
)

__all__ = ["YES_NO_CHOICES", "Choice", "Form", "Item", "Section"]

_VALUE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_]*$")


class Choice(FrozenModel):
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


YES_NO_CHOICES: tuple[Choice, ...] = (
    Choice(value="yes", label="Yes"),
    Choice(value="no", label="No"),
)


class Item(FrozenModel):
    """One question, prompt or checkpoint, under the stable id analysts depend on."""

    id: str
    type: str
    wording: str
    tip: str
    required: bool = False
    shareable: bool = False
    role: str | None = None
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
        return check_id(value)

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
        return check_name_only(value, "wording")

    @field_validator("tip")
    @classmethod
    def _tip_not_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("'tip' must not be empty: every item carries a coach tip")
        return check_plain(value, "tip")

    @field_validator("placeholder")
    @classmethod
    def _placeholder_plain(cls, value: str) -> str:
        return check_plain(value, "placeholder")

    @field_validator("meetings")
    @classmethod
    def _meetings_valid(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        return check_meetings(value)

    @field_validator("max_length")
    @classmethod
    def _max_length_bounded(cls, value: int | None) -> int | None:
        if value is not None and value < 1:
            raise ValueError(f"'max_length' must be at least 1, got {value}")
        if value is not None and value > MAX_LENGTH_LIMIT:
            raise ValueError(
                f"'max_length' {value} is above the limit of {MAX_LENGTH_LIMIT} characters"
            )
        return value

    @field_validator("role")
    @classmethod
    def _known_role(cls, value: str | None) -> str | None:
        if value is not None and value not in ITEM_ROLES:
            raise ValueError(f"unknown role {value!r} (known roles: {', '.join(ITEM_ROLES)})")
        return value

    @model_validator(mode="after")
    def _consistent_with_type(self) -> Item:
        kind, row = self.type, item_type(self.type)
        if row.options == "choices":
            if not self.choices:
                raise ValueError(f"type {kind!r} needs a non-empty 'choices' list")
            values = [choice.value for choice in self.choices]
            repeated = sorted({v for v in values if values.count(v) > 1})
            if repeated:
                raise ValueError(f"choice value(s) {repeated} appear more than once")
        elif self.choices:
            hint = " (yes_no always offers yes/no)" if row.options == "yes_no" else ""
            raise ValueError(f"type {kind!r} takes no 'choices'{hint}")

        if row.options == "scale":
            self._check_scale()
        elif self.scale_min is not None or self.scale_max is not None or self.scale_labels:
            raise ValueError(f"type {kind!r} takes no 'scale_min', 'scale_max' or 'scale_labels'")

        if not row.free_text:
            if self.max_length is not None:
                raise ValueError(f"type {kind!r} takes no 'max_length' (free text only)")
            if self.placeholder:
                raise ValueError(f"type {kind!r} takes no 'placeholder' (free text only)")

        if self.role is not None and kind not in ITEM_ROLES[self.role].types:
            allowed = ", ".join(ITEM_ROLES[self.role].types)
            raise ValueError(f"role {self.role!r} needs an item of type {allowed}, not {kind!r}")

        if self.shareable and self.id in NEVER_SHAREABLE:
            raise ValueError(
                f"{self.id!r} is confidential and can never be 'shareable' "
                "(it must not appear while the manager is present)"
            )
        return self

    def _check_scale(self) -> None:
        low, high = self.scale_min, self.scale_max
        if low is None or high is None:
            raise ValueError("type 'scale' needs 'scale_min' and 'scale_max'")
        if low < 0:
            raise ValueError(f"'scale_min' must be 0 or more, got {low}")
        if low >= high:
            raise ValueError(f"'scale_min' ({low}) must be below 'scale_max' ({high})")
        outside = [k for k in self.scale_labels if not low <= k <= high]
        if outside:
            raise ValueError(f"'scale_labels' {outside} lie outside {low}..{high}")

    def __hash__(self) -> int:
        # The generated hash would fail on the scale_labels dict; the id and wording are
        # enough to keep equal items equal in hash.
        return hash((self.id, self.type, self.wording))

    @property
    def free_text(self) -> bool:
        return item_type(self.type).free_text

    def text(self, name: str) -> str:
        """Wording with the coachee's first name; `replace` so braces in a name are harmless."""
        text = fill_name(self.wording, name)
        if self.wording.startswith(NAME_PLACEHOLDER):
            # "{name} thanks the manager" must not become "the coachee thanks the manager".
            text = text[:1].upper() + text[1:]
        return text

    def options(self) -> tuple[Choice, ...]:
        """Every answer the item offers, including the implicit ones of yes_no and scale."""
        offered = item_type(self.type).options
        if offered == "yes_no":
            return YES_NO_CHOICES
        if offered == "scale" and self.scale_min is not None and self.scale_max is not None:
            return tuple(
                Choice(value=str(n), label=self.scale_labels.get(n, str(n)))
                for n in range(self.scale_min, self.scale_max + 1)
            )
        return self.choices

    def choice_values(self) -> tuple[str, ...]:
        return tuple(choice.value for choice in self.options())

    def problem(self, value: str) -> str | None:
        """What is wrong with ``value`` as stored for this item (``None``: fine, or empty)."""
        return item_type(self.type).check(self, value) if value else None


class Section(FrozenModel):
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
        return check_id(value, "section id")

    @field_validator("title")
    @classmethod
    def _title_plain(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("'title' must not be empty")
        return check_plain(value, "title")

    @field_validator("intro")
    @classmethod
    def _intro_plain(cls, value: str) -> str:
        return check_plain(value, "intro")

    @field_validator("minutes")
    @classmethod
    def _minutes_positive(cls, value: float | None) -> float | None:
        if value is not None and not value > 0:
            raise ValueError(f"'minutes' must be more than 0, got {value}")
        return value

    @field_validator("meetings")
    @classmethod
    def _meetings_valid(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        return check_meetings(value)

    @field_validator("condition")
    @classmethod
    def _condition_format(cls, value: str | None) -> str | None:
        return None if value is None else check_id(value, "condition")

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
        check_meeting_number(meeting_number)
        return meeting_number in self.meetings and bool(self.items_for(meeting_number))

    def items_for(self, meeting_number: int) -> tuple[Item, ...]:
        check_meeting_number(meeting_number)
        if meeting_number not in self.meetings:
            return ()
        return tuple(item for item in self.items if meeting_number in item.meetings)


class Form(FrozenModel):
    """One screen of the kit (checklist, prep, meeting, debrief) and the content its
    file declares for the apps: see :mod:`widgets.instrument.content`."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    id: str = Field(alias="form")
    title: str
    intro: str
    total_minutes: int | None = None
    sections: tuple[Section, ...]
    card: tuple[CardRow, ...] = ()
    followup_context: FollowupContext | None = None
    huddle_reminder: HuddleReminder | None = None
    summary: SummarySpec | None = None

    @field_validator("id")
    @classmethod
    def _id_format(cls, value: str) -> str:
        return check_id(value, "form id")

    @field_validator("title", "intro")
    @classmethod
    def _text_plain(cls, value: str, info: ValidationInfo) -> str:
        if not value.strip():
            raise ValueError(f"{info.field_name!r} must not be empty")
        return check_plain(value, info.field_name or "text")

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
        if self.id == MEETING_FORM:
            self._check_live_types()
        if self.total_minutes is not None:
            self._check_budgets(self.total_minutes)
        return self

    def _check_live_types(self) -> None:
        # The live meeting builds a view per prompt and per checkpoint only; anything
        # else would load fine and then break Start in front of the manager.
        for section in self.sections:
            for item in section.items:
                if item.type not in LIVE_MEETING_TYPES:
                    raise ValueError(
                        f"item {item.id!r} (section {section.id!r}): type {item.type!r} "
                        "cannot be shown in the live meeting, which runs only "
                        f"{', '.join(LIVE_MEETING_TYPES)} items"
                    )

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

    def has_item(self, item_id: str) -> bool:
        return any(item.id == item_id for item in self.all_items)

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

    def meetings_of(self, item_id: str) -> tuple[int, ...]:
        """The meetings in which the item is asked: its own, within its section's."""
        section = self.section_of(item_id)
        item = self.item(item_id)
        return tuple(n for n in section.meetings if n in item.meetings)
