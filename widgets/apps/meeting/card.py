"""The facilitator card: what the coachee agreed may be on screen while the manager watches.

The meeting screen is often shared. So the card is built from a filtered copy of the
submitted prep that holds only items whose ``visibility`` reaches the meeting (success,
asks, what may be talked about, who opens and closes and how, whether goals may be
discussed). Off-limits topics, concerns, perception and mindset are dropped when the
prep is read, before anything is turned into a widget: they are never sent to the
page, not merely hidden.

Off-limits topics still do one job in the kernel: any line of a card answer that shares
a significant word with one is held back (:mod:`widgets.instrument.screening`), and the
card says only how many, in a collapsed coach note.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import ipywidgets as w

from widgets.apps.meeting.clock_html import coach_hint_html
from widgets.instrument.content import CardRow
from widgets.instrument.model import Form
from widgets.instrument.rules import MEETING_NUMBERS, fill_name
from widgets.instrument.screening import OffLimitsScreen, held_back_note
from widgets.store.responses import ResponseStore

__all__ = [
    "SharedPrep",
    "facilitator_card",
    "facilitator_card_html",
    "load_shared_prep",
    "off_limits_screen",
    "saved_off_limits",
    "shareable_ids",
]

_PREP_FORM = "prep"


@dataclass(frozen=True)
class SharedPrep:
    """The shareable part of one submitted prep, and when it was saved.

    ``screen`` holds the engagement's off-limits topics as words to screen by; it stays
    in the kernel and is never shown.
    """

    values: Mapping[str, str] = field(default_factory=dict)
    recorded_at: str = ""
    revision: int = 0
    screen: OffLimitsScreen = field(default_factory=OffLimitsScreen, repr=False)

    def get(self, item_id: str) -> str:
        return self.values.get(item_id, "")


def shareable_ids(prep_form: Form) -> frozenset[str]:
    """Items whose declared visibility allows them on the meeting screen."""
    return frozenset(item.id for item in prep_form.all_items if item.reaches("meeting"))


def load_shared_prep(
    store: ResponseStore, prep_form: Form, engagement_id: str, meeting_number: int
) -> SharedPrep | None:
    """The latest submitted prep for that meeting, reduced to shareable items (or None)."""
    if prep_form.id != _PREP_FORM:
        raise ValueError(f"the facilitator card reads the 'prep' form, not {prep_form.id!r}")
    submission = store.latest(engagement_id, _PREP_FORM, meeting_number)
    if submission is None:
        return None
    allowed = shareable_ids(prep_form)
    values = {a.item_id: a.value for a in submission.answers if a.item_id in allowed}
    return SharedPrep(
        values=values,
        recorded_at=submission.recorded_at,
        revision=submission.revision,
        screen=off_limits_screen(store, engagement_id),
    )


def saved_off_limits(store: ResponseStore, engagement_id: str) -> list[str]:
    """The off-limits answer of every saved prep of the engagement (kept in the kernel)."""
    answers = []
    for number in MEETING_NUMBERS:
        saved = store.latest(engagement_id, _PREP_FORM, number)
        if saved is not None:
            answers.append(saved.values().get("off_limits", ""))
    return answers


def off_limits_screen(store: ResponseStore, engagement_id: str) -> OffLimitsScreen:
    """The engagement's off-limits topics from every saved prep (a topic closed in one
    meeting stays closed in the next)."""
    return OffLimitsScreen.from_answers(saved_off_limits(store, engagement_id))


def _row_text(row: CardRow, prep_form: Form, shared: SharedPrep, name: str) -> tuple[str, int]:
    """A card row's answers as text: choices by their card wording (or label), in order;
    and how many lines were held back as touching an off-limits topic."""
    pieces: list[str] = []
    held_back = 0
    for answer in row.items:
        stored = shared.get(answer.id)
        try:
            labels = {c.value: c.label for c in prep_form.item(answer.id).options()}
        except KeyError:
            labels = {}
        if stored and not labels:
            # Typed text is screened; a choice is the instrument's own words.
            stored, held = shared.screen.screen(stored)
            held_back += held
        if not stored:
            if answer.unanswered:
                pieces.append(fill_name(answer.unanswered, name))
            continue
        if not labels:
            pieces.append(stored)
            continue
        for value in filter(None, stored.split(";")):
            says = answer.says.get(value)
            pieces.append(fill_name(says, name) if says else labels.get(value, value))
    if row.layout == "list":
        return "\n".join(f"• {piece}" for piece in pieces), held_back
    return " — ".join(pieces), held_back


def _row(label: str, text: str, css: str) -> str:
    shown = html.escape(text).replace("\n", "<br>") if text else "<i>not given</i>"
    return (
        f"<div class='kit-card-row kit-card-{css}'><span class='kit-card-label'>"
        f"{html.escape(label)}</span><span class='kit-card-value'>{shown}</span></div>"
    )


def facilitator_card_html(
    first_name: str,
    prep_form: Form,
    shared: SharedPrep | None,
    *,
    card_rows: Sequence[CardRow],
) -> str:
    """The card as HTML; ``shared`` must already be reduced by :func:`load_shared_prep`;
    ``card_rows`` are the instrument's (``Instrument.card``, meeting.yaml ``card``)."""
    name = first_name.strip() or "the coachee"
    title = f"<div class='kit-card-title'>Meeting with {html.escape(name)}</div>"
    if shared is None:
        return (
            f"<div class='kit-card'>{title}<div class='kit-card-row kit-card-noprep'>"
            "No prep saved for this meeting: run it from the agenda below.</div></div>"
        )
    allowed = shareable_ids(prep_form)
    leaked = set(shared.values) - allowed
    if leaked:
        # A programming error, never a coach's: refuse rather than show private answers.
        raise ValueError(f"facilitator card given items that are not shareable: {sorted(leaked)}")
    rows = []
    held_back = 0
    for row in card_rows:
        text, held = _row_text(row, prep_form, shared, name)
        held_back += held
        if text or not row.hide_when_empty:
            rows.append(_row(row.heading, text, row.hook))
    hint = coach_hint_html([held_back_note(held_back)])
    return f"<div class='kit-card'>{title}{''.join(rows)}{hint}</div>"


def facilitator_card(
    first_name: str,
    prep_form: Form,
    shared: SharedPrep | None,
    *,
    card_rows: Sequence[CardRow],
) -> w.HTML:
    """The card as a widget, with the ``kit-facilitator-card`` hook."""
    card = w.HTML(facilitator_card_html(first_name, prep_form, shared, card_rows=card_rows))
    card.add_class("kit-facilitator-card")
    return card
