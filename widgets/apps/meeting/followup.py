"""Meeting 2's memory of meeting 1: beside each follow-up prompt, what the manager said.

A second alignment meeting asks about progress and changes since the first; the coach
asks better questions with the first meeting's words at hand. Only meeting 1's own
notes and debrief 1's go-deeper decision are offered, never prep items: those are the
coachee's, and the meeting screen may be shared.
"""

from __future__ import annotations

import html

from widgets.instrument.model import MEETING_FORM, Instrument
from widgets.store.responses import ResponseStore

__all__ = ["FOLLOWUP_CONTEXT", "earlier_html", "earlier_notes"]

# Meeting 2: what the manager said in meeting 1 that bears on each follow-up prompt.
# Only meeting 1's own notes and the debrief's go-deeper decision: never prep items.
FOLLOWUP_CONTEXT: dict[str, tuple[str, ...]] = {
    "followup_progress": ("insights_gift", "go_deeper"),
    "followup_changes": (
        "strengths_best",
        "strengths_impact",
        "strengths_values",
        "strengths_superpower",
    ),
    "followup_plan": ("insights_gift", "go_deeper"),
    "followup_challenges": ("insights_gift",),
}
_EARLIER_LABELS = {
    "strengths_best": "At their best",
    "strengths_impact": "Most positive impact",
    "strengths_values": "Values in action",
    "strengths_superpower": "Superpower",
    "insights_gift": "The one gift",
    "go_deeper": "Debrief 1: go deeper next session?",
}


def earlier_notes(
    store: ResponseStore, instrument: Instrument, engagement_id: str
) -> dict[str, str]:
    """Meeting 1's notes and debrief 1's go-deeper answer (by its label), as saved."""
    wanted = {i for ids in FOLLOWUP_CONTEXT.values() for i in ids}
    found: dict[str, str] = {}
    first = store.latest(engagement_id, MEETING_FORM, 1)
    if first is not None:
        for item_id, value in first.values().items():
            if item_id in wanted and value.strip():
                found[item_id] = value
    debrief = store.latest(engagement_id, "debrief", 1)
    if debrief is not None and "go_deeper" in wanted:
        value = debrief.values().get("go_deeper", "")
        if value:
            try:
                labels = {
                    c.value: c.label for c in instrument.form("debrief").item("go_deeper").options()
                }
            except KeyError:
                labels = {}
            found["go_deeper"] = labels.get(value, value)
    return found


def earlier_html(item_id: str, earlier: dict[str, str]) -> str:
    """The "From meeting 1" panel beside one prompt, or "" for a prompt without one."""
    ids = FOLLOWUP_CONTEXT.get(item_id, ())
    if not ids:
        return ""
    rows = [
        f"<dt>{html.escape(_EARLIER_LABELS.get(i, i))}</dt>"
        f"<dd>{html.escape(earlier[i]).replace(chr(10), '<br>')}</dd>"
        for i in ids
        if i in earlier
    ]
    body = f"<dl>{''.join(rows)}</dl>" if rows else "<p>Nothing saved from meeting 1 on this.</p>"
    return f"<div class='kit-earlier-title'>From meeting 1</div>{body}"
