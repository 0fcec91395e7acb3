"""The instrument's house rules: id formats, meeting numbers, placeholders, confidentiality.

Every model of the instrument checks its own fields with these, so an id, a meeting
number or a ``{name}`` placeholder means the same thing in every file, and the few
facts the kit relies on by name (which form is the live meeting, which items can never
be shared, which roles an item may play) are stated once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

__all__ = [
    "CONDITION_FORM",
    "FrozenModel",
    "ITEM_ROLES",
    "MAX_LENGTH_LIMIT",
    "MEETING_DATE_ROLE",
    "MEETING_FORM",
    "MEETING_NUMBERS",
    "NAME_FALLBACK",
    "NAME_PLACEHOLDER",
    "NEVER_SHAREABLE",
    "PREP_FORM",
    "SUMMARY_FORM",
    "ItemRole",
    "check_id",
    "check_meeting_number",
    "check_meetings",
    "check_name_only",
    "check_plain",
    "check_version",
    "fill_name",
    "join_meetings",
]

MEETING_NUMBERS: tuple[int, ...] = (1, 2)

# The form whose answers the meeting reads: its yes/no answers decide whether a
# conditional section runs, and its answers visible in the meeting fill the facilitator card.
PREP_FORM = "prep"
CONDITION_FORM = PREP_FORM
# The form run live with a timer per section; it records timings and asked prompts.
MEETING_FORM = "meeting"
# The form after which the coachee's recap is offered; its file declares the recap.
SUMMARY_FORM = "debrief"

# Confidential by nature: a YAML edit must never be able to put these on the meeting
# screen, in a recap or in program data, so the loader refuses any visibility but
# `coachee_only` on them (every other item's reach is its own `visibility`).
NEVER_SHAREABLE: frozenset[str] = frozenset(
    {"off_limits", "concerns", "concern_plan", "perception", "mindset"}
)

# A form field is typed live in a browser and stored in one CSV cell: a limit above this
# is a typo (an extra zero), not a wish, and would let one answer swamp a file.
MAX_LENGTH_LIMIT = 20_000

NAME_PLACEHOLDER = "{name}"
NAME_FALLBACK = "the coachee"

MEETING_DATE_ROLE = "meeting_date"


@dataclass(frozen=True)
class ItemRole:
    """A job an item does for the kit beyond being asked: the apps find it by role, not id."""

    form: str
    types: tuple[str, ...]
    meaning: str


# Role -> where the item must live and which types can carry it.
ITEM_ROLES: Mapping[str, ItemRole] = {
    MEETING_DATE_ROLE: ItemRole(
        form="checklist",
        types=("date",),
        meaning="the planned date of the alignment meeting, checked against the window",
    ),
}

_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
_VERSION_PATTERN = re.compile(r"\d+\.\d+\.\d+")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def check_id(value: str, what: str = "id") -> str:
    if not _ID_PATTERN.fullmatch(value):
        raise ValueError(
            f"{what} {value!r} is not valid: use lowercase letters, digits and underscores, "
            "starting with a letter"
        )
    return value


def check_version(value: str) -> str:
    if not _VERSION_PATTERN.fullmatch(value):
        raise ValueError(f"version {value!r} must look like 1.0.0 (major.minor.patch)")
    return value


def check_meetings(value: tuple[int, ...]) -> tuple[int, ...]:
    if not value:
        raise ValueError(f"'meetings' must list at least one of {list(MEETING_NUMBERS)}")
    unknown = [n for n in value if n not in MEETING_NUMBERS]
    if unknown:
        raise ValueError(f"'meetings' may only contain {list(MEETING_NUMBERS)}, got {list(value)}")
    if len(set(value)) != len(value):
        raise ValueError(f"'meetings' lists a meeting twice: {list(value)}")
    return tuple(sorted(value))


def check_meeting_number(meeting_number: int) -> None:
    if meeting_number not in MEETING_NUMBERS:
        raise ValueError(
            f"meeting_number must be one of {list(MEETING_NUMBERS)}, got {meeting_number!r}"
        )


def check_plain(value: str, field: str) -> str:
    """Refuse placeholders where nothing fills them, so `{name}` never reaches a screen raw."""
    found = _PLACEHOLDER.search(value)
    if found:
        raise ValueError(
            f"{field!r} contains {found.group()!r}, but placeholders are only filled in 'wording'"
        )
    return value


def check_name_only(value: str, field: str) -> str:
    """Refuse any placeholder but ``{name}`` in text that is shown with the name filled in."""
    for found in _PLACEHOLDER.findall(value):
        if found != NAME_PLACEHOLDER:
            raise ValueError(
                f"{field!r} contains {found!r}; the only placeholder is {NAME_PLACEHOLDER}"
            )
    return value


def fill_name(text: str, name: str) -> str:
    """``text`` with the coachee's first name; `replace` so braces in a name are harmless."""
    return text.replace(NAME_PLACEHOLDER, name.strip() or NAME_FALLBACK)


def join_meetings(meetings: Iterable[int]) -> str:
    return ";".join(str(n) for n in sorted(set(meetings)))


class FrozenModel(BaseModel):
    """Base of every instrument model: read-only once loaded, and no unknown keys, so a
    typo in the YAML is refused instead of silently ignored."""

    model_config = ConfigDict(frozen=True, extra="forbid")
