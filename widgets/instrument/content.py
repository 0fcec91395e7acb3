"""What the apps show beyond the questions: card rows, recap lines, meeting-2 context, huddle.

These used to be Python constants beside the apps; they are instrument content (which
answers reach which screen, under which words), so they live in the form files and are
checked when the instrument loads. This module holds their shapes and the checks that
need nothing but the block itself; whether the items they name exist, and may be shown,
is checked across forms in :mod:`widgets.instrument.content_checks`.

- ``card`` (meeting.yaml): the facilitator card's rows, each a heading and the prep
  answers it shows;
- ``followup_context`` (meeting.yaml): beside each meeting-2 prompt, what meeting 1 (or
  its debrief) said that bears on it, under a short label;
- ``huddle_reminder`` (meeting.yaml): the reminder shown in the closing part and after
  End, naming the link to the debrief;
- ``summary`` (debrief.yaml): the recap's headings and lines, and the items held back
  from it on purpose.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, ValidationInfo, field_validator, model_validator

from widgets.instrument.rules import FrozenModel, check_id, check_name_only, check_plain

__all__ = [
    "CardAnswer",
    "CardRow",
    "FollowupContext",
    "HuddleReminder",
    "SummaryFallback",
    "SummaryLineSpec",
    "SummaryPart",
    "SummarySpec",
]


def _not_empty(value: str, field: str) -> str:
    if not value.strip():
        raise ValueError(f"{field!r} must not be empty")
    return value


def _says(value: dict[str, str], field: str) -> dict[str, str]:
    for key, text in value.items():
        _not_empty(text, f"{field}.{key}")
        check_name_only(text, f"{field}.{key}")
    return value


def _field(info: ValidationInfo) -> str:
    return info.field_name or "text"


def _plain_text(value: str, info: ValidationInfo) -> str:
    return check_plain(_not_empty(value, _field(info)), _field(info))


def _name_text(value: str, info: ValidationInfo) -> str:
    return check_name_only(_not_empty(value, _field(info)), _field(info))


# The field types these blocks share, each checked the same way wherever it is used.
ItemId = Annotated[str, AfterValidator(lambda value: check_id(value, "item id"))]
PlainText = Annotated[str, AfterValidator(_plain_text)]  # not empty, no markup
NameText = Annotated[str, AfterValidator(_name_text)]  # not empty, only {name} filled in
Says = Annotated[dict[str, str], AfterValidator(lambda value: _says(value, "says"))]


class CardAnswer(FrozenModel):
    """One prep answer on a card row. ``says`` words its choices for the coach (the
    choice labels speak to the coachee); ``unanswered`` stands in when it is empty."""

    id: ItemId
    says: Says = Field(default_factory=dict)
    unanswered: str = ""

    @model_validator(mode="before")
    @classmethod
    def _plain_id(cls, data: Any) -> Any:
        # `items: [success]` is the common case; a mapping only when there is more to say.
        return {"id": data} if isinstance(data, str) else data

    @field_validator("unanswered")
    @classmethod
    def _unanswered_text(cls, value: str) -> str:
        return check_name_only(value, "unanswered")

    def __hash__(self) -> int:
        return hash((self.id, tuple(self.says.items()), self.unanswered))


class CardRow(FrozenModel):
    """One row of the facilitator card: a heading and the answers shown under it.

    ``layout: line`` joins the answers with a dash, ``list`` gives each its own bullet;
    ``hide_when_empty`` leaves the row out instead of saying "not given"; ``hook`` names
    the row's CSS class (``kit-card-<hook>``) for styling and browser tests.
    """

    heading: PlainText
    hook: str
    items: tuple[CardAnswer, ...]
    layout: Literal["line", "list"] = "line"
    hide_when_empty: bool = False

    @field_validator("hook")
    @classmethod
    def _hook_format(cls, value: str) -> str:
        return check_id(value, "hook")

    @field_validator("items")
    @classmethod
    def _some_items(cls, value: tuple[CardAnswer, ...]) -> tuple[CardAnswer, ...]:
        if not value:
            raise ValueError("a card row needs at least one item")
        return value


class SummaryFallback(FrozenModel):
    """What a recap line says when its item is empty, from another item's answer."""

    item: ItemId
    says: dict[str, str]

    @field_validator("says")
    @classmethod
    def _says_text(cls, value: dict[str, str]) -> dict[str, str]:
        return _says(value, "if_empty.says")

    def __hash__(self) -> int:
        return hash((self.item, tuple(self.says.items())))


