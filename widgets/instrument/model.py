"""The instrument's forms and their sections, as read from one YAML file each.

The instrument is data so that a new question is a YAML edit, not code, and so that the
forms, the codebook and the analysis labels all come from the same source. Everything is
checked when it is loaded: a typo in a key or a missing choice list is refused with the
file, the item and the problem named, instead of surfacing later as a broken form in the
middle of a meeting. Items are :mod:`widgets.instrument.items`; the whole instrument,
with the checks across forms, is :class:`widgets.instrument.instrument.Instrument`.
"""

from __future__ import annotations

import math

from pydantic import ConfigDict, Field, ValidationInfo, field_validator, model_validator

from widgets.instrument.content import CardRow, FollowupContext, HuddleReminder, SummarySpec
from widgets.instrument.item_types import LIVE_MEETING_TYPES
from widgets.instrument.items import Item
from widgets.instrument.role_content import CoachRoles
from widgets.instrument.rules import (
    MEETING_FORM,
    MEETING_NUMBERS,
    FrozenModel,
    check_id,
    check_meeting_number,
    check_meetings,
    check_plain,
)

__all__ = ["Form", "Section"]


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
    coach_roles: CoachRoles | None = None
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
