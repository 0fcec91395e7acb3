"""Which lines the coachee's recap may offer: shareable items only, off-limits held back.

Coaching is confidential, so the recap is built from an explicit list of items that are
meant to be shared, never from "everything except the private ones": a new item added to
the instrument stays out until someone decides it belongs here. What goes in:

* from the prep of that meeting: what success looks like (``success``), the asks of the
  manager (``asks``, one line per ask, by its label) and ``asks_other``;
* from the meeting: the strengths the manager described (meeting 1, the strengths
  prompts) or, in a second meeting, the progress, changes and plan the manager described
  (``followup_progress``, ``followup_changes``, ``followup_plan``);
* from the debrief, the agreed next steps: ``use_of_info``, the decision on coaching
  priorities with ``priorities_note``, and ``go_deeper``.

Left out on purpose, even though some were said in the room:

* ``off_limits``, ``concerns``, ``concern_plan``, ``perception``, ``mindset``,
  ``text_consent`` (private by nature, see ``NEVER_SHAREABLE``);
* the deeper insights (``insights_*``), in particular ``insights_blindspot``: what the
  coachee does not see about themself is material for a coaching conversation, not for
  a page that may be forwarded; ``goals_notes`` likewise;
* ``followup_challenges``: issues to clear up can name people or conflicts;
* the debrief's pulse (``feeling``, ``feeling_note``) and what stood out to each of
  them (``stood_out_*``): the coachee's first reactions, said in confidence.

As a last guard, a line that repeats an off-limits topic the coachee named in prep (any
line of ``off_limits``, meeting 1 or 2) is held back and never offered. The coachee can
then untick any offered line; only ticked lines reach the Markdown and HTML downloads
and the copies kept under ``<root>/private/summaries/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from widgets.instrument.model import NEVER_SHAREABLE, Instrument
from widgets.store.responses import ResponseStore

__all__ = [
    "HEADINGS",
    "SHARED_ITEMS",
    "SummaryLine",
    "SummarySources",
    "load_sources",
    "off_limits_terms",
    "summary_lines",
]

HEADINGS = {
    "wanted": "What you wanted from this meeting",
    "heard_1": "Strengths your manager described",
    "heard_2": "What your manager has seen since the first meeting",
    "next": "Agreed next steps",
}

# (form, item_id, meetings, heading key, lead-in). The only items a recap may use.
SHARED_ITEMS: tuple[tuple[str, str, tuple[int, ...], str, str], ...] = (
    ("prep", "success", (1, 2), "wanted", "Success for you"),
    ("prep", "asks", (1, 2), "wanted", "You asked your manager for"),
    ("prep", "asks_other", (1, 2), "wanted", "You also asked"),
    ("meeting", "strengths_best", (1,), "heard_1", "You at your very best"),
    ("meeting", "strengths_impact", (1,), "heard_1", "Where you have the most impact"),
    ("meeting", "strengths_values", (1,), "heard_1", "How you live the values"),
    ("meeting", "strengths_superpower", (1,), "heard_1", "Your superpower"),
    ("meeting", "followup_progress", (2,), "heard_2", "Progress seen"),
    ("meeting", "followup_changes", (2,), "heard_2", "Changes noticed"),
    ("meeting", "followup_plan", (2,), "heard_2", "Keeping it going after coaching"),
    ("debrief", "use_of_info", (1, 2), "next", "What you will do with it"),
    ("debrief", "priorities_note", (1, 2), "next", "Coaching priorities"),
    ("debrief", "go_deeper", (1, 2), "next", "Next coaching session"),
)

_NEVER_IN_A_RECAP = NEVER_SHAREABLE | {
    "insights_value",
    "insights_gift",
    "insights_blindspot",
    "insights_handover",
    "goals_notes",
    "followup_challenges",
    "feeling",
    "feeling_note",
    "stood_out_coachee",
    "stood_out_coach",
}
# Checked at import, so an edit to the list above cannot ship a leak.
_LEAKS = {item for _f, item, *_rest in SHARED_ITEMS} & _NEVER_IN_A_RECAP
if _LEAKS:  # pragma: no cover - a programming error, caught by any test run
    raise RuntimeError(f"summary.SHARED_ITEMS names confidential items: {sorted(_LEAKS)}")

_GO_DEEPER = {
    "yes": "we go deeper on what we heard.",
    "no": "we carry on with the current coaching plan.",
    "not_sure": "we decide together whether to go deeper on it.",
}
_PRIORITIES = {
    "no": "they stay as they are.",
    "not_sure": "we decide in the next session whether they change.",
    "yes": "they change.",
}
# An off-limits "topic" shorter than this would hold back lines for a common word.
_MIN_TERM = 4


@dataclass(frozen=True)
class SummaryLine:
    """One line the coachee can keep or untick; ``key`` is stable (item id, or
    ``asks-<value>`` for one ask) and names its tick box for automation."""

    key: str
    heading: str
    lead: str
    text: str

    def plain(self) -> str:
        return f"{self.lead}: {self.text}"


@dataclass(frozen=True)
class SummarySources:
    """The saved answers a recap may draw on, plus the off-limits text to screen with."""

    prep: Mapping[str, str]
    meeting: Mapping[str, str]
    debrief: Mapping[str, str]
    off_limits: tuple[str, ...] = ()


def off_limits_terms(off_limits: Iterable[str]) -> tuple[str, ...]:
    """Each topic the coachee named as off limits (one per line, or split by ';')."""
    terms = []
    for text in off_limits:
        for part in re.split(r"[\n;]+", text or ""):
            term = " ".join(part.split()).casefold()
            if len(term) >= _MIN_TERM:
                terms.append(term)
    return tuple(dict.fromkeys(terms))


def _mentions(text: str, terms: Iterable[str]) -> bool:
    flat = " ".join(text.split()).casefold()
    return any(term in flat for term in terms)


def summary_lines(
    instrument: Instrument, meeting_number: int, sources: SummarySources
) -> tuple[tuple[SummaryLine, ...], int]:
    """The lines a recap may offer, in order, and how many were held back as off limits."""
    asks_item = next(
        (i for i in instrument.form("prep").all_items if i.id == "asks"),
        None,
    )
    ask_labels = {c.value: c.label for c in asks_item.choices} if asks_item else {}
    by_form = {"prep": sources.prep, "meeting": sources.meeting, "debrief": sources.debrief}
    terms = off_limits_terms(sources.off_limits)
    candidates: list[SummaryLine] = []
    for form, item_id, meetings, heading_key, lead in SHARED_ITEMS:
        if meeting_number not in meetings:
            continue
        heading = HEADINGS[heading_key]
        value = (by_form[form].get(item_id) or "").strip()
        if item_id == "asks":
            for ask in filter(None, value.split(";")):
                label = ask_labels.get(ask, ask)
                candidates.append(SummaryLine(f"asks-{ask}", heading, lead, label))
            continue
        if item_id == "priorities_note":
            change = sources.debrief.get("priorities_change", "")
            text = value or _PRIORITIES.get(change, "")
            if text:
                candidates.append(SummaryLine(item_id, heading, lead, text))
            continue
        if item_id == "go_deeper":
            value = _GO_DEEPER.get(value, "")
        if value:
            candidates.append(SummaryLine(item_id, heading, lead, value))
    offered = tuple(line for line in candidates if not _mentions(line.plain(), terms))
    return offered, len(candidates) - len(offered)


def load_sources(store: ResponseStore, engagement_id: str, meeting_number: int) -> SummarySources:
    """The latest saved prep, meeting and debrief of that meeting, and every off-limits
    answer of the engagement (both meetings: a topic closed once stays closed)."""

    def values(form: str, number: int) -> dict[str, str]:
        saved = store.latest(engagement_id, form, number)
        return saved.values() if saved else {}

    preps = {n: values("prep", n) for n in (1, 2)}
    return SummarySources(
        prep=preps.get(meeting_number, {}),
        meeting=values("meeting", meeting_number),
        debrief=values("debrief", meeting_number),
        off_limits=tuple(p.get("off_limits", "") for p in preps.values()),
    )
