"""Checks across forms: the content blocks name real items, and never confidential ones.

A card row, a recap line or a meeting-2 context entry names items of other forms; a typo
there would otherwise show up as a silently empty row, and a confidential item there
would put private prep notes in front of the manager. Each check raises ``ValueError``
with the file, the block and the item named; :class:`widgets.instrument.instrument.
Instrument` runs them all when it is built.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from widgets.instrument.items import Item
from widgets.instrument.model import Form
from widgets.instrument.role_content import check_coach_roles
from widgets.instrument.rules import (
    ITEM_ROLES,
    MEETING_FORM,
    PREP_FORM,
    SUMMARY_FORM,
)

__all__ = ["RECAP_FORMS", "check_content", "find_item"]

# The forms a recap reads: the prep, the meeting and the debrief of one meeting.
RECAP_FORMS: tuple[str, ...] = (PREP_FORM, MEETING_FORM, SUMMARY_FORM)

# Content block -> the one form file that may declare it.
_HOME = {
    "card": MEETING_FORM,
    "followup_context": MEETING_FORM,
    "huddle_reminder": MEETING_FORM,
    "coach_roles": MEETING_FORM,
    "summary": SUMMARY_FORM,
}


def find_item(forms: Mapping[str, Form], item_id: str) -> tuple[Form, Item] | None:
    """The form holding ``item_id`` and the item (ids are unique across the instrument)."""
    for form in forms.values():
        if form.has_item(item_id):
            return form, form.item(item_id)
    return None


def check_content(forms: Mapping[str, Form]) -> None:
    """Run every cross-form check on the content blocks and the item roles."""
    _check_homes(forms)
    _check_roles(forms)
    meeting = forms.get(MEETING_FORM)
    if meeting is not None:
        _check_card(forms, meeting)
        _check_followup(forms, meeting)
        _check_huddle(meeting)
        _check_coach_roles(forms, meeting)
    recap = forms.get(SUMMARY_FORM)
    if recap is not None:
        _check_summary(forms, recap)


def _check_homes(forms: Mapping[str, Form]) -> None:
    for form in forms.values():
        for block, home in _HOME.items():
            if form.id != home and getattr(form, block):
                raise ValueError(
                    f"{form.id}.yaml: {block!r} belongs in {home}.yaml, the form that shows it"
                )


def _check_roles(forms: Mapping[str, Form]) -> None:
    seen: dict[str, str] = {}
    for form in forms.values():
        for item in form.all_items:
            if item.role is None:
                continue
            where = f"{form.id}.yaml: item {item.id!r}"
            home = ITEM_ROLES[item.role].form
            if form.id != home:
                raise ValueError(f"{where}: role {item.role!r} belongs to an item of {home}.yaml")
            if item.role in seen:
                raise ValueError(
                    f"{where}: role {item.role!r} is already played by {seen[item.role]!r}"
                )
            seen[item.role] = item.id


def _check_choices_named(where: str, item: Item, says: Iterable[str]) -> None:
    allowed = item.choice_values()
    unknown = [value for value in says if value not in allowed]
    if unknown:
        known = ", ".join(allowed) or "none"
        raise ValueError(
            f"{where}: 'says' names {unknown}, not among the choices of {item.id!r} ({known})"
        )


def _check_card(forms: Mapping[str, Form], meeting: Form) -> None:
    prep = forms.get(PREP_FORM)
    for row in meeting.card:
        where = f"{meeting.id}.yaml: card row {row.heading!r}"
        for answer in row.items:
            if prep is None or not prep.has_item(answer.id):
                raise ValueError(
                    f"{where}: unknown item {answer.id!r} (the card shows answers from "
                    f"{PREP_FORM}.yaml)"
                )
            item = prep.item(answer.id)
            if not item.reaches("meeting"):
                raise ValueError(
                    f"{where}: item {answer.id!r} has visibility {item.visibility!r} in "
                    f"{PREP_FORM}.yaml, so it cannot be on the card (it needs 'meeting')"
                )
            _check_choices_named(f"{where}: item {answer.id!r}", item, answer.says)


def _check_summary(forms: Mapping[str, Form], recap: Form) -> None:
    if recap.summary is None:
        return
    for item_id in recap.summary.held_back:
        if find_item(forms, item_id) is None:
            raise ValueError(f"{recap.id}.yaml: summary held_back: unknown item {item_id!r}")
    for _heading, line in recap.summary.lines():
        where = f"{recap.id}.yaml: summary line {line.lead!r}"
        found = find_item(forms, line.item)
        reads = ", ".join(f"{f}.yaml" for f in RECAP_FORMS)
        if found is None:
            raise ValueError(f"{where}: unknown item {line.item!r} (a summary reads {reads})")
        if found[0].id not in RECAP_FORMS:
            raise ValueError(
                f"{where}: item {line.item!r} is from {found[0].id}.yaml; a summary reads {reads}"
            )
        form, item = found
        if not item.reaches("summary"):
            raise ValueError(
                f"{where}: item {line.item!r} has visibility {item.visibility!r} in "
                f"{form.id}.yaml, so it can never be in the summary (it needs 'summary' "
                "or 'meeting')"
            )
        _check_choices_named(f"{where}: item {line.item!r}", item, line.says)
        if line.if_empty is not None:
            fallback = line.if_empty.item
            if not form.has_item(fallback):
                raise ValueError(
                    f"{where}: if_empty names unknown item {fallback!r} (it must be an item "
                    f"of {form.id}.yaml, like {line.item!r})"
                )
            _check_choices_named(
                f"{where}: if_empty item {fallback!r}", form.item(fallback), line.if_empty.says
            )


def _check_followup(forms: Mapping[str, Form], meeting: Form) -> None:
    context = meeting.followup_context
    if context is None:
        return
    where = f"{meeting.id}.yaml: followup_context"
    for prompt_id in context.prompts:
        if not meeting.has_item(prompt_id):
            raise ValueError(f"{where}: unknown prompt {prompt_id!r}")
        prompt = meeting.item(prompt_id)
        if prompt.type != "prompt" or 2 not in meeting.meetings_of(prompt_id):
            raise ValueError(
                f"{where}: {prompt_id!r} must be a prompt asked in meeting 2 "
                f"(it is a {prompt.type!r} item of meetings {list(meeting.meetings_of(prompt_id))})"
            )
    for earlier_id in context.earlier:
        found = find_item(forms, earlier_id)
        if found is None:
            raise ValueError(f"{where}: unknown item {earlier_id!r}")
        form, item = found
        # The panel is on the shared screen: only what the manager heard in meeting 1.
        # The debrief is the coachee's and the coach's alone, and so is the prep.
        from_meeting_1 = form.id == MEETING_FORM and 1 in form.meetings_of(earlier_id)
        if not from_meeting_1:
            raise ValueError(
                f"{where}: item {earlier_id!r} is from {form.id}.yaml; meeting 2 may only "
                "recall what meeting 1 recorded in front of the manager, never the prep or "
                "the debrief"
            )
        if not item.reaches("meeting"):
            raise ValueError(
                f"{where}: item {earlier_id!r} has visibility {item.visibility!r}, so it "
                "cannot be shown on the meeting screen (it needs 'meeting')"
            )


def _check_huddle(meeting: Form) -> None:
    reminder = meeting.huddle_reminder
    if reminder is None:
        raise ValueError(
            f"{meeting.id}.yaml: missing key 'huddle_reminder' (what the coach sees about "
            "the huddle in the closing part and after End)"
        )
    if reminder.section not in {s.id for s in meeting.sections}:
        raise ValueError(
            f"{meeting.id}.yaml: huddle_reminder: unknown section {reminder.section!r}"
        )


def _check_coach_roles(forms: Mapping[str, Form], meeting: Form) -> None:
    roles = meeting.coach_roles
    if roles is None:
        return
    found = find_item(forms, roles.item)
    if found is None or found[0].id != PREP_FORM:
        raise ValueError(f"{meeting.id}.yaml: coach_roles: no prep item {roles.item!r}")
    item = found[1]
    check_coach_roles(
        roles,
        tuple(c.value for c in item.options()),
        item.reaches("meeting"),
    )
