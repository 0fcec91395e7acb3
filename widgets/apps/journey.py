"""Where an engagement stands: one status per step of the alignment-meeting journey.

A coach runs many engagements at once and needs to see, at a glance, which step comes
next for each. The statuses are worked out by pure functions from two small facts the
kit already keeps: which forms were submitted (``ResponseStore.submitted``, the index
alone, so 40 engagements cost 40 small reads) and which drafts exist. The pure part is
separated from the reading part (:func:`engagement_status`) so the rules can be tested
without files.

Steps follow DOMAIN.md: the coachee's checklist, the prep session, meeting 1 and its
debrief, then the optional second meeting with its own prep, meeting and debrief.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from widgets.apps.timing import DEFAULT_WINDOW, RecommendedWindow, TimingCheck, check_timing
from widgets.instrument.instrument import Instrument
from widgets.instrument.rules import MEETING_DATE_ROLE
from widgets.instrument.yaml_loading import load_instrument
from widgets.store.drafts import DraftStore
from widgets.store.registry import Engagement
from widgets.store.responses import ResponseStore

__all__ = [
    "JOURNEY_STEPS",
    "NOT_STARTED",
    "DRAFT",
    "DONE",
    "EngagementStatus",
    "JourneyStep",
    "StepStatus",
    "draft_has_content",
    "engagement_status",
    "meeting_date",
    "PRIVATE_MARK",
    "read_drafts",
    "step_statuses",
    "timing_status",
]

NOT_STARTED = "not_started"
DRAFT = "draft"
DONE = "done"

# Values an untouched form already holds: an unticked box is stored as "no", so a
# draft made of those alone is not work in progress.
_UNTOUCHED = frozenset({"", "no"})


@dataclass(frozen=True)
class JourneyStep:
    """One step: the form it saves, for which meeting, and the app page that opens it.

    ``draft_key`` is the DraftStore key the opening app keeps its draft under (the prep
    app keeps checklist and prep together under ``prep-<n>``).
    """

    key: str
    title: str
    form: str
    meeting_number: int
    notebook: str
    draft_key: str

    def link_params(self, engagement_id: str) -> dict[str, str | int]:
        return {"engagement": engagement_id, "meeting": self.meeting_number}


JOURNEY_STEPS: tuple[JourneyStep, ...] = (
    JourneyStep("checklist", "Checklist", "checklist", 1, "prep.ipynb", "prep-1"),
    JourneyStep("prep", "Prep", "prep", 1, "prep.ipynb", "prep-1"),
    JourneyStep("meeting-1", "Meeting 1", "meeting", 1, "meeting.ipynb", "meeting-1"),
    JourneyStep("debrief-1", "Debrief 1", "debrief", 1, "debrief.ipynb", "debrief-1"),
    JourneyStep("prep-2", "Prep 2", "prep", 2, "prep.ipynb", "prep-2"),
    JourneyStep("meeting-2", "Meeting 2", "meeting", 2, "meeting.ipynb", "meeting-2"),
    JourneyStep("debrief-2", "Debrief 2", "debrief", 2, "debrief.ipynb", "debrief-2"),
)


@dataclass(frozen=True)
class StepStatus:
    """``state`` is not_started, draft or done; a done step may also have a newer draft
    (a correction in progress), which ``has_draft`` says."""

    step: JourneyStep
    state: str
    revision: int | None = None
    has_draft: bool = False

    @property
    def label(self) -> str:
        """In a coach's words: how many times a step was corrected, or that the kit
        keeps drafts at all, is storage detail, not where the engagement stands."""
        if self.state == DONE:
            return "done, changes not submitted" if self.has_draft else "done"
        return "in progress" if self.state == DRAFT else "not started"


def draft_has_content(data: Mapping[str, Any] | None, form: str) -> bool:
    """True when a draft holds something typed for ``form``.

    Apps keep ``{form_id: {item_id: value}}`` in a draft (a form's part may be missing).
    A draft without a part for that form counts when anything in it was typed, so an
    app with its own draft shape (e.g. the live meeting) still shows as in progress.
    """
    if not data:
        return False
    part = data.get(form)
    if isinstance(part, Mapping):
        return any(_typed(v) for v in part.values())
    if any(isinstance(v, Mapping) and k in _FORMS for k, v in data.items()):
        return False  # a draft of other forms only (e.g. the checklist part alone)
    return any(_typed(v) for v in data.values())


_FORMS = frozenset(step.form for step in JOURNEY_STEPS)


def _typed(value: Any) -> bool:
    if isinstance(value, Mapping):
        return any(_typed(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_typed(v) for v in value)
    if value is None or isinstance(value, bool):
        return bool(value)
    return str(value).strip() not in _UNTOUCHED


def step_statuses(
    submitted: Mapping[tuple[str, int], int],
    drafts: Mapping[str, Mapping[str, Any]],
    steps: Iterable[JourneyStep] = JOURNEY_STEPS,
) -> tuple[StepStatus, ...]:
    """The status of every step from ``store.submitted()`` and the drafts by key."""
    found = []
    for step in steps:
        revision = submitted.get((step.form, step.meeting_number))
        has_draft = draft_has_content(drafts.get(step.draft_key), step.form)
        if revision:
            found.append(StepStatus(step, DONE, revision, has_draft))
        elif has_draft:
            found.append(StepStatus(step, DRAFT, None, True))
        else:
            found.append(StepStatus(step, NOT_STARTED))
    return tuple(found)


def _as_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).date() if "T" in text else date.fromisoformat(text)
    except ValueError:
        return None


def meeting_date(
    checklist: Mapping[str, str] | None, meeting: Mapping[str, str] | None
) -> tuple[date | None, bool]:
    """The meeting's date and whether it was held (True) or only planned (False).

    A held meeting's own start time beats the planned date in the checklist: plans slip,
    and the window check should judge what happened.
    """
    held = _as_date((meeting or {}).get("meeting_started_at"))
    if held is not None:
        return held, True
    planned = load_instrument().item_with_role(MEETING_DATE_ROLE)
    if planned is None:
        return None, False
    return _as_date((checklist or {}).get(planned.id)), False


def timing_status(
    start: date, when: date | None, window: RecommendedWindow = DEFAULT_WINDOW
) -> TimingCheck | None:
    """The window check for the first meeting, or None while no date is known."""
    return None if when is None else check_timing(start, when, window)


@dataclass(frozen=True)
class EngagementStatus:
    """Everything the home page shows for one engagement: no answers, only states."""

    engagement: Engagement
    steps: tuple[StepStatus, ...]
    meeting_date: date | None
    meeting_held: bool
    timing: TimingCheck | None

    def step(self, key: str) -> StepStatus:
        for status in self.steps:
            if status.step.key == key:
                return status
        raise KeyError(f"no journey step {key!r}; known: {[s.step.key for s in self.steps]}")

    @property
    def next_step(self) -> StepStatus | None:
        """The first step of the first meeting not done yet (the second is optional)."""
        return next((s for s in self.steps if s.state != DONE), None)


# What a coachee-only answer becomes when a page that may be shared reads a draft: it
# still counts as typed (the step is in progress), but its words never reach the page.
PRIVATE_MARK = "(private)"


def _without_private(data: dict[str, Any], instrument: Instrument) -> dict[str, Any]:
    """The draft with every coachee-only answer replaced by :data:`PRIVATE_MARK`.

    Drafts of the prep hold off-limits topics, concerns and the like; the home page may
    be on a shared screen, so it reads each draft through the instrument's visibility
    declaration like every other page does.
    """
    masked: dict[str, Any] = {}
    for part, values in data.items():
        if part in instrument.forms and isinstance(values, Mapping):
            form = instrument.forms[part]
            masked[part] = {
                item_id: (
                    PRIVATE_MARK
                    if value
                    and form.has_item(item_id)
                    and not form.item(item_id).reaches("program")
                    else value
                )
                for item_id, value in values.items()
            }
        else:
            masked[part] = values
    return masked


def read_drafts(
    drafts: DraftStore, engagement_id: str, instrument: Instrument | None = None
) -> dict[str, dict[str, Any]]:
    """Every readable draft of an engagement, by key (unreadable files are skipped), with
    coachee-only answers masked (see :func:`_without_private`)."""
    instrument = instrument or load_instrument()
    folder: Path = drafts.folder / engagement_id
    found: dict[str, dict[str, Any]] = {}
    if not folder.is_dir():
        return found
    for path in folder.glob("*.json"):
        try:
            loaded = drafts.load(engagement_id, path.stem)
        except ValueError:
            continue
        if loaded is not None:
            found[path.stem] = _without_private(loaded[1], instrument)
    return found


def engagement_status(
    engagement: Engagement,
    store: ResponseStore,
    drafts: DraftStore,
    window: RecommendedWindow = DEFAULT_WINDOW,
) -> EngagementStatus:
    """Read what the store and drafts hold for one engagement and judge each step."""
    eid = engagement.engagement_id
    submitted = store.submitted(eid)
    draft_data = read_drafts(drafts, eid)
    checklist: Mapping[str, str] | None = None
    if ("checklist", 1) in submitted:
        saved = store.latest(eid, "checklist", 1)
        checklist = saved.values() if saved else None
    elif isinstance(draft_data.get("prep-1", {}).get("checklist"), Mapping):
        checklist = draft_data["prep-1"]["checklist"]
    meeting: Mapping[str, str] | None = None
    if ("meeting", 1) in submitted:
        saved = store.latest(eid, "meeting", 1)
        meeting = saved.values() if saved else None
    when, held = meeting_date(checklist, meeting)
    return EngagementStatus(
        engagement=engagement,
        steps=step_statuses(submitted, draft_data),
        meeting_date=when,
        meeting_held=held,
        timing=timing_status(engagement.start_date, when, window),
    )
