"""Sample engagements for training: a handful of made-up coachees at different stages.

They come from the same synthetic generator the analysts use (:mod:`widgets.training.demo`), so
a trainer shows exactly the kind of data the program collects, and they are written
through the registry and the store like any real answer. Only training folders take
them: loading samples into real program data is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from widgets.instrument.instrument import Instrument
from widgets.instrument.yaml_loading import load_instrument
from widgets.shell.context import is_training_folder
from widgets.store.registry import Engagement
from widgets.store.responses import utc_now
from widgets.training.demo import DemoEngagement, generate_program, write_engagement

__all__ = ["SAMPLE_STAGES", "SampleEngagement", "load_samples", "start_live_meeting"]

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


def _goal_alignment_ok(demo: DemoEngagement) -> bool:
    return any(
        a.item_id == "goal_alignment_ok" and a.value == "yes"
        for s in demo.submissions
        if s.form == "prep"
        for a in s.answers
    )


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
            return _has_all(d, forms) and d.first_name not in names and live_ready

        index, demo = _pick(instrument, used, fits)
        used.add(index)
        names.add(demo.first_name)
        engagement, _saves, _rows = write_engagement(
            demo, root, instrument=instrument, only=set(forms)
        )
        if stage == "meeting_live":
            start_live_meeting(root, engagement.engagement_id, minutes_ago=14, clock=clock)
        samples.append(SampleEngagement(stage, description, engagement))
    return samples


def start_live_meeting(
    root: Path,
    engagement_id: str,
    *,
    minutes_ago: float = 14,
    clock: Callable[[], datetime] = utc_now,
) -> None:
    """Leave meeting 1 of an engagement running since ``minutes_ago``, notes under way.

    The meeting app is driven as a coach would (start, next section, notes) on a clock
    set back in time; its draft then resumes on the real clock with the time running.
    """
    from widgets.apps.meeting.app import MeetingApp  # the live app is only needed for this stage

    began = clock() - timedelta(minutes=minutes_ago)
    offset: list[timedelta] = [timedelta(0)]
    app = MeetingApp(
        root=root,
        params={"engagement": engagement_id, "meeting": "1", "training": "1"},
        clock=lambda: began + offset[0],
    )
    try:
        app.start()
        app.checkpoint("opening_thanks").field.set_value("yes")
        offset[0] = timedelta(minutes=1)
        app.checkpoint("opening_purpose").field.set_value("yes")
        offset[0] = timedelta(minutes=3, seconds=10)
        app.next()
        offset[0] = timedelta(minutes=6)
        best = app.prompt("strengths_best")
        best.field.set_value(
            "The product launch in spring: calm under pressure, kept the whole team together."
        )
        offset[0] = timedelta(minutes=10)
        impact = app.prompt("strengths_impact")
        impact.field.set_value(
            "New starters: they become productive within weeks thanks to the onboarding."
        )
        offset[0] = timedelta(minutes=minutes_ago)
    finally:
        app.close()
