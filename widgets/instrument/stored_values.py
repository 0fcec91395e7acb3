"""How an answer is written as text in one CSV cell, and how a stored cell is checked.

Every value the kit stores is a string, so every reader (the store, the loader, the
export, a spreadsheet) must agree on how a date, a tick or several choices look. The
encodings here are the only place that says it; the item-type table
(:mod:`widgets.instrument.item_types`) gives each type one encoding and one check.

An empty string always means "not answered" and is never checked: whether an answer is
required is the form's business, not the encoding's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

__all__ = [
    "CHOICE_LIST",
    "CHOICE_VALUE",
    "ISO_DATE",
    "ISO_TIMESTAMP",
    "SECONDS",
    "TEXT",
    "WHOLE_NUMBER",
    "YES_NO",
    "AnswerRules",
    "Encoding",
    "ValueCheck",
    "check_iso_date",
    "check_one_option",
    "check_seconds",
    "check_several_options",
    "check_text_length",
    "check_tick_time",
    "check_timestamp",
    "check_yes_no",
]


class AnswerRules(Protocol):
    """What a check needs to know about an item (an instrument ``Item`` provides it)."""

    @property
    def max_length(self) -> int | None: ...

    def choice_values(self) -> tuple[str, ...]: ...


# A check says what is wrong with a non-empty stored value, or returns None.
ValueCheck = Callable[[AnswerRules, str], str | None]


@dataclass(frozen=True)
class Encoding:
    """One way of writing a value as text. ``encode`` takes the Python value a widget or a
    generator holds (a string is taken as already encoded); ``decode`` gives it back."""

    describes: str
    encode_value: Callable[[Any], str]
    decode: Callable[[str], Any]

    def encode(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        return self.encode_value(value)


def _text(value: Any) -> str:
    return str(value)


def _yes_no(value: Any) -> str:
    return "yes" if value else "no"


def _joined(values: Iterable[Any]) -> str:
    return ";".join(str(v) for v in values if str(v))


def _split(text: str) -> tuple[str, ...]:
    return tuple(part for part in text.split(";") if part)


def _whole(value: Any) -> str:
    return str(round(value))


def _iso_date(value: date) -> str:
    return value.isoformat()


def _iso_timestamp(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def _number(text: str) -> float:
    return float(text)


TEXT = Encoding("the text as typed", _text, str)
CHOICE_VALUE = Encoding("the choice value", _text, str)
CHOICE_LIST = Encoding("the chosen values joined by ';', in instrument order", _joined, _split)
WHOLE_NUMBER = Encoding("the number", _whole, int)
YES_NO = Encoding("yes or no", _yes_no, lambda text: text == "yes")
ISO_DATE = Encoding("the date as YYYY-MM-DD", _iso_date, date.fromisoformat)
ISO_TIMESTAMP = Encoding(
    "the time as ISO 8601 with its UTC offset", _iso_timestamp, datetime.fromisoformat
)
SECONDS = Encoding("a duration in whole seconds", _whole, _number)


# ---------------------------------------------------------------------- checks

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER = re.compile(r"^\d+(\.\d+)?$")


def _shown(value: str) -> str:
    return repr(value) if len(value) <= 40 else repr(value[:37] + "...")


def check_text_length(item: AnswerRules, value: str) -> str | None:
    limit = item.max_length
    if limit is not None and len(value) > limit:
        return f"{len(value)} characters, over the limit of {limit}"
    return None


def check_one_option(item: AnswerRules, value: str) -> str | None:
    allowed = item.choice_values()
    if value not in allowed:
        return f"{_shown(value)} is not one of {', '.join(allowed)}"
    return None


def check_several_options(item: AnswerRules, value: str) -> str | None:
    allowed = item.choice_values()
    chosen = value.split(";")
    unknown = [part for part in chosen if part not in allowed]
    if unknown:
        return f"{', '.join(map(_shown, unknown))} not among {', '.join(allowed)}"
    if len(set(chosen)) != len(chosen):
        return f"{_shown(value)} names a choice twice"
    return None


def check_yes_no(_item: AnswerRules, value: str) -> str | None:
    return None if value in ("yes", "no") else f"{_shown(value)} is not yes or no"


def check_iso_date(_item: AnswerRules, value: str) -> str | None:
    try:
        if _DATE.match(value):
            date.fromisoformat(value)
            return None
    except ValueError:
        pass
    return f"{_shown(value)} is not a date written YYYY-MM-DD"


def check_timestamp(_item: AnswerRules, value: str) -> str | None:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None or "T" not in value:
        return f"{_shown(value)} is not an ISO 8601 time with its UTC offset"
    return None


def check_tick_time(item: AnswerRules, value: str) -> str | None:
    # The live meeting stores when a checkpoint was ticked; a checkpoint on a plain form
    # (and files from before the live meeting kept times) hold yes/no.
    if value in ("yes", "no"):
        return None
    return check_timestamp(item, value)


def check_seconds(_item: AnswerRules, value: str) -> str | None:
    return None if _NUMBER.match(value) else f"{_shown(value)} is not a number of seconds"
