"""Which agenda parts a meeting runs, with their budgets, and which items they hold.

The plan is fixed when a meeting opens: a part whose condition the coachee did not
agree to in prep (goal alignment) is skipped, silently on the shared screen, with its
minutes going back to the pool (see :mod:`widgets.apps.meeting.timer`). The live app
and the training samples both plan through here, so a sample meeting runs exactly the
parts a real one would.
"""

from __future__ import annotations

from widgets.apps.meeting.card import SharedPrep
from widgets.apps.meeting.timer import MeetingTimer, PlannedSection
from widgets.instrument.model import Form, Section

__all__ = ["meeting_plan", "meeting_total_seconds", "running_items", "section_of_form"]


def meeting_total_seconds(form: Form) -> int | None:
    """The whole meeting's budget, or ``None`` for the sum of its parts."""
    return None if form.total_minutes is None else form.total_minutes * 60


def meeting_plan(
    form: Form, meeting_number: int, shared_prep: SharedPrep | None
) -> list[PlannedSection]:
    """Every part of that meeting in order, skipped where prep did not agree to it."""
    plan = []
    for section in form.sections_for(meeting_number):
        skipped, reason = False, ""
        if section.condition is not None:
            if shared_prep is None:
                skipped = True
                reason = "no prep saved, so there is no agreement to talk about this"
            elif shared_prep.get(section.condition) != "yes":
                skipped = True
                reason = "agreed in prep to leave it out of this meeting"
        plan.append(
            PlannedSection(
                id=section.id,
                title=section.title,
                budget_seconds=section.budget_seconds or 0,
                skipped=skipped,
                skip_reason=reason,
            )
        )
    return plan


def section_of_form(form: Form, section_id: str) -> Section:
    return next(s for s in form.sections if s.id == section_id)


def running_items(
    form: Form, meeting_number: int, timer: MeetingTimer, kind: str
) -> list[tuple[str, str]]:
    """(section id, item id) of every item of that type in the parts that run."""
    return [
        (planned.id, item.id)
        for planned in timer.running
        for item in section_of_form(form, planned.id).items_for(meeting_number)
        if item.type == kind
    ]