class SummaryLineSpec(FrozenModel):
    """One item a recap may use, with its lead-in. A ``several`` item gives one line per
    chosen value; ``says`` replaces a choice by a sentence. The line appears in the
    meetings its item is asked in."""

    item: ItemId
    lead: PlainText
    says: Says = Field(default_factory=dict)
    if_empty: SummaryFallback | None = None

    def __hash__(self) -> int:
        return hash((self.item, self.lead, tuple(self.says.items()), self.if_empty))


class SummaryPart(FrozenModel):
    """A heading of the recap and its lines, in the order they are offered."""

    heading: PlainText
    lines: tuple[SummaryLineSpec, ...]


class SummarySpec(FrozenModel):
    """The recap: built from an explicit list, never from "everything but the private
    ones", so a new item stays out until someone decides it belongs. ``held_back`` names
    items said in the room that must never be added (checked at load)."""

    held_back: tuple[str, ...] = ()
    parts: tuple[SummaryPart, ...]

    @field_validator("held_back")
    @classmethod
    def _ids(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item_id in value:
            check_id(item_id, "item id")
        return value

    @model_validator(mode="after")
    def _no_overlap(self) -> SummarySpec:
        named = [line.item for part in self.parts for line in part.lines]
        twice = sorted({i for i in named if named.count(i) > 1})
        if twice:
            raise ValueError(f"item(s) {twice} appear on more than one line")
        held = sorted(set(named) & set(self.held_back))
        if held:
            raise ValueError(f"item(s) {held} are held back and cannot be a line")
        return self

    def lines(self) -> tuple[tuple[str, SummaryLineSpec], ...]:
        """(heading, line) pairs in the order a recap offers them."""
        return tuple((part.heading, line) for part in self.parts for line in part.lines)


class FollowupContext(FrozenModel):
    """Meeting 2: for each follow-up prompt, the earlier answers shown beside it.

    ``earlier`` names each earlier item with the short label it is shown under;
    ``prompts`` maps a prompt to the earlier items that bear on it.
    """

    earlier: dict[str, str]
    prompts: dict[str, tuple[str, ...]]

    @field_validator("earlier")
    @classmethod
    def _labels(cls, value: dict[str, str]) -> dict[str, str]:
        for item_id, label in value.items():
            check_id(item_id, "item id")
            check_plain(_not_empty(label, f"earlier.{item_id}"), f"earlier.{item_id}")
        return value

    @model_validator(mode="after")
    def _known_earlier(self) -> FollowupContext:
        for prompt, ids in self.prompts.items():
            check_id(prompt, "item id")
            unlabelled = [i for i in ids if i not in self.earlier]
            if unlabelled:
                raise ValueError(
                    f"prompt {prompt!r} lists {unlabelled}, which 'earlier' does not label"
                )
        return self

    def __hash__(self) -> int:
        return hash((tuple(self.earlier.items()), tuple(self.prompts.items())))


class HuddleReminder(FrozenModel):
    """The reminder to stay on for the huddle: in the closing part, and after End beside
    the link to the debrief (``after_end``, then the link named ``debrief_link``)."""

    section: str
    during: NameText
    after_end: NameText
    debrief_link: PlainText

    @field_validator("section")
    @classmethod
    def _section_id(cls, value: str) -> str:
        return check_id(value, "section id")
