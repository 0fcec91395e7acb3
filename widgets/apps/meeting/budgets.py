"""Budgets learned from the program: each part's time suggested from past meetings.

The instrument's minutes are a first guess. Once a program has held enough meetings,
how long each part really took is a better one, so before Start the coach sees, per
part, the median time of past meetings (after dropping outliers by the 1.5 IQR rule: a
meeting where the fire alarm went off should not move the suggestion), rounded to whole
minutes and scaled so the parts still add up to the meeting's total. The coach accepts
each part's suggestion or keeps the instrument's; the accepted budget is what the clock
runs against and what the meeting records as ``<section>_budget_seconds``, beside the
actual ``<section>_seconds``, so analysts can compare planned and actual.

Pure standard library (``statistics``): the live meeting never imports pandas.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

import ipywidgets as w

from widgets.apps.meeting.timer import PlannedSection
from widgets.errors import StoreError
from widgets.instrument.rules import MEETING_FORM
from widgets.store.responses import ResponseStore

__all__ = [
    "MIN_MEETINGS",
    "BudgetChoice",
    "budget_choice",
    "past_part_seconds",
    "program_budget_choice",
    "suggest_minutes",
    "typical_seconds",
    "with_budgets",
]

MIN_MEETINGS = 10
_IQR_FACTOR = 1.5


def typical_seconds(samples: Sequence[float]) -> float | None:
    """The median after removing values beyond 1.5 IQR of the quartiles; None under 10.

    Quartiles are ``statistics.quantiles(..., method="inclusive")``, the same as
    numpy's and pandas' default (linear interpolation), so an analyst can check a
    suggestion in a spreadsheet or a notebook and get the same number.
    """
    if len(samples) < MIN_MEETINGS:
        return None
    q1, _q2, q3 = statistics.quantiles(samples, n=4, method="inclusive")
    spread = q3 - q1
    low, high = q1 - _IQR_FACTOR * spread, q3 + _IQR_FACTOR * spread
    kept = [value for value in samples if low <= value <= high]
    return statistics.median(kept)


def suggest_minutes(typical: Mapping[str, float], total_minutes: int) -> dict[str, int]:
    """Whole minutes per part, in proportion to ``typical`` seconds, adding up to the total.

    Largest remainder: every part gets the whole minutes of its share, then the minutes
    left go to the parts with the largest fractions (ties to the earlier part), and no
    part gets less than one minute.
    """
    if not typical:
        return {}
    spent = sum(typical.values())
    if spent <= 0:
        raise ValueError("past meetings recorded no time for these parts")
    shares = {part: value / spent * total_minutes for part, value in typical.items()}
    minutes = {part: max(1, math.floor(share)) for part, share in shares.items()}
    order = sorted(
        shares, key=lambda p: (-(shares[p] - math.floor(shares[p])), list(shares).index(p))
    )
    index = 0
    while sum(minutes.values()) < total_minutes:
        minutes[order[index % len(order)]] += 1
        index += 1
    index = 0
    by_size = sorted(minutes, key=lambda p: (shares[p] - minutes[p], -minutes[p]))
    while sum(minutes.values()) > total_minutes:
        part = by_size[index % len(by_size)]
        if minutes[part] > 1:
            minutes[part] -= 1
        index += 1
    return minutes


def past_part_seconds(
    rows: Iterable[Mapping[str, str]], meeting_number: int, parts: Sequence[str]
) -> dict[str, list[float]]:
    """Each part's ``<part>_seconds`` in the program's past meetings (latest revision each).

    A part skipped in a meeting (``<part>_skipped`` yes) says nothing about its length.
    """
    latest: dict[str, tuple[int, str]] = {}
    by_session: dict[str, dict[str, str]] = {}
    for row in rows:
        if row.get("form") != MEETING_FORM or row.get("meeting_number") != str(meeting_number):
            continue
        session = row.get("session_id", "")
        by_session.setdefault(session, {})[row.get("item_id", "")] = row.get("value", "")
        revision = int(row.get("revision") or 1)
        engagement = row.get("engagement_id", "")
        if engagement not in latest or revision > latest[engagement][0]:
            latest[engagement] = (revision, session)
    samples: dict[str, list[float]] = {part: [] for part in parts}
    for _revision, session in latest.values():
        values = by_session[session]
        for part in parts:
            if values.get(f"{part}_skipped") == "yes":
                continue
            try:
                seconds = float(values.get(f"{part}_seconds", ""))
            except ValueError:
                continue
            if seconds >= 0:
                samples[part].append(seconds)
    return samples


class BudgetChoice:
    """Before Start: a suggested budget per part with a tick to accept it.

    ``widget`` is empty when no suggestion exists (fewer than ``MIN_MEETINGS`` meetings
    for some part); ``budgets()`` gives the seconds per part the clock should run with.
    """

    def __init__(
        self,
        planned: Mapping[str, tuple[str, int]],
        suggested: Mapping[str, int],
        *,
        meetings: int,
    ):
        self.planned = dict(planned)  # part -> (title, the instrument's seconds)
        self.suggested = dict(suggested)  # part -> minutes
        self.accept: dict[str, w.Checkbox] = {}
        rows: list[w.Widget] = []
        for part, minutes in self.suggested.items():
            title, seconds = self.planned[part]
            box = w.Checkbox(
                value=False,
                indent=False,
                description=f"{title}: {minutes} min (planned {seconds / 60:g} min)",
            )
            box.add_class(f"kit-budget-accept-{part}")
            self.accept[part] = box
            rows.append(box)
        self.widget = w.VBox()
        self.widget.add_class("kit-budget-suggestion")
        if rows:
            self.widget.children = (
                w.HTML(
                    "<div class='kit-notice' role='note'>Suggested from "
                    f"{meetings} past meetings of this program (typical time per part, "
                    "outliers left out). Tick the parts whose suggestion you accept; the "
                    "clock runs with them.</div>"
                ),
                *rows,
            )

    def budgets(self) -> dict[str, int]:
        """Seconds per part: the accepted suggestion, else the instrument's."""
        return {
            part: self.suggested[part] * 60
            if part in self.accept and self.accept[part].value
            else seconds
            for part, (_title, seconds) in self.planned.items()
        }

    def lock(self) -> None:
        for box in self.accept.values():
            box.disabled = True


