"""How the meeting screen follows the coach's role the coachee chose in prep.

The coachee decides what the coach does in the room (``coach_role`` in prep): facilitate,
support while the coachee leads, observe silently, or only ask clarifying questions. The
words the screen uses for each role are instrument content, so they live in meeting.yaml
(``coach_roles``) beside the card, and a wording change is a YAML edit. A role with no
entry, or a prep with no answer, looks like ``default`` (the coach facilitates), which is
what every meeting before this item looked like.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationInfo, field_validator, model_validator

from widgets.instrument.rules import FrozenModel, check_id, check_name_only, fill_name

__all__ = ["CoachRoles", "RolePresentation", "check_coach_roles"]


class RolePresentation(FrozenModel):
    """The meeting screen under one role; every text may name the coachee as ``{name}``.

    ``heading`` and ``notice`` sit above the agenda; ``prompt_lead`` opens each prompt
    (from the coachee's side when they run the meeting); ``asked_label`` and
    ``notes_placeholder`` replace the coach's words on each prompt; ``hide_tips`` drops
    the coach tips, which are written to the coach, not to the person leading.
    """

    heading: str = ""
    notice: str = ""
    prompt_lead: str = ""
    asked_label: str = ""
    notes_placeholder: str = ""
    hide_tips: bool = False

    @field_validator("heading", "notice", "prompt_lead", "asked_label", "notes_placeholder")
    @classmethod
    def _name_only(cls, value: str, info: ValidationInfo) -> str:
        return check_name_only(value, info.field_name or "text")

    def filled(self, name: str) -> RolePresentation:
        """A copy with the coachee's first name in every text."""
        return self.model_copy(
            update={
                key: fill_name(getattr(self, key), name)
                for key in ("heading", "notice", "prompt_lead", "asked_label", "notes_placeholder")
            }
        )


class CoachRoles(FrozenModel):
    """meeting.yaml ``coach_roles``: the prep item that holds the role, and each role's look."""

    item: str
    default: str
    roles: dict[str, RolePresentation]

    @field_validator("item", "default")
    @classmethod
    def _ids(cls, value: str, info: ValidationInfo) -> str:
        return check_id(value, info.field_name or "id")

    @model_validator(mode="after")
    def _default_known(self) -> CoachRoles:
        if self.default not in self.roles:
            raise ValueError(
                f"coach_roles: default {self.default!r} has no entry in 'roles' "
                f"({', '.join(self.roles)})"
            )
        return self

    def role_of(self, answers: Mapping[str, str]) -> str:
        """The chosen role in a prep's (shareable) answers, or the default."""
        chosen = answers.get(self.item, "")
        return chosen if chosen in self.roles else self.default

    def presentation(self, role: str) -> RolePresentation:
        return self.roles.get(role, self.roles[self.default])

    def __hash__(self) -> int:
        return hash((self.item, self.default, tuple(self.roles)))


def check_coach_roles(roles: CoachRoles, choices: tuple[str, ...], shareable: bool) -> None:
    """The roles must be the item's own choices, and the item must be on the meeting screen."""
    where = f"meeting.yaml: coach_roles: item {roles.item!r}"
    if not shareable:
        raise ValueError(
            f"{where} is not 'visibility: meeting', so the meeting screen cannot read it"
        )
    unknown = sorted(set(roles.roles) - set(choices))
    if unknown:
        raise ValueError(f"{where}: 'roles' names {unknown}, not among its choices {list(choices)}")
