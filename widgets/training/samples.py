"""Sample engagements for training: a handful of made-up coachees at different stages.

They come from the same synthetic generator the analysts use (:mod:`widgets.training.demo`), so
a trainer shows exactly the kind of data the program collects, and they are written
through the registry and the store like any real answer. Only training folders take
them: loading samples into real program data is refused.

Samples are dated around the day they are loaded (:mod:`widgets.training.sample_dates`)
and the meeting under way starts its clock at that moment. Loading again replaces what
the space holds instead of adding five more coachees each press; the tour seeds a space
once (:func:`ensure_samples`) so a presenter's coachees are never swapped mid-talk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from widgets.apps.meeting.card import load_shared_prep
from widgets.apps.meeting.drafts import MeetingDraft, save_meeting_draft, tick_stamp
from widgets.apps.meeting.plan import meeting_plan, meeting_total_seconds, running_items
from widgets.apps.meeting.timer import MeetingTimer
from widgets.clock import utc_now
from widgets.instrument.instrument import Instrument
from widgets.instrument.rules import MEETING_FORM
from widgets.instrument.yaml_loading import load_instrument
from widgets.paths import SAMPLES_FILE, is_training_folder
from widgets.shell.context import reset_training
from widgets.store.drafts import DraftStore
from widgets.store.registry import Engagement
from widgets.store.responses import ResponseStore
from widgets.training.demo import DemoEngagement, generate_program, write_engagement
from widgets.training.sample_dates import days_to_move, moved_by

__all__ = [
    "SAMPLE_STAGES",
    "TOUR_STAGE",
    "SampleEngagement",
    "ensure_samples",
    "load_samples",
    "replace_with_samples",
    "saved_samples",
    "start_live_meeting",
]

SAMPLE_SEED = 20261123

# Stage id -> (what the trainer sees, forms saved: (form, meeting_number) in order).
SAMPLE_STAGES: dict[str, tuple[str, tuple[tuple[str, int], ...]]] = {
    "checklist": ("Checklist done; prep still to do", (("checklist", 1),)),
    "prepared": ("Prep done; meeting 1 not yet held", (("checklist", 1), ("prep", 1))),
    "meeting_live": (
        "Meeting 1 half-way through, its clock running",
        (("checklist", 1), ("prep", 1)),
    ),
    "debriefed": (
        "Meeting 1 and debrief done",
        (("checklist", 1), ("prep", 1), ("meeting", 1), ("debrief", 1)),
    ),
    "second_meeting": (
        "Second meeting and its debrief done",
        (
            ("checklist", 1),
            ("prep", 1),
            ("meeting", 1),
            ("debrief", 1),
            ("prep", 2),
            ("meeting", 2),
            ("debrief", 2),
        ),
    ),
}


# The live sample: what the coach has noted, and when each opening checkpoint was ticked.
_LIVE_NOTES = {
    "strengths_best": (
        "The product launch in spring: calm under pressure, kept the whole team together."
    ),
    "strengths_impact": (
        "New starters: they become productive within weeks thanks to the onboarding."
    ),
}
_LIVE_TICKS = {"opening_thanks": timedelta(0), "opening_purpose": timedelta(minutes=1)}


# The coachee the tour follows from checklist to second meeting: every step is saved.
TOUR_STAGE = "second_meeting"


@dataclass(frozen=True)
class SampleEngagement:
    stage: str
    description: str
    engagement: Engagement


def _candidates(instrument: Instrument) -> Iterator[DemoEngagement]:
    yield from generate_program(200, SAMPLE_SEED, instrument=instrument)


def _has_all(demo: DemoEngagement, forms: tuple[tuple[str, int], ...]) -> bool:
    saved = {(s.form, s.meeting_number) for s in demo.submissions}
    return set(forms) <= saved


def _prep_answer(demo: DemoEngagement, item_id: str, meeting_number: int = 1) -> str:
    return next(
        (
            a.value
            for s in demo.submissions
            if s.form == "prep" and s.meeting_number == meeting_number
            for a in s.answers
            if a.item_id == item_id
        ),
        "",
    )


def _goal_alignment_ok(demo: DemoEngagement) -> bool:
    return _prep_answer(demo, "goal_alignment_ok") == "yes"


def _tour_ready(demo: DemoEngagement) -> bool:
    """The tour shows a topic typed as off limits in prep, then absent from the meeting,
    and the goals part held: its coachee needs both."""
    return bool(_prep_answer(demo, "off_limits")) and _goal_alignment_ok(demo)


def _pick(
    instrument: Instrument, used: set[int], fits: Callable[[DemoEngagement], bool]
) -> tuple[int, DemoEngagement]:
    """The first generated engagement not used yet that fits a stage (deterministic)."""
    for index, demo in enumerate(_candidates(instrument)):
        if index not in used and fits(demo):
            return index, demo
    raise RuntimeError("the sample generator produced no engagement for a stage")


def load_samples(
    root: Path,
    *,
    clock: Callable[[], datetime] = utc_now,
    instrument: Instrument | None = None,
) -> list[SampleEngagement]:
    """Write one sample engagement per stage into the training folder ``root``."""
    if not is_training_folder(root):
        raise RuntimeError(
            f"{root} is not a training folder: sample engagements only go into training data."
        )
    instrument = instrument or load_instrument()
    used: set[int] = set()
    names: set[str] = set()
    samples: list[SampleEngagement] = []
    for stage, (description, forms) in SAMPLE_STAGES.items():

        def fits(
            d: DemoEngagement, forms: tuple[tuple[str, int], ...] = forms, stage: str = stage
        ) -> bool:
            live_ready = stage != "meeting_live" or _goal_alignment_ok(d)
            tour_ready = stage != TOUR_STAGE or _tour_ready(d)
            return _has_all(d, forms) and d.first_name not in names and live_ready and tour_ready

        index, demo = _pick(instrument, used, fits)
        used.add(index)
        names.add(demo.first_name)
        days = days_to_move(
            demo,
            stage,
            set(forms),
            clock().date(),
            instrument=instrument,
            live=stage == "meeting_live",
        )
        demo = moved_by(demo, days)
        engagement, _saves, _rows = write_engagement(
            demo, root, instrument=instrument, only=set(forms), clock=clock
        )
        if stage == "meeting_live":
            start_live_meeting(
                root, engagement.engagement_id, minutes_ago=14, clock=clock, instrument=instrument
            )
        samples.append(SampleEngagement(stage, description, engagement))
    _write_samples_file(root, samples)
    return samples


def _write_samples_file(root: Path, samples: list[SampleEngagement]) -> None:
    lines = [f"{s.stage}\t{s.engagement.engagement_id}" for s in samples]
    (root / SAMPLES_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")


def saved_samples(root: Path) -> dict[str, str]:
    """Stage -> engagement id of the samples loaded into ``root`` ({} if none)."""
    try:
        text = (root / SAMPLES_FILE).read_text(encoding="utf-8")
    except OSError:
        return {}
    pairs = (line.split("\t", 1) for line in text.splitlines() if "\t" in line)
    return {stage: eid for stage, eid in pairs}


def replace_with_samples(
    root: Path, *, clock: Callable[[], datetime] = utc_now
) -> list[SampleEngagement]:
    """Empty the training space ``root``, then load fresh samples: pressing Load again
    gives the same five coachees dated around today, never five more."""
    if not is_training_folder(root):
        raise RuntimeError(
            f"{root} is not a training folder: sample engagements only go into training data."
        )
    reset_training(root)
    return load_samples(root, clock=clock)


def ensure_samples(root: Path, *, clock: Callable[[], datetime] = utc_now) -> dict[str, str]:
    """Load samples into ``root`` once; later calls leave what is there untouched.

    Returns stage -> engagement id. A space that holds a trainee's own work but no
    samples gets the samples beside it (nothing is deleted).
    """
    saved = saved_samples(root)
    if set(saved) >= set(SAMPLE_STAGES):
        return saved
    load_samples(root, clock=clock)
    return saved_samples(root)


def start_live_meeting(
    root: Path,
    engagement_id: str,
    *,
    minutes_ago: float = 14,
    clock: Callable[[], datetime] = utc_now,
    instrument: Instrument | None = None,
) -> None:
    """Leave meeting 1 of an engagement running since ``minutes_ago``, notes under way.

    Written as the meeting page's own draft, in its one format
    (:mod:`widgets.apps.meeting.drafts`): started ``minutes_ago``, the opening ticked and
    left after 3:10, two strengths noted. The meeting page restores it on the real
    clock with the time running, exactly as after a reload mid-meeting.
    """
    if not is_training_folder(root):
        raise RuntimeError(
            f"{root} is not a training folder: a sample meeting only goes into training data."
        )
    instrument = instrument or load_instrument()
    form = instrument.form(MEETING_FORM)
    shared = load_shared_prep(ResponseStore(root), instrument.form("prep"), engagement_id, 1)
    began = clock() - timedelta(minutes=minutes_ago)
    now = [began]
    timer = MeetingTimer(
        meeting_plan(form, 1, shared),
        total_seconds=meeting_total_seconds(form),
        clock=lambda: now[0],
    )
    timer.start()
    now[0] = began + timedelta(minutes=3, seconds=10)
    timer.next()
    notes = {pid: _LIVE_NOTES.get(pid, "") for _sid, pid in running_items(form, 1, timer, "prompt")}
    ticks = {
        cid: tick_stamp(began + _LIVE_TICKS[cid]) if cid in _LIVE_TICKS else ""
        for _sid, cid in running_items(form, 1, timer, "checkpoint")
    }
    draft = MeetingDraft(
        timer=timer.to_dict(),
        notes=notes,
        asked={pid: bool(text) for pid, text in notes.items()},
        ticks=ticks,
    )
    save_meeting_draft(DraftStore(root), engagement_id, 1, draft)
