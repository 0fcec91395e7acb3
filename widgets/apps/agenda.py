"""The meeting's agenda as the manager may see it: the parts that will run, with minutes.

The invite and the manager's handout both print it, from the same plan the live meeting
runs (:func:`widgets.apps.meeting.plan.meeting_plan`), so what the manager is told is
what happens. A part the coachee did not agree to in prep (the coaching goals) is left
out without a word: the manager is never told the coachee declined it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from widgets.apps.meeting.card import SharedPrep, shareable_ids
from widgets.apps.meeting.plan import meeting_plan, meeting_total_seconds
from widgets.instrument.instrument import Instrument
from widgets.instrument.rules import MEETING_FORM, PREP_FORM
from widgets.instrument.screening import OffLimitsScreen

__all__ = ["AgendaPart", "meeting_agenda", "meeting_minutes", "shareable_answers"]


_OFF_LIMITS = "off_limits"


@dataclass(frozen=True)
class AgendaPart:
    title: str
    intro: str
    minutes: float

    def line(self) -> str:
        return f"{self.title} ({self.minutes:g} min)"


def shareable_answers(
    instrument: Instrument, answers: Mapping[str, str], off_limits: Iterable[str] = ()
) -> dict[str, str]:
    """Only the prep answers the facilitator card may show, screened as the card screens
    them, so no page built for the manager can reach further than the card.

    Shareable items come from the one declaration of what is shareable. Typed text is
    then screened line by line against every off-limits topic: those in ``answers`` and
    ``off_limits`` (the engagement's other saved preps; a topic closed once stays
    closed). A line the card holds back ("the reorganisation timeline" when "the
    reorganisation" is off limits) never reaches a handout either.
    """
    prep = instrument.form(PREP_FORM)
    allowed = shareable_ids(prep)
    screen = OffLimitsScreen.from_answers([answers.get(_OFF_LIMITS, ""), *off_limits])
    shared = {}
    for key, value in answers.items():
        if key not in allowed or not value:
            continue
        if not prep.item(key).options():  # typed text; a choice is the instrument's words
            value = screen.screen(value)[0]
        if value:
            shared[key] = value
    return shared


def meeting_agenda(
    instrument: Instrument, meeting_number: int, answers: Mapping[str, str]
) -> list[AgendaPart]:
    """The parts that will run in that meeting, in order, given the prep ``answers``."""
    form = instrument.form(MEETING_FORM)
    shared = SharedPrep(values=shareable_answers(instrument, answers))
    intros = {s.id: s.intro for s in form.sections}
    return [
        AgendaPart(part.title, intros.get(part.id, ""), part.budget_seconds / 60)
        for part in meeting_plan(form, meeting_number, shared)
        if not part.skipped
    ]


def meeting_minutes(instrument: Instrument) -> int:
    """The whole meeting's length in minutes (30 in the instrument)."""
    form = instrument.form(MEETING_FORM)
    total = meeting_total_seconds(form)
    if total is None:
        total = sum(s.budget_seconds or 0 for s in form.sections_for(1))
    return round(total / 60)
