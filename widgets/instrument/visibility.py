"""Who may see an answer: one declaration per item, read by every place an answer can go.

Coaching is confidential and the coachee decides who hears what. Rather than each app
keeping its own list of private items, every item of the instrument declares one
``visibility`` level, and the facilitator card, the meeting-2 context, the recap and
the program export each ask :func:`reaches` before they use an answer.

The levels are ordered, widest audience last, because each audience is a superset of
the trust the one before it needs:

- ``coachee_only``: the coachee and the coach, nobody else. Never on the meeting
  screen, never in a recap, never in a program export, consent or not. The default, so
  an item nobody has decided about stays private.
- ``program``: anonymised program data (structured answers always, free text only with
  the coachee's consent).
- ``summary``: also in the coachee's recap, which they may forward to their manager.
- ``meeting``: also on the meeting screen, which the manager sees.

An item declared ``meeting`` may be used in a recap and in program data; whether it is
is still the card's, the recap's or the export's own explicit choice.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal, get_args

__all__ = [
    "AUDIENCES",
    "COACHEE_ONLY",
    "VISIBILITY_LABELS",
    "VISIBILITY_LEVELS",
    "Visibility",
    "check_visibility",
    "reaches",
]

Visibility = Literal["coachee_only", "program", "summary", "meeting"]
# Narrowest first: a level reaches every audience at or below it.
VISIBILITY_LEVELS: tuple[str, ...] = get_args(Visibility)
COACHEE_ONLY: Visibility = "coachee_only"
# The places an answer can go beyond the coach's machine, named like the levels.
AUDIENCES: tuple[str, ...] = VISIBILITY_LEVELS[1:]

# What the prep form says beside an item: the widest place the answer may appear, in
# the coachee's words (they read it while deciding what to write).
VISIBILITY_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "coachee_only": "Only you and your coach",
        "program": "Program data (anonymised)",
        "summary": "In your recap",
        "meeting": "Shown in the meeting",
    }
)


def check_visibility(value: str) -> str:
    """``value`` if it names a level; otherwise the levels that exist."""
    if value not in VISIBILITY_LEVELS:
        raise ValueError(f"visibility {value!r} is not one of {', '.join(VISIBILITY_LEVELS)}")
    return value


def reaches(visibility: str, audience: str) -> bool:
    """May an answer declared ``visibility`` go to ``audience`` (meeting, summary, program)?"""
    if audience not in AUDIENCES:
        raise ValueError(f"audience {audience!r} is not one of {', '.join(AUDIENCES)}")
    return VISIBILITY_LEVELS.index(check_visibility(visibility)) >= VISIBILITY_LEVELS.index(
        audience
    )
