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

from widgets.apps.meeting.card import load_shared_prep
from widgets.apps.meeting.drafts import MeetingDraft, save_meeting_draft, tick_stamp
from widgets.apps.meeting.plan import meeting_plan, meeting_total_seconds, running_items
from widgets.apps.meeting.timer import MeetingTimer
from widgets.clock import utc_now
from widgets.instrument.instrument import Instrument
from widgets.instrument.rules import MEETING_FORM
from widgets.instrument.yaml_loading import load_instrument
from widgets.paths import is_training_folder
from widgets.store.drafts import DraftStore
from widgets.store.registry import Engagement
from widgets.store.responses import ResponseStore
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
            start_live_meeting(
                root, engagement.engagement_id, minutes_ago=14, clock=clock, instrument=instrument
            )
        samples.append(SampleEngagement(stage, description, engagement))
    return samples


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
