"""Which lines the coachee's recap may offer: shareable items only, off-limits held back.

Coaching is confidential, so the recap is built from an explicit list of items that are
meant to be shared (the instrument's ``summary``, in debrief.yaml), never from
"everything except the private ones": a new item added to the instrument stays out until
someone decides it belongs here. What goes in:

* from the prep of that meeting: what success looks like (``success``), the asks of the
  manager (``asks``, one line per ask, by its label) and ``asks_other``;
* from the meeting: the strengths the manager described (meeting 1, the strengths
  prompts) or, in a second meeting, the progress, changes and plan the manager described
  (``followup_progress``, ``followup_changes``, ``followup_plan``);
* from the debrief, the agreed next steps: ``use_of_info``, the decision on coaching
  priorities with ``priorities_note``, and ``go_deeper``.

Left out on purpose, even though some were said in the room:

* every item whose ``visibility`` does not reach the recap (checked at load): the
  coachee-only ``off_limits``, ``concerns``, ``concern_plan``, ``perception``,
  ``mindset``, and ``text_consent``, which only the program counts;
* the deeper insights (``insights_*``), in particular ``insights_blindspot``: what the
  coachee does not see about themself is material for a coaching conversation, not for
  a page that may be forwarded; ``goals_notes`` likewise;
* ``followup_challenges``: issues to clear up can name people or conflicts;
* the debrief's pulse (``feeling``, ``feeling_note``) and what stood out to each of
  them (``stood_out_*``): the coachee's first reactions, said in confidence.

As a last guard, any line of an answer that shares a significant word with an off-limits
topic the coachee named in prep (each line of ``off_limits``, meeting 1 or 2) is held
back and never offered (:mod:`widgets.instrument.screening`); the coach is told how
many. The coachee can then untick any offered line; only ticked lines reach the
Markdown and HTML downloads and the copies kept under ``<root>/private/summaries/``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from widgets.instrument.instrument import Instrument
from widgets.instrument.screening import OffLimitsScreen, topics
from widgets.store.responses import ResponseStore

__all__ = [
    "SummaryLine",
    "SummarySources",
    "load_sources",
    "off_limits_terms",
    "summary_lines",
]


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
    """Each topic the coachee named as off limits (one per line, or split by ';'), as
    the significant words it is screened by, for messages and tests."""
    return tuple(" ".join(sorted(words)) for words in topics(off_limits))


def summary_lines(
    instrument: Instrument, meeting_number: int, sources: SummarySources
) -> tuple[tuple[SummaryLine, ...], int]:
    """The lines a recap may offer, in order, and how many text lines were held back as
    touching an off-limits topic (a held-back line of a longer answer leaves the rest).

    Which items, under which heading and lead-in, is the instrument's ``summary``
    (debrief.yaml): a ``several`` item gives one line per chosen value (key
    ``<item>-<value>``), a choice is shown by its ``says`` sentence or its label.
    """
    by_form = {"prep": sources.prep, "meeting": sources.meeting, "debrief": sources.debrief}
    screen = OffLimitsScreen.from_answers(sources.off_limits)
    offered: list[SummaryLine] = []
    held_back = 0
    for heading, line in instrument.summary.lines():
        form = next(f for f in instrument.forms.values() if f.has_item(line.item))
        if meeting_number not in form.meetings_of(line.item):
            continue
        item, answers = form.item(line.item), by_form[form.id]
        labels = {c.value: c.label for c in item.options()}
        value = (answers.get(line.item) or "").strip()
        if item.type == "several":
            for chosen in filter(None, value.split(";")):
                text = labels.get(chosen, chosen)
                if screen.holds_back(text):
                    held_back += 1
                else:
                    offered.append(SummaryLine(f"{line.item}-{chosen}", heading, line.lead, text))
            continue
        text = line.says.get(value, "") if line.says else labels.get(value, value)
        if not text and line.if_empty is not None:
            text = line.if_empty.says.get(answers.get(line.if_empty.item, ""), "")
        text, held = screen.screen(text)
        held_back += held
        if text:
            offered.append(SummaryLine(line.item, heading, line.lead, text))
    return tuple(offered), held_back


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
