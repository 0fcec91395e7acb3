"""The meeting screen under the coach's role the coachee chose in prep.

Kept apart from the layout (screen, sections, views) so the layout can change without
touching this, and so the role's effect on the page reads in one place: a banner above
the agenda (the coachee's own guide with ``observe``, the reminder to only ask
clarifying questions with ``clarify``) and each prompt dressed for whoever leads. The
words come from meeting.yaml (``coach_roles``); the role itself from the shareable
prep, the same answers the facilitator card reads.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets as w

from widgets.apps.meeting.card import SharedPrep
from widgets.apps.meeting.views import PromptView
from widgets.instrument.instrument import Instrument
from widgets.instrument.role_content import RolePresentation

__all__ = ["MeetingRole", "meeting_role"]

_DEFAULT_ROLE = "facilitate"


@dataclass(frozen=True)
class MeetingRole:
    """The chosen role and how it looks, with the coachee's name already filled in."""

    role: str
    presentation: RolePresentation

    def banner(self) -> w.HTML | None:
        """Heading and notice above the agenda, or None when the role changes nothing."""
        look = self.presentation
        if not (look.heading or look.notice):
            return None
        heading = (
            f"<h3 class='kit-role-heading'>{html.escape(look.heading)}</h3>" if look.heading else ""
        )
        notice = f"<p class='kit-role-notice'>{html.escape(look.notice)}</p>" if look.notice else ""
        banner = w.HTML(f"<div class='kit-notice kit-role' role='note'>{heading}{notice}</div>")
        banner.add_class("kit-role-banner")
        banner.add_class(f"kit-role-{self.role}")
        return banner

    def dress_prompt(self, view: PromptView) -> None:
        """Word one prompt for whoever leads; drop the coach's tip where it is not theirs."""
        look = self.presentation
        if look.hide_tips:
            # Emptied, not only hidden: the tip speaks to the coach, never to the room.
            view.tip.value = ""
            view.tip.layout.display = "none"
            view.tip_button.layout.display = "none"
        if look.asked_label:
            view.asked.description = look.asked_label
        if look.notes_placeholder and hasattr(view.field.input, "placeholder"):
            view.field.input.placeholder = look.notes_placeholder
        if look.prompt_lead:
            lead = w.HTML(f"<div class='kit-prompt-lead'>{html.escape(look.prompt_lead)}</div>")
            main = view.box.children[0]
            main.children = (lead, *main.children)


def meeting_role(instrument: Instrument, shared: SharedPrep | None, name: str) -> MeetingRole:
    """The role for this meeting from its shareable prep (facilitate when none was chosen)."""
    roles = instrument.coach_roles
    if roles is None:
        return MeetingRole(_DEFAULT_ROLE, RolePresentation())
    role = roles.role_of(shared.values if shared is not None else {})
    return MeetingRole(role, roles.presentation(role).filled(name))
