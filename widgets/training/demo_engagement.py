"""One made-up engagement: its coachee, its timeline, and every answer, drawn in order.

The flow (checklist, prep, meeting, debrief, sometimes a second round) and its timing
belong to the engagement and live here; no item is named: each answer is drawn by its
type from the instrument and shaped by ``sample_answers.yaml``
(:mod:`widgets.training.sample_answers`), so a new question shows up in demo data
without code. :mod:`widgets.training.demo` turns many of these into a program.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from widgets.instrument.derived_items import derived_meeting_items
from widgets.instrument.instrument import Instrument
from widgets.instrument.item_types import item_type
from widgets.instrument.items import Item
from widgets.instrument.rules import MEETING_DATE_ROLE, MEETING_FORM
from widgets.instrument.stored_values import ISO_DATE
from widgets.store.responses import Answer
from widgets.training.sample_answers import SampleAnswers, corrected, draw_answer

__all__ = [
    "COACHES",
    "FIRST_NAMES",
    "PROGRAMS",
    "DemoEngagement",
    "DemoSubmission",
    "EngagementDraw",
]

# Invented names: nothing here may match a real coachee or coach.
FIRST_NAMES: tuple[str, ...] = (
    "Avenka", "Brolin", "Calisse", "Dorvan", "Elspira", "Fennick", "Galtea", "Horvik",
    "Isolde", "Jorrin", "Kessaly", "Lumio", "Marrow", "Nerissa", "Oskian", "Pellam",
    "Quenby", "Rosalind", "Sirenne", "Talwyn", "Ulrika", "Vesper", "Wendeline", "Xandro",
    "Yselle", "Zephyrin", "Amaranth", "Bexley", "Corvin", "Delphine",
)  # fmt: skip
COACHES: tuple[str, ...] = (
    "Maren Quillfeather",
    "Tobiah Venworth",
    "Odalys Brightwater",
    "Caspian Hollowmere",
    "Seraphine Duskwood",
    "Lorcan Ashvale",
)
PROGRAMS: dict[str, tuple[str, ...]] = {
    "Leading Teams": ("Spring", "Autumn"),
    "New Managers": ("Spring", "Summer", "Autumn"),
    "Senior Leaders": ("Cohort 1",),
}
_COHORT_START = {
    "Spring": date(2025, 3, 3),
    "Summer": date(2025, 6, 2),
    "Autumn": date(2025, 9, 1),
    "Cohort 1": date(2025, 4, 7),
}
_ZONES = (0, 1, 2, -5)


@dataclass(frozen=True)
class DemoSubmission:
    """One save of one form, with the moment it is stamped as recorded."""

    form: str
    meeting_number: int
    recorded_at: datetime
    answers: tuple[Answer, ...]


@dataclass(frozen=True)
class DemoEngagement:
    """One made-up coachee: registry fields and every save, oldest first."""

    first_name: str
    coach: str
    program: str
    cohort: str
    start_date: date
    submissions: tuple[DemoSubmission, ...]


class _Writer:
    """Builds one form's answers in instrument order, typed from the codebook and stored
    with each type's encoding from the item-type table."""

    def __init__(self, instrument: Instrument, form: str, meeting_number: int) -> None:
        self.types: dict[str, tuple[str, str]] = {}
        spec = instrument.form(form)
        for section in spec.sections_for(meeting_number):
            for item in section.items_for(meeting_number):
                self.types[item.id] = (section.id, item.type)
        for entry in derived_meeting_items(spec, meeting_number):
            self.types[entry.item_id] = (entry.section, entry.type)
        self.answers: list[Answer] = []

    def put(self, item_id: str, value: object) -> None:
        section, kind = self.types[item_id]  # KeyError: the name is not in the codebook
        stored = item_type(kind).storage.encode(value)
        if stored:
            self.answers.append(Answer(section, item_id, kind, stored))

    def value(self, item_id: str) -> str:
        return next((a.value for a in self.answers if a.item_id == item_id), "")

    def done(self) -> tuple[Answer, ...]:
        return tuple(self.answers)


