"""The codebook's rows: every YAML item, and the values the live forms record on their own.

The meeting app, the store, the demo generator and the codebook must agree on the
names of the values the kit records itself (when each part started, how long it took,
whether a prompt was asked), so they are derived here from the form, in one place,
rather than written out in each of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from widgets.instrument.items import YES_NO_CHOICES, Choice, Item
from widgets.instrument.model import Form, Section
from widgets.instrument.rules import (
    MEETING_FORM,
    MEETING_NUMBERS,
    check_meeting_number,
    join_meetings,
)

__all__ = ["CodebookEntry", "codebook_entries", "derived_meeting_items"]


@dataclass(frozen=True)
class CodebookEntry:
    """One row of the codebook: what a stored value means and where it came from."""

    item_id: str
    form: str
    section: str
    wording: str
    type: str
    choices: str
    instrument_version: str
    meetings: str
    free_text: bool
    visibility: str


def _format_choices(options: Sequence[Choice]) -> str:
    return "; ".join(
        choice.value if choice.label == choice.value else f"{choice.value}={choice.label}"
        for choice in options
    )


def _yaml_entry(form: Form, section: Section, item: Item, version: str) -> CodebookEntry:
    return CodebookEntry(
        item_id=item.id,
        form=form.id,
        section=section.id,
        wording=item.wording,
        type=item.type,
        choices=_format_choices(item.options()),
        instrument_version=version,
        meetings=join_meetings(set(item.meetings) & set(section.meetings)),
        free_text=item.free_text,
        visibility=item.visibility,
    )


def derived_meeting_items(
    form: Form, meeting_number: int, *, version: str = ""
) -> tuple[CodebookEntry, ...]:
    """The values a live form records beyond its YAML items:

    - the meeting form: `meeting_started_at`, `meeting_ended_at`, `meeting_seconds`; per
      section `<section>_started_at`, `<section>_ended_at`, `<section>_seconds` (actual),
      `<section>_budget_seconds`, `<section>_extended_seconds` (minutes the
      coach added live), and `<section>_skipped` for a conditional section; per
      prompt `<prompt>_asked`. (A checkpoint's own value is the time it was ticked.)
    - any other form with `total_minutes` (the debrief): `<form>_started_at`,
      `<form>_ended_at`, `<form>_seconds`.
    - forms without a clock record nothing extra.
    """
    check_meeting_number(meeting_number)
    entries: list[CodebookEntry] = []

    def add(
        item_id: str,
        section: str,
        wording: str,
        kind: str,
        meetings: Iterable[int],
        choices: str = "",
    ) -> None:
        entries.append(
            CodebookEntry(
                item_id=item_id,
                form=form.id,
                section=section,
                wording=wording,
                type=kind,
                choices=choices,
                instrument_version=version,
                meetings=join_meetings(meetings),
                free_text=False,
                # Times and durations the kit records: structured, program data.
                visibility="program",
            )
        )

    live = form.id == MEETING_FORM
    if not live and form.total_minutes is None:
        return ()
    everywhere = sorted({n for s in form.sections for n in s.meetings})
    noun = "meeting" if live else form.id
    add(f"{form.id}_started_at", form.id, f"When the {noun} started", "timestamp", everywhere)
    add(f"{form.id}_ended_at", form.id, f"When the {noun} ended", "timestamp", everywhere)
    add(
        f"{form.id}_seconds",
        form.id,
        f"How long the {noun} took, in seconds",
        "seconds",
        everywhere,
    )
    if not live:
        return tuple(entries)

    yes_no = _format_choices(YES_NO_CHOICES)
    for section in form.sections_for(meeting_number):
        sid, title, runs = section.id, section.title, section.meetings
        add(f"{sid}_started_at", sid, f"When the '{title}' part started", "timestamp", runs)
        for item in section.items_for(meeting_number):
            if item.type == "prompt":
                add(
                    f"{item.id}_asked",
                    sid,
                    f"Was this prompt asked: {item.wording}",
                    "yes_no",
                    set(item.meetings) & set(runs),
                    yes_no,
                )
        add(f"{sid}_ended_at", sid, f"When the '{title}' part ended", "timestamp", runs)
        add(f"{sid}_seconds", sid, f"How long the '{title}' part took, in seconds", "seconds", runs)
        add(
            f"{sid}_budget_seconds",
            sid,
            f"Time budget for the '{title}' part, in seconds",
            "seconds",
            runs,
        )
        add(
            f"{sid}_extended_seconds",
            sid,
            f"Seconds the coach added to the '{title}' part's budget during the meeting"
            " (+1 min / +5 min)",
            "seconds",
            runs,
        )
        if section.condition is not None:
            add(
                f"{sid}_skipped",
                sid,
                f"Was the '{title}' part skipped ({section.condition} was not answered yes)",
                "yes_no",
                runs,
                yes_no,
            )
    return tuple(entries)


def codebook_entries(forms: Mapping[str, Form], version: str) -> tuple[CodebookEntry, ...]:
    """Every stored value, YAML items and derived ones, in form order."""
    entries: list[CodebookEntry] = []
    for form in forms.values():
        for section in form.sections:
            for item in section.items:
                entries.append(_yaml_entry(form, section, item, version))
        merged: dict[str, CodebookEntry] = {}
        for number in MEETING_NUMBERS:
            for entry in derived_meeting_items(form, number, version=version):
                merged.setdefault(entry.item_id, entry)
        # Meeting 2's sections would otherwise trail after meeting 1's close.
        position = {section.id: index for index, section in enumerate(form.sections)}
        entries.extend(sorted(merged.values(), key=lambda e: position.get(e.section, -1)))
    return tuple(entries)
