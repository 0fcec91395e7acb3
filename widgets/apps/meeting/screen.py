"""The meeting page's widgets, laid out, with no behaviour of their own.

Kept apart from :class:`~widgets.apps.meeting.app.MeetingApp` so the order of things on
a shared screen (who the meeting is with, the card, the clock, the agenda, the
buttons, then the notes) reads in one place, and so the app's code is about what
happens, not where it shows. Every element carries a ``kit-…`` class: the stylesheet
and the browser tests find it by that.
"""

from __future__ import annotations

import html

import ipywidgets as w

from widgets.apps.meeting.views import close_tree, notice
from widgets.shell.chrome import page_header
from widgets.shell.context import AppContext
from widgets.shell.picker import meeting_number_toggle

__all__ = ["TICK_MILLISECONDS", "MeetingScreen"]

TICK_MILLISECONDS = 1000


def _html(css_class: str) -> w.HTML:
    widget = w.HTML()
    widget.add_class(css_class)
    return widget


def _button(label: str, hook: str, style: str = "") -> w.Button:
    button = w.Button(description=label, button_style=style, disabled=True)
    button.add_class(f"kit-action-{hook}")
    return button


class MeetingScreen:
    """Header, meeting toggle, engagement line, and the body shown once one is open.

    ``play`` is the browser's one-second tick (hidden); the app listens to it.
    """

    def __init__(self, context: AppContext, intro: str):
        self.meeting_toggle = meeting_number_toggle("Meeting", "meeting")
        self.chooser = w.VBox()
        self.chooser.add_class("kit-meeting-chooser")
        self.status = _html("kit-status")
        self.card_box = w.VBox()
        self.clock_html = _html("kit-meeting-clock")
        self.agenda_html = _html("kit-meeting-agenda")
        self.start_button = _button("Start meeting", "start", "primary")
        self.back_button = _button("◀ Back", "back")
        self.next_button = _button("Next part ▶", "next", "info")
        self.end_button = _button("End meeting", "end", "warning")
        self.action_message = _html("kit-meeting-message")
        buttons = w.HBox(
            [self.start_button, self.back_button, self.next_button, self.end_button],
            layout=w.Layout(flex_flow="row wrap"),
        )
        buttons.add_class("kit-meeting-buttons")
        self.sections_box = w.VBox()
        self.sections_box.add_class("kit-meeting-sections")
        self.ended_html = _html("kit-meeting-ended")
        self.correct_button = _button("Correct notes", "correct")
        self.save_corrections_button = _button("Save corrections", "save-corrections", "primary")
        self.corrections = w.HBox([self.correct_button, self.save_corrections_button])
        self.corrections.layout.display = "none"
        self.body = w.VBox(
            [
                self.status,
                self.card_box,
                self.clock_html,
                self.agenda_html,
                buttons,
                self.action_message,
                self.sections_box,
                self.ended_html,
                self.corrections,
            ],
            layout=w.Layout(display="none"),
        )
        self.body.add_class("kit-meeting-body")
        self.play = w.Play(
            value=0,
            min=0,
            max=1_000_000,
            step=1,
            interval=TICK_MILLISECONDS,
            repeat=True,
            playing=False,
            layout=w.Layout(display="none"),
        )
        self.play.add_class("kit-meeting-ticker")
        self.widget = w.VBox(
            [
                page_header("Alignment meeting", intro, context),
                self.meeting_toggle,
                self.chooser,
                self.body,
                self.play,
            ]
        )
        self.widget.add_class("kit-app")
        self.widget.add_class("kit-meeting-app")
        self.change_button: w.Button | None = None

    def show_engagement(self, name: str, meeting_number: int) -> w.Button:
        """Say whose meeting is open, in place of the picker; returns its Change button."""
        change = w.Button(description="Change engagement", tooltip="Choose another engagement")
        change.add_class("kit-action-change-engagement")
        which = "first" if meeting_number == 1 else "second"
        line = w.HBox(
            [
                w.HTML(
                    f"<div class='kit-meeting-who'>Meeting with <b>{html.escape(name)}</b>"
                    f" · {which} alignment meeting</div>"
                ),
                change,
            ]
        )
        line.add_class("kit-bar")
        line.add_class("kit-meeting-current-engagement")
        self.chooser.children = (line,)
        self.change_button = change
        return change

    def say_status(self, text: str, kind: str = "") -> None:
        self.status.value = (
            notice(text, kind) if kind else (f"<div role='status'>{html.escape(text)}</div>")
        )

    def say_action(self, text: str = "", kind: str = "") -> None:
        """The line under the buttons: why an action failed, or what it did."""
        self.action_message.value = notice(text, kind) if text else ""

    def clear(self) -> None:
        """Empty the body of the meeting shown before and hide it."""
        for child in self.card_box.children:
            close_tree(child)
        self.card_box.children = ()
        self.ended_html.value = ""
        self.action_message.value = ""
        self.status.value = ""
        self.corrections.layout.display = "none"
        self.body.layout.display = "none"
        self.meeting_toggle.disabled = False