class EngagementDraw:
    """The random choices for one engagement, drawn in a fixed order from one rng.

    The flow (checklist, prep, meeting, debrief, maybe a second round) and its timing
    are the engagement's; every answer is drawn item by item from the instrument and
    ``sample_answers.yaml`` (:mod:`widgets.training.sample_answers`).
    """

    def __init__(self, rng: random.Random, instrument: Instrument, samples: SampleAnswers):
        self.rng = rng
        self.instrument = instrument
        self.samples = samples
        self.name = rng.choice(FIRST_NAMES)
        self.coach = rng.choice(COACHES)
        self.program = rng.choice(sorted(PROGRAMS))
        self.cohort = rng.choice(PROGRAMS[self.program])
        self.start = _COHORT_START[self.cohort] + timedelta(days=rng.randint(0, 20))
        self.zone = timezone(timedelta(hours=_ZONES[COACHES.index(self.coach) % len(_ZONES)]))
        self.kept: dict[str, str] = {}  # answers a second meeting's prep repeats
        self.saves: list[DemoSubmission] = []

    def answer(
        self, writer: _Writer, item: Item, *, around: date, moment: datetime | None = None
    ) -> None:
        sample = self.samples.for_item(item)
        if any(writer.value(i) != v for i, v in sample.only_if.items()):
            return
        if item.role == MEETING_DATE_ROLE:
            value = ISO_DATE.encode(around)
        elif sample.same_each_meeting and item.id in self.kept:
            value = self.kept[item.id]
        else:
            value = draw_answer(
                item, sample, self.rng, name=self.name, around=around, moment=moment
            )
        if sample.same_each_meeting:
            self.kept[item.id] = value
        writer.put(item.id, value)

    def form(self, form_id: str, number: int, *, around: date) -> _Writer:
        writer = _Writer(self.instrument, form_id, number)
        for item in self.instrument.form(form_id).items_for(number):
            self.answer(writer, item, around=around)
        return writer

    def save(self, writer: _Writer, form: str, number: int, when: datetime) -> dict[str, str]:
        """Save the form, sometimes followed by a correction; return the latest answers."""
        self.saves.append(DemoSubmission(form, number, when, writer.done()))
        spec = self.instrument.form(form)
        changed: dict[str, str] = {}
        for answer in writer.answers:
            if not spec.has_item(answer.item_id):
                continue  # a value the kit records itself is never corrected
            item = spec.item(answer.item_id)
            chance = self.samples.for_item(item).corrected
            if chance and self.rng.random() < chance:
                changed[item.id] = corrected(item, answer.value, self.rng)
                if self.samples.for_item(item).same_each_meeting:
                    self.kept[item.id] = changed[item.id]
        answers = tuple(
            Answer(a.section, a.item_id, a.item_type, changed.get(a.item_id, a.value))
            for a in writer.answers
        )
        if changed:
            later = when + timedelta(hours=self.rng.randint(3, 24))
            self.saves.append(DemoSubmission(form, number, later, answers))
        return {a.item_id: a.value for a in answers}

    def build(self, second_meeting: bool) -> DemoEngagement:
        months = (1, 2, 2, 2, 2, 2, 3, 3, 4)
        held_first = self.meeting(1, self.rng.choice(months))
        if held_first and second_meeting:
            self.meeting(2, self.rng.randint(4, 7))
        return DemoEngagement(
            first_name=self.name,
            coach=self.coach,
            program=self.program,
            cohort=self.cohort,
            start_date=self.start,
            submissions=tuple(sorted(self.saves, key=lambda s: s.recorded_at)),
        )

    def meeting(self, number: int, month: int) -> bool:
        """Checklist, prep, meeting and debrief for one meeting; False if it stopped early."""
        rng = self.rng
        day = self.start + timedelta(days=30 * (month - 1) + rng.randint(0, 27))
        hour = rng.choice((9, 10, 11, 14, 15, 16))
        begins = datetime(day.year, day.month, day.day, hour, 0, tzinfo=self.zone)
        begins += timedelta(minutes=rng.choice((0, 0, 2, 5, 8)))

        checklist = self.form("checklist", number, around=day)
        self.save(checklist, "checklist", number, begins - timedelta(days=rng.randint(14, 25)))
        if rng.random() < 0.04:
            return False  # the meeting has not happened yet

        prep = self.form("prep", number, around=day)
        prep_values = self.save(prep, "prep", number, begins - timedelta(days=rng.randint(2, 9)))
        if rng.random() < 0.03:
            return False

        ended = self.live_meeting(number, begins, prep_values)
        self.debrief(number, ended)
        return True

    def live_meeting(self, number: int, begins: datetime, prep: dict[str, str]) -> datetime:
        rng = self.rng
        meeting = _Writer(self.instrument, MEETING_FORM, number)
        form = self.instrument.form(MEETING_FORM)
        clock = begins
        meeting.put("meeting_started_at", clock)
        for section in form.sections_for(number):
            budget = section.budget_seconds or 0
            sid = section.id
            meeting.put(f"{sid}_budget_seconds", budget)
            if section.condition is not None:
                runs = prep.get(section.condition) == "yes"
                meeting.put(f"{sid}_skipped", not runs)
                if not runs:
                    continue
            factor = rng.lognormvariate(0, 0.22) * self.samples.pace(sid)
            seconds = max(20, round(budget * factor))
            meeting.put(f"{sid}_started_at", clock)
            for item in section.items_for(number):
                moment = clock + timedelta(seconds=rng.randint(5, max(6, seconds - 5)))
                asked_name = f"{item.id}_asked"
                if asked_name in meeting.types:  # a prompt: asked or not, then its notes
                    chance = self.samples.for_item(item).asked  # None: always asked
                    asked = chance is None or rng.random() < chance
                    meeting.put(asked_name, asked)
                    if not asked:
                        continue
                self.answer(meeting, item, around=begins.date(), moment=moment)
            clock += timedelta(seconds=seconds)
            meeting.put(f"{sid}_ended_at", clock)
            meeting.put(f"{sid}_seconds", seconds)
        meeting.put("meeting_ended_at", clock)
        meeting.put("meeting_seconds", round((clock - begins).total_seconds()))
        self.save(meeting, MEETING_FORM, number, clock + timedelta(seconds=rng.randint(5, 60)))
        return clock

    def debrief(self, number: int, after: datetime) -> None:
        rng = self.rng
        begins = after + timedelta(minutes=rng.randint(1, 4))
        seconds = round(900 * rng.lognormvariate(0, 0.2))
        debrief = _Writer(self.instrument, "debrief", number)
        debrief.put("debrief_started_at", begins)
        for item in self.instrument.form("debrief").items_for(number):
            self.answer(debrief, item, around=begins.date())
        ends = begins + timedelta(seconds=seconds)
        debrief.put("debrief_ended_at", ends)
        debrief.put("debrief_seconds", seconds)
        self.save(debrief, "debrief", number, ends + timedelta(seconds=30))
