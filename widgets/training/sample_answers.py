"""Made-up answers, drawn per item from its type and from sample_answers.yaml.

The demo generator must follow the instrument: a new question, choice or type shows up
in demo data without code. So an answer is drawn from what the item-type table says
about its type (free text, one choice, several, yes/no, a date, a tick time) and from
the item itself (its choices, its scale), shaped by the per-item data in
``sample_answers.yaml``: field-appropriate text pools (share topics that can be shared,
off-limits topics that are off limits, plans that sound like plans) and how often each
answer is given. Items the file does not name fall back to their type's entry.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator

from widgets.errors import SettingsError
from widgets.instrument.item_types import item_type
from widgets.instrument.items import Item
from widgets.instrument.rules import FrozenModel, fill_name
from widgets.instrument.stored_values import CHOICE_LIST, ISO_DATE, ISO_TIMESTAMP, YES_NO
from widgets.instrument.yaml_loading import read_yaml

__all__ = [
    "SAMPLE_ANSWERS_FILE",
    "ItemSample",
    "SampleAnswers",
    "SampleDataError",
    "corrected",
    "draw_answer",
    "load_sample_answers",
]

SAMPLE_ANSWERS_FILE = Path(__file__).resolve().parent / "sample_answers.yaml"

# A `several` choice the file does not name is ticked this often.
_UNNAMED_CHOICE_CHANCE = 0.4


class SampleDataError(SettingsError, ValueError):
    """sample_answers.yaml cannot be used; the message names the file and the entry."""


class ItemSample(FrozenModel):
    """How one item (or one type, by default) is answered in made-up data."""

    texts: tuple[str, ...] = ()
    answered: float | None = None
    weights: dict[str, float] = Field(default_factory=dict)
    chances: dict[str, float] = Field(default_factory=dict)
    chance_yes: float | None = None
    asked: float | None = None
    only_if: dict[str, str] = Field(default_factory=dict)
    same_each_meeting: bool = False
    corrected: float = 0.0

    @field_validator("weights", "chances", mode="before")
    @classmethod
    def _text_keys(cls, value: Any) -> Any:
        # Scale values are numbers in YAML (`1: 3`); the CSV stores them as text.
        return {str(k): v for k, v in value.items()} if isinstance(value, dict) else value

    def over(self, default: ItemSample) -> ItemSample:
        """This item's entry, with what it leaves out taken from its type's entry."""
        given = self.model_dump(exclude_unset=True)
        return default.model_copy(update=given)


class SampleAnswers(FrozenModel):
    """The whole file: per-item entries, per-type defaults, per-section pace."""

    items: dict[str, ItemSample] = Field(default_factory=dict)
    types: dict[str, ItemSample] = Field(default_factory=dict)
    sections: dict[str, float] = Field(default_factory=dict)

    def for_item(self, item: Item) -> ItemSample:
        default = self.types.get(item.type, ItemSample())
        own = self.items.get(item.id)
        return own.over(default) if own is not None else default

    def pace(self, section_id: str) -> float:
        return self.sections.get(section_id, 1.0)


@functools.lru_cache(maxsize=4)
def load_sample_answers(path: Path = SAMPLE_ANSWERS_FILE) -> SampleAnswers:
    """Read and check the sample answers (once per process for the packaged file)."""
    raw = read_yaml(path, SampleDataError)
    try:
        return SampleAnswers.model_validate(raw)
    except ValidationError as exc:
        problems = [
            f"{path.name}: {'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
            for err in exc.errors()
        ]
        raise SampleDataError("\n".join(problems)) from None


def _text(rng: random.Random, pool: tuple[str, ...], name: str) -> str:
    if not pool:
        return ""
    parts = rng.sample(pool, k=min(len(pool), rng.randint(1, 2)))
    return fill_name(". ".join(parts), name)


def _weighted(rng: random.Random, values: tuple[str, ...], weights: Mapping[str, float]) -> str:
    return rng.choices(values, weights=[weights.get(v, 1.0) for v in values])[0]


def draw_answer(
    item: Item,
    sample: ItemSample,
    rng: random.Random,
    *,
    name: str,
    around: date,
    moment: datetime | None = None,
) -> str:
    """One stored answer for ``item`` ("" when left unanswered), drawn by its type.

    ``around`` anchors a date answer; ``moment`` is when a tick-time item (a meeting
    checkpoint) would be ticked.
    """
    kind = item_type(item.type)
    if not item.required and sample.answered is not None and rng.random() >= sample.answered:
        return ""
    values = item.choice_values()
    value: Any
    if kind.free_text:
        value = _text(rng, sample.texts, name)
    elif kind.storage is CHOICE_LIST:
        chances = sample.chances
        value = [v for v in values if rng.random() < chances.get(v, _UNNAMED_CHOICE_CHANCE)]
        if item.required and not value:
            value = list(values[:1])
    elif kind.storage is YES_NO or (kind.storage is ISO_TIMESTAMP and not values):
        ticked = rng.random() < (0.5 if sample.chance_yes is None else sample.chance_yes)
        value = ticked if kind.storage is YES_NO else (moment if ticked else None)
    elif values:
        value = _weighted(rng, values, sample.weights)
    elif kind.storage is ISO_DATE:
        value = around + timedelta(days=rng.randint(-10, 10))
    else:  # pragma: no cover - a new storage kind needs a way to draw it here
        raise ValueError(f"no way to draw a made-up {item.type!r} answer for {item.id!r}")
    stored = kind.storage.encode(value)
    problem = item.problem(stored)
    if problem:  # pragma: no cover - a drawing rule out of step with the table
        raise ValueError(f"made-up answer for {item.id!r} cannot be stored: {problem}")
    return stored


def corrected(item: Item, stored: str, rng: random.Random) -> str:
    """The answer changed as someone correcting it would: yes/no flipped, a scale one
    step up (as far as it goes), another choice; free text is left as it was."""
    kind = item_type(item.type)
    values = item.choice_values()
    if kind.storage is YES_NO:
        return "no" if stored == "yes" else "yes"
    if kind.options == "scale" and stored in values:
        return values[min(len(values) - 1, values.index(stored) + 1)]
    others = [v for v in values if v != stored]
    if kind.options == "choices" and kind.storage is not CHOICE_LIST and others:
        return rng.choice(others)
    return stored
