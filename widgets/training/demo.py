"""Synthetic program data: made-up engagements, written through the real store.

    python -m widgets.training.demo --engagements 500 --seed 1 --out DIR

Demos, training and the analysis notebook need data that looks like a real program
(varied timings, overruns, consents, second meetings, corrected forms) without anyone's
real answers. Everything goes through ``EngagementRegistry`` and ``ResponseStore.submit``,
so the files are always exactly what the kit itself writes, and item names come from the
instrument's codebook rather than being typed out here.

The answers are a pure function of the seed (``generate_program``). The identifiers the
registry and the store issue (engagement, session and record ids) stay random on purpose:
they must never carry information, so two runs with one seed give the same answers
under different ids.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from widgets.instrument.codebook import ensure_codebook
from widgets.instrument.derived_items import derived_meeting_items
from widgets.instrument.instrument import Instrument
from widgets.instrument.yaml_loading import load_instrument
from widgets.store.registry import Engagement, EngagementRegistry
from widgets.store.responses import Answer, ResponseStore

__all__ = [
    "FIRST_NAMES",
    "COACHES",
    "PROGRAMS",
    "DemoSubmission",
    "write_engagement",
    "DemoEngagement",
    "generate_program",
    "write_program",
    "main",
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
    "Leading Teams": ("2025-spring", "2025-autumn"),
    "New Managers": ("2025-spring", "2025-summer", "2025-autumn"),
    "Senior Leaders": ("2025-cohort-1",),
}
_COHORT_START = {
    "2025-spring": date(2025, 3, 3),
    "2025-summer": date(2025, 6, 2),
    "2025-autumn": date(2025, 9, 1),
    "2025-cohort-1": date(2025, 4, 7),
}
_ZONES = (0, 1, 2, -5)

_ASKS = (
    ("priorities", 0.62),
    ("feedback", 0.5),
    ("strengths_opportunities", 0.44),
    ("support", 0.33),
)
# How likely each prompt is asked: the superhero question is skipped most often.
_ASKED = {
    "strengths_best": 0.96,
    "strengths_impact": 0.9,
    "strengths_values": 0.75,
    "strengths_superpower": 0.55,
    "insights_value": 0.9,
    "insights_gift": 0.7,
    "insights_blindspot": 0.8,
    "insights_handover": 0.6,
}
# Mean overrun factor per section: the manager talks longest about strengths.
_PACE = {"opening": 1.1, "strengths": 1.12, "insights": 0.98, "followup": 1.05, "goals": 1.0}

_FRAGMENTS = {
    "success": (
        "I understand how my manager sees my strengths",
        "We agree on two or three coaching priorities",
        "I leave with concrete examples, not just impressions",
        "My manager knows how to support me over the next months",
    ),
    "note": (
        "The manager described {name} calming a tense client call",
        "Saw {name} at their best during the reorganisation, kept the team steady",
        "Most impact: bringing quieter colleagues into decisions",
        "Lines up well with the value 'own the outcome', less with 'speak up early'",
        'Superpower: turning a messy problem into a plan, "in an afternoon"',
        "Could add more value by sharing what they know across teams",
        "One gift: patience with slower processes",
        "Does not see how much others rely on them",
        "A next manager should know {name} needs room to try things",
        "- listed three things: delegation, pace, visibility",
        "+1 to the new weekly check-in, keep it",
        "Progress on delegation is visible; meetings are shorter, decisions clearer",
    ),
    "feeling": (
        "Relieved, it went better than I feared",
        "Energised, a bit overwhelmed by the detail",
        "Tired but glad we did it",
    ),
    "reflection": (
        "How specific the examples were",
        "That my manager noticed the work with the new joiners",
        "The gap between how I see my pace and how others see it",
        "Manager was open; {name} relaxed after the first five minutes",
        "Worth exploring: what 'visibility' means here, with examples",
    ),
    "plan": (
        "Pick one piece of feedback and try it in the next two weeks",
        "Bring the delegation example to the next session",
        "Ask for a monthly check-in on progress",
    ),
    "private": (
        "Happy to talk about delegation and how I run meetings",
        "Not my health, not the team restructure",
        "Worried the manager will focus only on weaknesses",
        "If it turns negative, the coach steers back to examples",
        "Want to come across as ready for more responsibility",
        "Curious rather than defensive",
        "I open with thanks and hand over to the coach",
        "The coach closes and we stay on for the huddle",
    ),
}


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
    """Builds one form's answers in instrument order, typed from the codebook."""

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
        if value is None or value == "":
            return
        if isinstance(value, bool):
            value = "yes" if value else "no"
        elif isinstance(value, datetime):
            value = value.isoformat(timespec="seconds")
        elif isinstance(value, date):
            value = value.isoformat()
        self.answers.append(Answer(section, item_id, kind, str(value)))

    def done(self) -> tuple[Answer, ...]:
        return tuple(self.answers)


