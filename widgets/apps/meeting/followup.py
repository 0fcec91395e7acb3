"""Meeting 2's memory of meeting 1: beside each follow-up prompt, what the manager said.

A second alignment meeting asks about progress and changes since the first; the coach
asks better questions with the first meeting's words at hand. Only meeting 1's own
notes are offered, which the manager heard; never prep items or debrief answers: those
are the coachee's, and the meeting screen may be shared.
"""

from __future__ import annotations

import html

from widgets.instrument.content import FollowupContext
from widgets.instrument.instrument import Instrument
from widgets.instrument.rules import MEETING_FORM
from widgets.store.responses import ResponseStore

__all__ = ["earlier_html", "earlier_notes"]


def earlier_notes(
    store: ResponseStore, instrument: Instrument, engagement_id: str
) -> dict[str, str]:
    """Meeting 1's notes named by the instrument's ``followup_context`` (meeting.yaml), as
    saved; only items whose visibility reaches the meeting, checked again here."""
    wanted = {i for ids in instrument.followup_context.prompts.values() for i in ids}
    meeting = instrument.form(MEETING_FORM)
    found: dict[str, str] = {}
    first = store.latest(engagement_id, MEETING_FORM, 1)
    if first is not None:
        for item_id, value in first.values().items():
            if (
                item_id in wanted
                and value.strip()
                and meeting.has_item(item_id)
                and meeting.item(item_id).reaches("meeting")
            ):
                found[item_id] = value
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
    return f"<div class='kit-earlier-title'>From meeting 1</div>{body}"
