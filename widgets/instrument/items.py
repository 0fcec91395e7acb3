"""One question of the instrument and its answer options.

An item is what analysts know by its stable id: its wording (with ``{name}`` filled in
for the coachee), its coach tip, and what answers it takes. What each type allows
(choices, a scale, free text with a length limit) comes from the item-type table
(:mod:`widgets.instrument.item_types`), so the checks here never list types.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, field_validator, model_validator

from widgets.instrument.item_types import DEFAULT_MAX_LENGTH, ITEM_TYPES, item_type
from widgets.instrument.rules import (
    ITEM_ROLES,
    MAX_LENGTH_LIMIT,
    MEETING_NUMBERS,
    NAME_PLACEHOLDER,
    NEVER_SHAREABLE,
    FrozenModel,
    check_id,
    check_meetings,
    check_name_only,
    check_plain,
    fill_name,
)
from widgets.instrument.visibility import COACHEE_ONLY, VISIBILITY_LEVELS, Visibility, reaches

__all__ = ["YES_NO_CHOICES", "Choice", "Item"]

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
    # Who may see the answer (:mod:`widgets.instrument.visibility`); private by default so
    # an item nobody has decided about never leaves the coach's machine.
    visibility: Visibility = COACHEE_ONLY
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
    def _no_old_flag(cls, data: Any) -> Any:
        # The old yes/no flag said nothing about recaps or program data; refuse it with
        # the replacement named, rather than the generic "extra key" message.
        if isinstance(data, dict) and "shareable" in data:
            raise ValueError(
                "'shareable' was replaced by 'visibility' (one of "
                f"{', '.join(VISIBILITY_LEVELS)}): say who may see this answer"
            )
        return data

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

        if self.id in NEVER_SHAREABLE and self.visibility != COACHEE_ONLY:
            raise ValueError(
                f"{self.id!r} is confidential: its visibility must be {COACHEE_ONLY!r}, "
                f"not {self.visibility!r} (it never reaches the meeting screen, a recap or "
                "program data)"
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

    def reaches(self, audience: str) -> bool:
        """May this item's answer go to ``audience`` (meeting, summary or program)?"""
        return reaches(self.visibility, audience)

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