class _Engagement:
    """The random choices for one engagement, drawn in a fixed order from one rng."""

    def __init__(self, rng: random.Random, instrument: Instrument) -> None:
        self.rng = rng
        self.instrument = instrument
        self.name = rng.choice(FIRST_NAMES)
        self.coach = rng.choice(COACHES)
        self.program = rng.choice(sorted(PROGRAMS))
        self.cohort = rng.choice(PROGRAMS[self.program])
        self.start = _COHORT_START[self.cohort] + timedelta(days=rng.randint(0, 20))
        self.zone = timezone(timedelta(hours=_ZONES[COACHES.index(self.coach) % len(_ZONES)]))
        self.consent = rng.random() < 0.7
        self.saves: list[DemoSubmission] = []

    def text(self, kind: str, chance: float = 1.0) -> str:
        if self.rng.random() >= chance:
            return ""
        parts = self.rng.sample(_FRAGMENTS[kind], k=self.rng.randint(1, 2))
        return ". ".join(parts).replace("{name}", self.name)

    def save(self, writer: _Writer, form: str, number: int, when: datetime) -> None:
        self.saves.append(DemoSubmission(form, number, when, writer.done()))

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

        checklist = _Writer(self.instrument, "checklist", number)
        for item in ("success_defined", "ground_rules_set", "prep_booked", "meeting_booked"):
            checklist.put(item, rng.random() < 0.93)
        checklist.put("meeting_date", day)
        self.save(checklist, "checklist", number, begins - timedelta(days=rng.randint(14, 25)))
        if rng.random() < 0.04:
            return False  # the meeting has not happened yet

        prep = _Writer(self.instrument, "prep", number)
        prep.put("success", self.text("success"))
        asks = [value for value, chance in _ASKS if rng.random() < chance] or ["priorities"]
        prep.put("asks", ";".join(asks))
        prep.put("asks_other", self.text("plan", 0.2))
        for item in ("perception", "mindset", "share_topics", "off_limits"):
            prep.put(item, self.text("private", 0.85))
        prep.put("concerns", self.text("private", 0.6))
        prep.put("concern_plan", self.text("private", 0.5))
        prep.put("opening_lead", "coach" if rng.random() < 0.6 else "coachee")
        prep.put("opening_plan", self.text("private", 0.7))
        prep.put("closing_lead", "coach" if rng.random() < 0.75 else "coachee")
        prep.put("closing_plan", self.text("private", 0.6))
        goals_ok = rng.random() < (0.65 if number == 1 else 0.8)
        prep.put("goal_alignment_ok", goals_ok)
        prep.put("text_consent", self.consent)
        if number == 2:
            prep.put("progress_focus", self.text("plan"))
        prep_time = begins - timedelta(days=rng.randint(2, 9))
        self.save(prep, "prep", number, prep_time)
        if rng.random() < 0.06:  # a corrected prep: a changed mind on goals or consent
            fixed = _Writer(self.instrument, "prep", number)
            for answer in prep.answers:
                value = answer.value
                if answer.item_id == "text_consent":
                    self.consent = not self.consent
                    value = "yes" if self.consent else "no"
                fixed.answers.append(
                    Answer(answer.section, answer.item_id, answer.item_type, value)
                )
            self.save(fixed, "prep", number, prep_time + timedelta(days=1))
        if rng.random() < 0.03:
            return False

        ended = self.live_meeting(number, begins, goals_ok)
        self.debrief(number, ended)
        return True

    def live_meeting(self, number: int, begins: datetime, goals_ok: bool) -> datetime:
        rng = self.rng
        meeting = _Writer(self.instrument, "meeting", number)
        form = self.instrument.form("meeting")
        clock = begins
        meeting.put("meeting_started_at", clock)
        for section in form.sections_for(number):
            budget = section.budget_seconds or 0
            sid = section.id
            meeting.put(f"{sid}_budget_seconds", budget)
            if section.condition is not None:
                meeting.put(f"{sid}_skipped", not goals_ok)
                if not goals_ok:
                    continue
            factor = rng.lognormvariate(0, 0.22) * _PACE.get(sid, 1.0)
            seconds = max(20, round(budget * factor))
            meeting.put(f"{sid}_started_at", clock)
            for item in section.items_for(number):
                moment = clock + timedelta(seconds=rng.randint(5, max(6, seconds - 5)))
                if item.type == "checkpoint":
                    ticked = rng.random() < (0.93 if item.id != "close_anything_else" else 0.8)
                    meeting.put(item.id, moment if ticked else "")
                elif item.type == "prompt":
                    asked = rng.random() < _ASKED.get(item.id, 0.85)
                    meeting.put(f"{item.id}_asked", asked)
                    if asked:
                        meeting.put(item.id, self.text("note", 0.9))
            clock += timedelta(seconds=seconds)
            meeting.put(f"{sid}_ended_at", clock)
            meeting.put(f"{sid}_seconds", seconds)
        meeting.put("meeting_ended_at", clock)
        meeting.put("meeting_seconds", round((clock - begins).total_seconds()))
        self.save(meeting, "meeting", number, clock + timedelta(seconds=rng.randint(5, 60)))
        return clock

    def debrief(self, number: int, after: datetime) -> None:
        rng = self.rng
        begins = after + timedelta(minutes=rng.randint(1, 4))
        seconds = round(900 * rng.lognormvariate(0, 0.2))
        debrief = _Writer(self.instrument, "debrief", number)
        debrief.put("debrief_started_at", begins)
        feeling = rng.choices((1, 2, 3, 4, 5), weights=(3, 7, 20, 42, 28))[0]
        debrief.put("feeling", feeling)
        debrief.put("feeling_note", self.text("feeling", 0.5))
        debrief.put("stood_out_coachee", self.text("reflection", 0.9))
        debrief.put("stood_out_coach", self.text("reflection", 0.9))
        debrief.put("use_of_info", self.text("plan", 0.8))
        change = rng.choices(("yes", "no", "not_sure"), weights=(35, 45, 20))[0]
        debrief.put("priorities_change", change)
        if change == "yes":
            debrief.put("priorities_note", self.text("plan"))
        debrief.put("go_deeper", rng.choices(("yes", "no", "not_sure"), weights=(55, 20, 25))[0])
        ends = begins + timedelta(seconds=seconds)
        debrief.put("debrief_ended_at", ends)
        debrief.put("debrief_seconds", seconds)
        self.save(debrief, "debrief", number, ends + timedelta(seconds=30))
        if rng.random() < 0.05:  # feeling corrected later that day
            fixed = _Writer(self.instrument, "debrief", number)
            for answer in debrief.answers:
                value = str(min(5, feeling + 1)) if answer.item_id == "feeling" else answer.value
                fixed.answers.append(
                    Answer(answer.section, answer.item_id, answer.item_type, value)
                )
            self.save(fixed, "debrief", number, ends + timedelta(hours=3))


