"""Pseudonymous identifiers the kit issues, and the check that refuses any other.

An engagement_id ends up in file names and URLs, so anything that is not exactly the
kit's own format (path separators, dots, spaces) is refused before it touches a path.
"""

from __future__ import annotations

import re
import secrets

from widgets.errors import InputError

__all__ = [
    "ENGAGEMENT_ID_PATTERN",
    "InvalidEngagementId",
    "check_engagement_id",
    "new_engagement_id",
]

ENGAGEMENT_ID_PATTERN = re.compile(r"^e-[0-9a-f]{12}$")


class InvalidEngagementId(InputError, ValueError):
    """An engagement_id that the kit could not have issued."""


def new_engagement_id() -> str:
    """Return a fresh random engagement_id (carries no information about the coachee)."""
    return "e-" + secrets.token_hex(6)


def check_engagement_id(value: object) -> str:
    """Return ``value`` if it has the kit's format, else raise with a message for the coach."""
    if not isinstance(value, str) or not ENGAGEMENT_ID_PATTERN.fullmatch(value):
        shown = repr(value)[:60]
        raise InvalidEngagementId(
            f"{shown} is not an engagement ID issued by this kit "
            "(expected 'e-' followed by 12 hex digits, e.g. e-3f9a1c0b7d2e)."
        )
    return value