def budget_choice(
    rows: Iterable[Mapping[str, str]],
    plan: Sequence[PlannedSection],
    meeting_number: int,
) -> BudgetChoice:
    """The choice offered before Start, from the store's rows and this meeting's plan.

    Suggested only when every part that runs has at least ``MIN_MEETINGS`` past
    meetings: a suggestion for some parts only could not keep the total.
    """
    running = [p for p in plan if not p.skipped]
    samples = past_part_seconds(rows, meeting_number, [p.id for p in running])
    typical = {part: typical_seconds(values) for part, values in samples.items()}
    planned = {p.id: (p.title, p.budget_seconds) for p in running}
    if not running or any(value is None for value in typical.values()):
        return BudgetChoice(planned, {}, meetings=0)
    # The parts that run share their own minutes; a skipped part's stay in the pool.
    total = round(sum(p.budget_seconds for p in running) / 60)
    minutes = suggest_minutes({k: v for k, v in typical.items() if v is not None}, total)
    meetings = min(len(values) for values in samples.values())
    return BudgetChoice(planned, minutes, meetings=meetings)


def with_budgets(
    plan: Sequence[PlannedSection], budgets: Mapping[str, int]
) -> list[PlannedSection]:
    """The plan with each part's budget replaced by the accepted one."""
    return [replace(p, budget_seconds=budgets.get(p.id, p.budget_seconds)) for p in plan]


def program_budget_choice(
    store: ResponseStore, plan: Sequence[PlannedSection], meeting_number: int
) -> BudgetChoice | None:
    """The choice from the program's saved meetings, or None when there is none to offer
    (too few meetings, or a store that cannot be read: the meeting runs on the
    instrument's budgets either way)."""
    try:
        rows = store.read_rows()
    except (OSError, StoreError):
        return None
    choice = budget_choice(rows, plan, meeting_number)
    return choice if choice.suggested else None