def generate_program(
    engagements: int, seed: int, *, instrument: Instrument | None = None
) -> Iterator[DemoEngagement]:
    """Yield ``engagements`` made-up engagements; the same seed gives the same answers.

    A generator, so a benchmark can turn a million rows into a file without holding
    them all as objects at once.
    """
    if engagements < 0:
        raise ValueError(f"engagements must be 0 or more, not {engagements}.")
    instrument = instrument or load_instrument()
    rng = random.Random(seed)
    for _ in range(engagements):
        one = _Engagement(random.Random(rng.getrandbits(64)), instrument)
        yield one.build(second_meeting=rng.random() < 0.3)


@dataclass(frozen=True)
class DemoSummary:
    engagements: int
    submissions: int
    rows: int
    seconds: float


def write_engagement(
    demo: DemoEngagement,
    root: Path,
    *,
    instrument: Instrument,
    only: Collection[tuple[str, int]] | None = None,
) -> tuple[Engagement, int, int]:
    """Register one made-up engagement and save its forms, each stamped at its own time.

    ``only`` keeps just the listed (form, meeting_number) saves, so a training sample
    can stop at any stage. Returns the engagement, the saves and the rows written.
    """
    engagement = EngagementRegistry(root).create(
        first_name=demo.first_name,
        coach=demo.coach,
        program=demo.program,
        cohort=demo.cohort,
        start_date=demo.start_date,
    )
    moment: list[datetime] = [datetime.now(timezone.utc)]
    store = ResponseStore(root, clock=lambda: moment[0])
    submissions = rows = 0
    for save in demo.submissions:
        if only is not None and (save.form, save.meeting_number) not in only:
            continue
        moment[0] = save.recorded_at
        store.submit(
            engagement_id=engagement.engagement_id,
            form=save.form,
            meeting_number=save.meeting_number,
            answers=save.answers,
            instrument_version=instrument.version,
        )
        submissions += 1
        rows += len(save.answers)
    return engagement, submissions, rows


