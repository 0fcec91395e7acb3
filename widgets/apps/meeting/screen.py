"""The meeting page's widgets, laid out, with no behaviour of their own.

Kept apart from :class:`~widgets.apps.meeting.app.MeetingApp` so the order of things on
a shared screen (who the meeting is with, the presenter bar, the current part's
prompts, then the card and the agenda) reads in one place, and so the app's code is about what
happens, not where it shows. Every element carries a ``kit-…`` class: the stylesheet
and the browser tests find it by that.
"""

from __future__ import annotations

import html

import ipywidgets as w

from widgets.apps.meeting.views import close_tree, notice
from widgets.shell.chrome import page_header
from widgets.shell.context import AppContext
from widgets.shell.focus import PageFocus
from widgets.shell.picker import meeting_number_toggle
from widgets.shell.ui_text import counted

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

    The body is a presenter layout: a bar that sticks to the top of the window (the
    part now, its time left, the meeting's, one state, and every clock button), then the
    current part's prompts as the main content, with the card and the agenda beside
    them on a wide screen and below them on a laptop. ``play`` is the browser's
    one-second tick (hidden); the app listens to it.
    """

    def __init__(self, context: AppContext, intro: str):
        self.meeting_toggle = meeting_number_toggle("Meeting", "meeting")
        self.chooser = w.VBox()
        self.chooser.add_class("kit-meeting-chooser")
        self.status = _html("kit-status")
        self.card_box = w.VBox()
        self.card_box.add_class("kit-meeting-card-box")
        self.clock_html = _html("kit-meeting-clock")
        self.agenda_html = _html("kit-meeting-agenda")
        self.start_button = _button("Start meeting", "start", "primary")
        self.back_button = _button("◀ Back", "back")
        self.next_button = _button("Next part ▶", "next", "info")
        self.extend_buttons = {
            60: _button("+1 min", "extend-1"),
            300: _button("+5 min", "extend-5"),
        }
        for seconds, button in self.extend_buttons.items():
            button.tooltip = f"Give the part running now {counted(seconds // 60, 'more minute')}"
            button.add_class("kit-extend")
        self.end_button = _button("End meeting", "end", "warning")
        self.confirm_end_button = _button("Yes, end the meeting", "confirm-end", "danger")
        self.keep_going_button = _button("Keep going", "keep-going")
        self.confirm_box = w.HBox(
            [
                w.HTML(
                    "<span class='kit-confirm-text'>End the meeting for good? The clock "
                    "stops and every note is saved.</span>"
                ),
                self.confirm_end_button,
                self.keep_going_button,
            ],
            layout=w.Layout(display="none"),
        )
        self.confirm_box.add_class("kit-meeting-confirm-end")
        self.action_message = _html("kit-meeting-message")
        self.cue_html = _html("kit-meeting-cue")
        buttons = w.HBox(
            [
                self.start_button,
                self.back_button,
                self.next_button,
                *self.extend_buttons.values(),
                self.end_button,
            ]
        )
        buttons.add_class("kit-meeting-buttons")
        row = w.HBox([self.clock_html, buttons])
        row.add_class("kit-presenter-row")
        self.bar = w.VBox([row, self.confirm_box, self.action_message, self.cue_html])
        self.bar.add_class("kit-presenter-bar")
        self.sections_box = w.VBox()
        self.sections_box.add_class("kit-meeting-sections")
        self.ended_html = _html("kit-meeting-ended")
        self.correct_button = _button("Correct notes", "correct")
        self.save_corrections_button = _button("Save corrections", "save-corrections", "primary")
        self.corrections = w.HBox([self.correct_button, self.save_corrections_button])
        self.corrections.layout.display = "none"
        self.sound = w.Checkbox(
            value=False, description="Soft sound at one minute left and at a part's end"
        )
        self.sound.add_class("kit-meeting-sound")
        notes = w.VBox([self.ended_html, self.corrections, self.sections_box])
        notes.add_class("kit-meeting-notes")
        side = w.VBox([self.card_box, self.agenda_html, self.sound])
        side.add_class("kit-meeting-side")
        main = w.HBox([notes, side])
        main.add_class("kit-meeting-main")
        self.body = w.VBox([self.status, self.bar, main], layout=w.Layout(display="none"))
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
        self.focus = PageFocus()
        self.widget = w.VBox(
            [
                page_header("Alignment meeting", intro, context),
                self.meeting_toggle,
                self.chooser,
                self.body,
                self.play,
                self.focus,
            ]
        )
        self.widget.add_class("kit-app")
        self.widget.add_class("kit-meeting-app")
        self.change_button: w.Button | None = None
        self._phase = ""

    def reveal_part(self, section_id: str) -> None:
        """Show the top of the part now running under the bar: after Next or Back the
        page would otherwise stay scrolled to where the last part's notes ended."""
        self.focus.reveal(f".kit-meeting-section-{section_id}", below=".kit-presenter-bar")

    def set_phase(self, phase: str) -> None:
        """``waiting``, ``running`` or ``ended``: the stylesheet quietens what is not needed."""
        if phase != self._phase:
            if self._phase:
                self.widget.remove_class(f"kit-phase-{self._phase}")
            self.widget.add_class(f"kit-phase-{phase}")
            self._phase = phase

    def ask_to_end(self, asking: bool) -> None:
        """Show or hide End's confirmation; one click alone never ends a meeting."""
        self.confirm_box.layout.display = "" if asking else "none"
        self.confirm_end_button.disabled = not asking
        self.keep_going_button.disabled = not asking

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

    def set_card(self, *widgets: w.Widget) -> None:
        """Show these beside the notes, closing what was there (a take-over redraws the
        card: the old one's widgets would otherwise stay alive in the kernel)."""
        for child in self.card_box.children:
            if child not in widgets:
                close_tree(child)
        self.card_box.children = widgets

    def clear(self) -> None:
        """Empty the body of the meeting shown before and hide it."""
        self.set_card()
        self.ended_html.value = ""
        self.action_message.value = ""
        self.status.value = ""
        self.corrections.layout.display = "none"
        self.cue_html.value = ""
        self.ask_to_end(False)
        self.body.layout.display = "none"
        self.meeting_toggle.disabled = False
