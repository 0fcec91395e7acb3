"""The prep page's downloads: invites for the prep session and the meeting, and the
manager's "what to expect" page.

Made on request from what is on screen now (a draft counts: the coach may send the
invite before the prep is submitted), so a download always matches the answers shown.
The page itself (:mod:`widgets.apps.prep`) only places the two boxes: the prep-session
invite beside the checklist, the meeting invite and the handout after the prep.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

import ipywidgets as w

from widgets.apps.handout import handout_filename, handout_html
from widgets.apps.invites import (
    PREP_MINUTES,
    InviteError,
    invite_link,
    local_start,
    meeting_invite,
    parse_attendees,
    parse_time,
    prep_invite,
)
from widgets.apps.summary.documents import data_link
from widgets.instrument.instrument import Instrument
from widgets.shell.ui_text import status_html

__all__ = ["PrepDownloads"]


def _offer_invite(
    link: w.HTML, build: Callable[[], bytes], *, filename: str, css_class: str, text: str
) -> bool:
    """Put the invite ``build`` makes behind ``link``, or say why there is none yet."""
    try:
        content = build()
    except InviteError as exc:
        link.value = status_html(f"No invite yet: {exc}.", "error")
        return False
    link.value = invite_link(content, filename=filename, css_class=css_class, text=text)
    return True


def _text(label: str, hook: str, placeholder: str = "") -> w.Text:
    field = w.Text(
        description=label, placeholder=placeholder, style={"description_width": "initial"}
    )
    field.add_class(f"kit-invite-{hook}")
    return field


def _button(label: str, hook: str) -> w.Button:
    button = w.Button(description=label, icon="download")
    button.add_class(f"kit-action-{hook}")
    return button


class PrepDownloads:
    """``prep_session_box`` and ``meeting_box``; each button leaves a link in its box.

    ``answers`` gives the answers on screen (checklist and prep, by item id),
    ``first_name`` and ``engagement_id`` the open engagement, ``meeting_number`` which
    meeting is being prepared, ``meeting_date`` the checklist's date (or None), and
    ``off_limits`` the off-limits answers of the engagement's saved preps, screened out
    of the handout with those on screen.
    """

    def __init__(
        self,
        instrument: Instrument,
        *,
        answers: Callable[[], Mapping[str, str]],
        first_name: Callable[[], str],
        engagement_id: Callable[[], str],
        meeting_number: Callable[[], int],
        meeting_date: Callable[[], date | None],
        off_limits: Callable[[], list[str]] = list,
    ):
        self.instrument = instrument
        self._answers = answers
        self._first_name = first_name
        self._engagement_id = engagement_id
        self._meeting_number = meeting_number
        self._meeting_date = meeting_date
        self._off_limits = off_limits

        self.prep_date = w.DatePicker(description="Prep session on")
        self.prep_date.add_class("kit-invite-prep-date")
        self.prep_time = _text("at", "prep-time", "e.g. 09:30")
        self.prep_minutes = w.BoundedIntText(
            value=PREP_MINUTES, min=1, max=240, description="minutes"
        )
        self.prep_attendees = _text("Attendees (optional)", "prep-attendees", "names or e-mails")
        self.prep_button = _button("Prep session invite (.ics)", "prep-invite")
        self.prep_button.on_click(lambda _b: self.make_prep_invite())
        self.prep_link = w.HTML()
        self.prep_link.add_class("kit-invite-prep-link")
        self.prep_session_box = w.VBox(
            [
                w.HTML("<h4 class='kit-section-title'>Invite for the prep session</h4>"),
                w.HBox([self.prep_date, self.prep_time, self.prep_minutes]),
                self.prep_attendees,
                self.prep_button,
                self.prep_link,
            ]
        )
        self.prep_session_box.add_class("kit-invite-prep")

        self.meeting_time = _text("Meeting starts at", "meeting-time", "e.g. 14:00")
        self.meeting_attendees = _text(
            "Attendees (optional)", "meeting-attendees", "names or e-mails"
        )
        self.meeting_button = _button("Meeting invite (.ics)", "meeting-invite")
        self.meeting_button.on_click(lambda _b: self.make_meeting_invite())
        self.meeting_link = w.HTML()
        self.meeting_link.add_class("kit-invite-meeting-link")
        self.handout_button = _button("What to expect, for the manager", "handout")
        self.handout_button.on_click(lambda _b: self.make_handout())
        self.handout_link = w.HTML()
        self.handout_link.add_class("kit-handout-link")
        self.meeting_box = w.VBox(
            [
                w.HTML(
                    "<h3 class='kit-section-title'>Before the meeting</h3><p class='kit-intro'>"
                    "The invite and the handout carry the agenda and what the coachee allowed "
                    "on the meeting screen, never private answers.</p>"
                ),
                w.HBox([self.meeting_time, self.meeting_attendees]),
                w.HBox([self.meeting_button, self.handout_button]),
                self.meeting_link,
                self.handout_link,
            ]
        )
        self.meeting_box.add_class("kit-prep-downloads")

    def reset(self) -> None:
        """Forget links made for the engagement shown before."""
        for link in (self.prep_link, self.meeting_link, self.handout_link):
            link.value = ""

    def _inputs(self) -> dict[str, w.ValueWidget]:
        return {
            "prep_date": self.prep_date,
            "prep_time": self.prep_time,
            "prep_minutes": self.prep_minutes,
            "prep_attendees": self.prep_attendees,
            "meeting_time": self.meeting_time,
            "meeting_attendees": self.meeting_attendees,
        }

    def settings(self) -> dict[str, str]:
        """The invite details typed so far, as text (kept with the engagement's drafts)."""
        out = {}
        for name, widget in self._inputs().items():
            value = widget.value
            out[name] = value.isoformat() if isinstance(value, date) else str(value or "")
        return out

    def show_settings(self, settings: Mapping[str, str]) -> None:
        """Put back details kept earlier (blank where none; a damaged value is dropped)."""
        for name, widget in self._inputs().items():
            text = str(settings.get(name, ""))
            if name == "prep_date":
                try:
                    widget.value = date.fromisoformat(text) if text else None
                except ValueError:
                    widget.value = None
            elif name == "prep_minutes":
                fits = text.isdigit() and 1 <= int(text) <= 240
                widget.value = int(text) if fits else PREP_MINUTES
            else:
                widget.value = text

    def on_change(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` whenever an invite detail changes."""
        for widget in self._inputs().values():
            widget.observe(lambda _change: callback(), names="value")

    def make_prep_invite(self) -> bool:
        def build() -> bytes:
            if self.prep_date.value is None:
                raise InviteError("choose the prep session's date first")
            start = local_start(self.prep_date.value, parse_time(self.prep_time.value))
            return prep_invite(
                first_name=self._first_name(),
                start=start,
                minutes=int(self.prep_minutes.value),
                meeting_number=self._meeting_number(),
                attendees=parse_attendees(self.prep_attendees.value),
                uid_key=self._engagement_id(),
            )

        return _offer_invite(
            self.prep_link,
            build,
            filename=f"prep-session-{self._meeting_number()}.ics",
            css_class="kit-download-prep-ics",
            text="Download the prep session invite",
        )

    def make_meeting_invite(self) -> bool:
        def build() -> bytes:
            day = self._meeting_date()
            if day is None:
                raise InviteError("enter the meeting date in the checklist first")
            start = local_start(day, parse_time(self.meeting_time.value))
            return meeting_invite(
                self.instrument,
                self._meeting_number(),
                first_name=self._first_name(),
                start=start,
                answers=self._answers(),
                attendees=parse_attendees(self.meeting_attendees.value),
                uid_key=self._engagement_id(),
            )

        return _offer_invite(
            self.meeting_link,
            build,
            filename=f"alignment-meeting-{self._meeting_number()}.ics",
            css_class="kit-download-meeting-ics",
            text="Download the meeting invite",
        )

    def make_handout(self) -> str:
        page = handout_html(
            self.instrument,
            self._meeting_number(),
            first_name=self._first_name(),
            answers=self._answers(),
            off_limits=self._off_limits(),
        )
        self.handout_link.value = data_link(
            page,
            mime="text/html",
            filename=handout_filename(self._meeting_number()),
            css_class="kit-download-handout",
            text="Download the page for the manager (open it and print)",
        )
        return page