def write_program(
    out: Path | str,
    engagements: int,
    seed: int,
    *,
    instrument: Instrument | None = None,
    progress: Callable[[int], None] | None = None,
) -> DemoSummary:
    """Write a made-up program into the data root ``out`` through the registry and store."""
    started = time.perf_counter()
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    instrument = instrument or load_instrument()
    submissions = rows = count = 0
    for count, demo in enumerate(
        generate_program(engagements, seed, instrument=instrument), start=1
    ):
        _engagement, saved, written = write_engagement(demo, root, instrument=instrument)
        submissions += saved
        rows += written
        if progress is not None:
            progress(count)
    ensure_codebook(root, instrument)
    return DemoSummary(count, submissions, rows, time.perf_counter() - started)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m widgets.training.demo",
        description="Write a made-up coaching program (fictional names) into a data folder.",
    )
    parser.add_argument("--engagements", type=int, default=500, help="how many (default 500)")
    parser.add_argument("--seed", type=int, default=1, help="same seed, same answers")
    parser.add_argument("--out", required=True, type=Path, help="data folder to write into")
    args = parser.parse_args(argv)
    if args.engagements < 0:
        parser.error(f"--engagements must be 0 or more, not {args.engagements}")
    if (args.out / "responses.csv").exists():
        parser.error(
            f"{args.out} already holds responses.csv; demo data must not mix with other "
            "data. Choose an empty folder."
        )
    summary = write_program(args.out, args.engagements, args.seed)
    print(
        f"Wrote {summary.engagements} made-up engagements ({summary.submissions} saves, "
        f"{summary.rows} rows) to {args.out} in {summary.seconds:.1f} s."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
