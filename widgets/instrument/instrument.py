"""The whole instrument of one released version, checked across its forms.

A form file can only check itself; whether a condition names a real yes/no item, whether
an id is used twice across files (or clashes with a value the kit records), and whether
the card, the recap and the meeting-2 context name real items visible there can only be
checked once every form is read. The apps ask this model for that content
(``card``, ``summary``, ``followup_context``, ``huddle_reminder``, items by role)
instead of keeping their own copies.
"""

from __future__ import annotations

from pydantic import field_validator, model_validator

from widgets.instrument.content import CardRow, FollowupContext, HuddleReminder, SummarySpec
from widgets.instrument.content_checks import check_content
from widgets.instrument.derived_items import (
    CodebookEntry,
    codebook_entries,
    derived_meeting_items,
)
from widgets.instrument.items import Item
from widgets.instrument.model import Form
from widgets.instrument.role_content import CoachRoles
from widgets.instrument.rules import (
    CONDITION_FORM,
    MEETING_FORM,
    MEETING_NUMBERS,
    SUMMARY_FORM,
    FrozenModel,
    check_version,
)

__all__ = ["MANIFEST", "Instrument"]

# The file naming the version and the forms, in order; cross-form problems name it when
# they concern no single form file.
MANIFEST = "instrument.yaml"


class Instrument(FrozenModel):
    """All forms of one released version; the version is stamped on every stored answer."""

    version: str
    forms: dict[str, Form]

    @field_validator("version")
    @classmethod
    def _version_format(cls, value: str) -> str:
        return check_version(value)

    @model_validator(mode="after")
    def _consistent(self) -> Instrument:
        if not self.forms:
            raise ValueError(f"{MANIFEST}: 'forms' must list at least one form")
        for key, form in self.forms.items():
            if key != form.id:
                raise ValueError(f"{key}.yaml: says 'form: {form.id}', expected 'form: {key}'")
        self._check_conditions()
        self._check_unique_ids()
        check_content(self.forms)
        return self

    def _check_conditions(self) -> None:
        for form in self.forms.values():
            for section in form.sections:
                if section.condition is None:
                    continue
                where = f"{form.id}.yaml: section {section.id!r}"
                source = self.forms.get(CONDITION_FORM)
                target = None
                if source is not None:
                    target = next((i for i in source.all_items if i.id == section.condition), None)
                if target is None:
                    raise ValueError(
                        f"{where}: unknown condition {section.condition!r} "
                        f"(it must name a yes_no item of the {CONDITION_FORM!r} form)"
                    )
                if target.type != "yes_no":
                    raise ValueError(
                        f"{where}: condition {section.condition!r} is a {target.type!r} item; "
                        "it must be a yes_no item"
                    )

    def _check_unique_ids(self) -> None:
        # Unique across the whole instrument, derived names included, so that an item_id
        # alone identifies a value in the long-format CSV and in the codebook.
        home: dict[str, str] = {}
        for form in self.forms.values():
            for section in form.sections:
                for item in section.items:
                    here = f"{form.id}.yaml: item {item.id!r} (section {section.id!r})"
                    if item.id in home:
                        raise ValueError(f"{here}: id already used in {home[item.id]}")
                    home[item.id] = f"{form.id}.yaml (section {section.id!r})"
        derived: dict[str, CodebookEntry] = {}
        for form in self.forms.values():
            for number in MEETING_NUMBERS:
                for entry in derived_meeting_items(form, number):
                    name = entry.item_id
                    if name in home:
                        raise ValueError(
                            f"{home[name].split(' ')[0]}: item {name!r}: id clashes with a "
                            f"value the kit records itself for {form.id} part "
                            f"{entry.section!r}; choose another id"
                        )
                    earlier = derived.setdefault(name, entry)
                    if earlier != entry:
                        raise ValueError(
                            f"{form.id}.yaml: section {entry.section!r}: the kit would record "
                            f"{name!r} for both {earlier.section!r} and {entry.section!r}; "
                            "rename the section"
                        )

    def __hash__(self) -> int:
        # Lets callers cache per instrument (the generated hash fails on the forms dict).
        return hash((self.version, tuple(self.forms)))

    def form(self, form_id: str) -> Form:
        try:
            return self.forms[form_id]
        except KeyError:
            raise KeyError(
                f"no form {form_id!r} in instrument {self.version}; "
                f"known forms: {', '.join(self.forms)}"
            ) from None

    def codebook(self) -> tuple[CodebookEntry, ...]:
        """Every stored value, YAML items and derived ones, in form order."""
        return codebook_entries(self.forms, self.version)

    def item_with_role(self, role: str) -> Item | None:
        """The item that plays ``role`` (see ``rules.ITEM_ROLES``), if the instrument has one."""
        for form in self.forms.values():
            for item in form.all_items:
                if item.role == role:
                    return item
        return None

    @property
    def card(self) -> tuple[CardRow, ...]:
        """The facilitator card's rows (meeting.yaml ``card``); prep items shown in meetings."""
        meeting = self.forms.get(MEETING_FORM)
        return meeting.card if meeting is not None else ()

    @property
    def followup_context(self) -> FollowupContext:
        """What meeting 2 shows beside each follow-up prompt (meeting.yaml)."""
        meeting = self.forms.get(MEETING_FORM)
        context = meeting.followup_context if meeting is not None else None
        return context or FollowupContext(earlier={}, prompts={})

    @property
    def huddle_reminder(self) -> HuddleReminder:
        """The huddle reminder of the live meeting (meeting.yaml, required there)."""
        reminder = self.form(MEETING_FORM).huddle_reminder
        assert reminder is not None  # checked at load
        return reminder

    @property
    def coach_roles(self) -> CoachRoles | None:
        """How the meeting screen follows the coach's role chosen in prep (meeting.yaml)."""
        meeting = self.forms.get(MEETING_FORM)
        return meeting.coach_roles if meeting is not None else None

    @property
    def summary(self) -> SummarySpec:
        """The recap's headings and lines (debrief.yaml ``summary``); none if not declared."""
        recap = self.forms.get(SUMMARY_FORM)
        spec = recap.summary if recap is not None else None
        return spec or SummarySpec(parts=())
