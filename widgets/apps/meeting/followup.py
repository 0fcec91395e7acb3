"""Meeting 2's memory of meeting 1: beside each follow-up prompt, what the manager said.

A second alignment meeting asks about progress and changes since the first; the coach
asks better questions with the first meeting's words at hand. Only meeting 1's own
notes are offered, which the manager heard; never prep items or debrief answers: those
are the coachee's, and the meeting screen may be shared. A line of those notes that
shares a significant word with an off-limits topic is held back, and the panel says only
how many, in a collapsed coach note.
"""

from __future__ import annotations

import html

from widgets.apps.meeting.card import off_limits_screen
from widgets.apps.meeting.clock_html import coach_hint_html
from widgets.instrument.content import FollowupContext
from widgets.instrument.instrument import Instrument
from widgets.instrument.rules import MEETING_FORM
from widgets.instrument.screening import held_back_note
from widgets.store.responses import ResponseStore

__all__ = ["EarlierNotes", "earlier_html", "earlier_notes"]


class EarlierNotes(dict[str, str]):
    """Meeting 1's notes by item id, already screened, and how many lines of each were
    held back (``held_back``) so the panel can tell the coach without quoting them."""

    def __init__(self) -> None:
        super().__init__()
        self.held_back: dict[str, int] = {}


def earlier_notes(
    store: ResponseStore, instrument: Instrument, engagement_id: str
) -> dict[str, str]:
    """Meeting 1's notes named by the instrument's ``followup_context`` (meeting.yaml), as
    saved but screened against the engagement's off-limits topics; only items whose
    visibility reaches the meeting, checked again here."""
    wanted = {i for ids in instrument.followup_context.prompts.values() for i in ids}
    meeting = instrument.form(MEETING_FORM)
    found = EarlierNotes()
    first = store.latest(engagement_id, MEETING_FORM, 1)
    if first is None:
        return found
    screen = off_limits_screen(store, engagement_id)
    for item_id, value in first.values().items():
        if not (
            item_id in wanted
            and value.strip()
            and meeting.has_item(item_id)
            and meeting.item(item_id).reaches("meeting")
        ):
            continue
        kept, held = screen.screen(value)
        if held:
            found.held_back[item_id] = held
        if kept:
            found[item_id] = kept
    return found


def earlier_html(item_id: str, earlier: dict[str, str], context: FollowupContext) -> str:
    """The "From meeting 1" panel beside one prompt, or "" for a prompt without one."""
    ids = context.prompts.get(item_id, ())
    if not ids:
        return ""
    rows = [
        f"<dt>{html.escape(context.earlier.get(i, i))}</dt>"
        f"<dd>{html.escape(earlier[i]).replace(chr(10), '<br>')}</dd>"
        for i in ids
        if i in earlier
    ]
    body = f"<dl>{''.join(rows)}</dl>" if rows else "<p>Nothing saved from meeting 1 on this.</p>"
    held = getattr(earlier, "held_back", {})
    hint = coach_hint_html([held_back_note(sum(held.get(i, 0) for i in ids))])
    return f"<div class='kit-earlier-title'>From meeting 1</div>{body}{hint}"
