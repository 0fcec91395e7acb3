"""The store rows a meeting leaves behind: written once at End, again for corrections.

End writes every note, asked marker and tick, plus the derived timing rows the
instrument names (:func:`widgets.instrument.model.derived_meeting_items`), so analysts
see where the 30 minutes went. A correction after the meeting changes notes and asked
markers only: the times and ticks stay exactly as they were recorded in the room.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from widgets.apps.meeting.plan import section_of_form
from widgets.apps.meeting.timer import MeetingTimer
from widgets.instrument.derived_items import derived_meeting_items
from widgets.instrument.model import Form
from widgets.instrument.rules import MEETING_FORM
from widgets.store.records import Answer

__all__ = ["MeetingNotes", "corrected_answers", "meeting_answers"]


class MeetingNotes(Protocol):
    """Where the coach's notes, asked markers and ticks are read from, by item id."""

    def notes(self, item_id: str) -> str: ...

    def asked(self, item_id: str) -> bool: ...

    def ticked_at(self, item_id: str) -> str: ...


def meeting_answers(
    form: Form,
    meeting_number: int,
    *,
    instrument_version: str,
    timer: MeetingTimer,
    notes: MeetingNotes,
) -> list[Answer]:
    """Every row of an ended meeting; a skipped part keeps its budget and nothing typed."""
    recorded = timer.recorded_values()
    answers: list[Answer] = []
    derived = derived_meeting_items(form, meeting_number, version=instrument_version)
    kinds = {e.item_id: e.type for e in derived}
    for entry in derived:
        if entry.section == MEETING_FORM and entry.item_id in recorded:
            answers.append(Answer(MEETING_FORM, entry.item_id, entry.type, recorded[entry.item_id]))
    for planned in timer.sections:
        sid = planned.id
        section = section_of_form(form, sid)

        def add(item_id: str, value: str, section_id: str = sid) -> None:
            if value != "":
                answers.append(Answer(section_id, item_id, kinds[item_id], value))

        add(f"{sid}_started_at", recorded.get(f"{sid}_started_at", ""))
        for item in section.items_for(meeting_number):
            if item.type == "prompt":
                text = "" if planned.skipped else notes.notes(item.id)
                if text.strip():
                    answers.append(Answer(sid, item.id, item.type, text))
                asked = not planned.skipped and notes.asked(item.id)
                add(f"{item.id}_asked", "yes" if asked else "no")
            elif item.type == "checkpoint":
                ticked = "" if planned.skipped else notes.ticked_at(item.id)
                if ticked:
                    answers.append(Answer(sid, item.id, item.type, ticked))
        for suffix in ("ended_at", "seconds", "budget_seconds", "extended_seconds"):
            add(f"{sid}_{suffix}", recorded.get(f"{sid}_{suffix}", ""))
        if f"{sid}_skipped" in kinds:
            add(f"{sid}_skipped", "yes" if planned.skipped else "no")
    return answers


def corrected_answers(
    saved: Iterable[Answer], form: Form, prompt_ids: Sequence[str], notes: MeetingNotes
) -> list[Answer]:
    """The saved rows with the prompts' notes and asked markers replaced by ``notes``."""
    corrected = set(prompt_ids)
    kept = [
        a
        for a in saved
        if a.item_id not in corrected and a.item_id.removesuffix("_asked") not in corrected
    ]
    updated: list[Answer] = []
    for pid in prompt_ids:
        section = form.section_of(pid).id
        text = notes.notes(pid)
        if text.strip():
            updated.append(Answer(section, pid, "prompt", text))
        updated.append(
            Answer(section, f"{pid}_asked", "yes_no", "yes" if notes.asked(pid) else "no")
        )
    return kept + updated
