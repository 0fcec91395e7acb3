"""The meeting's draft: clock, notes, asked markers and ticks, saved on every change.

A reload or a restarted kernel mid-meeting must lose nothing and keep the clock where
it was, so the draft holds the timer's stored moments (:meth:`MeetingTimer.to_dict`),
never a count. One format, read and written here only: the live app keeps its draft
with it, and the training samples write a meeting "half-way through" with it directly.

On disk (JSON, under the engagement's private drafts, key ``meeting-<n>``)::

    {"timer": {...MeetingTimer.to_dict()...},
     "notes": {prompt id: text}, "asked": {prompt id: bool},
     "ticks": {checkpoint id: ISO UTC time of the tick, "" if not ticked}}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from widgets.apps.meeting.timer import MeetingTimer
from widgets.store.drafts import DraftStore

__all__ = [
    "MeetingDraft",
    "meeting_draft_key",
    "merge_drafts",
    "save_meeting_draft",
    "tick_stamp",
]


def meeting_draft_key(meeting_number: int) -> str:
    return f"meeting-{meeting_number}"


def tick_stamp(moment: datetime) -> str:
    """How a checkpoint's tick is kept (and later stored): UTC, to the millisecond."""
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def _texts(value: object) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


@dataclass(frozen=True)
class MeetingDraft:
    """One meeting in progress, as kept between keystrokes."""

    timer: Mapping[str, Any] | None
    notes: Mapping[str, str] = field(default_factory=dict)
    asked: Mapping[str, bool] = field(default_factory=dict)
    ticks: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> MeetingDraft:
        """Read a saved draft leniently: a part that is missing or malformed is empty."""
        timer = data.get("timer")
        return cls(
            timer=timer if isinstance(timer, Mapping) else None,
            notes=_texts(data.get("notes")),
            asked=_texts(data.get("asked")),
            ticks=_texts(data.get("ticks")),
        )

    def to_data(self) -> dict[str, Any]:
        return {
            "timer": None if self.timer is None else dict(self.timer),
            "notes": dict(self.notes),
            "asked": dict(self.asked),
            "ticks": dict(self.ticks),
        }

    def restore_timer(self, clock: Callable[[], datetime]) -> MeetingTimer:
        """The meeting clock as saved; ``KeyError`` or ``TimerError`` when unreadable."""
        if self.timer is None:
            raise KeyError("timer")
        return MeetingTimer.from_dict(self.timer, clock=clock)

    def pending_values(self) -> dict[str, str]:
        """Notes, ``<prompt>_asked`` and ticks by item id, as the store would name them."""
        values = {str(k): str(v) for k, v in self.notes.items() if v}
        values.update({f"{k}_asked": "yes" for k, v in self.asked.items() if v})
        values.update({str(k): str(v) for k, v in self.ticks.items() if v})
        return values


def merge_drafts(current: MeetingDraft, mine: MeetingDraft) -> MeetingDraft:
    """What a tab taking over the meeting from another tab saves.

    The clock is the meeting's, so it stays as the other tab left it (a Next pressed
    there is not undone). Notes typed in this tab win where it has any (the coach chose
    to carry on here and sees them); every tick and asked marker of either tab is kept.
    """
    notes = {**current.notes, **{k: v for k, v in mine.notes.items() if v}}
    asked = {
        k: bool(current.asked.get(k)) or bool(mine.asked.get(k))
        for k in {*current.asked, *mine.asked}
    }
    ticks = {
        k: current.ticks.get(k) or mine.ticks.get(k) or "" for k in {*current.ticks, *mine.ticks}
    }
    return MeetingDraft(timer=current.timer or mine.timer, notes=notes, asked=asked, ticks=ticks)


def save_meeting_draft(
    drafts: DraftStore, engagement_id: str, meeting_number: int, draft: MeetingDraft
) -> str:
    """Replace the meeting's draft; returns when it was saved."""
    return drafts.save(engagement_id, meeting_draft_key(meeting_number), draft.to_data())
