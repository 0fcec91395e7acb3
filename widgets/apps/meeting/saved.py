"""An ended meeting on screen: read-only notes and times, and corrections to the notes.

Split from :mod:`widgets.apps.meeting.session` because it is its own state of the
page: once the meeting is saved, the clock no longer matters and the coach may only
fix notes, each fix a new revision with the earlier one kept.
"""

from __future__ import annotations

from widgets.apps.meeting.clock_html import timings_html
from widgets.apps.meeting.plan import meeting_total_seconds
from widgets.apps.meeting.rows import corrected_answers
from widgets.apps.meeting.screen import MeetingScreen
from widgets.apps.meeting.sections import MeetingSections
from widgets.apps.meeting.timer import MeetingTimer
from widgets.clock import local_time
from widgets.errors import StoreError
from widgets.instrument.instrument import Instrument
from widgets.instrument.model import Form
from widgets.instrument.rules import MEETING_FORM
from widgets.store.records import Submission
from widgets.store.registry import Engagement
from widgets.store.responses import ResponseStore

__all__ = ["SavedMeeting"]


class SavedMeeting:
    """The saved-meeting half of :class:`~widgets.apps.meeting.session.MeetingSession`."""

    screen: MeetingScreen
    sections: MeetingSections
    timer: MeetingTimer
    store: ResponseStore
    instrument: Instrument
    form: Form
    engagement: Engagement
    meeting_number: int
    saved: Submission | None
    _correcting: bool

    def refresh(self) -> None:  # drawn by the session
        raise NotImplementedError

    def _show_saved(self, submission: Submission, *, just_ended: bool = False) -> None:
        """The ended meeting, read-only: notes, ticks, and actual time against budget."""
        sections = self.sections
        values = submission.values()
        for planned in self.timer.running:
            sections.block(planned.id)
        sections.set_disabled(True)
        for block in sections.blocks.values():
            block.layout.display = ""
        when = local_time(submission.recorded_at, "%d %b %H:%M")
        # Said in words, never as a revision number: that is the store's bookkeeping.
        corrected = " (notes corrected)" if submission.revision > 1 else ""
        lead = (
            f"Meeting ended and saved at {when}."
            if just_ended
            else f"This meeting ended and was saved on {when}{corrected}. It is shown read-only."
        )
        parts = [
            (s.id, s.title)
            for s in self.form.sections_for(self.meeting_number)
            if f"{s.id}_budget_seconds" in values
        ]
        self.screen.ended_html.value = (
            "<h3 class='kit-section-title'>Where the time went</h3>"
            + timings_html(parts, values, meeting_total_seconds(self.form))
        )
        self.screen.say_status(lead, "ok")
        self.screen.corrections.layout.display = ""
        self.screen.correct_button.disabled = False
        self.screen.save_corrections_button.disabled = True
        self.refresh()

    def begin_corrections(self) -> None:
        """Let the coach fix notes after the meeting; times and ticks stay as recorded."""
        if self.saved is None:
            return
        self._correcting = True
        self.sections.set_notes_disabled(False)
        self.screen.correct_button.disabled = True
        self.screen.save_corrections_button.disabled = False
        self.screen.say_action(
            "Correcting notes: times and ticks stay as recorded. Press Save corrections to "
            "save them; the notes as saved before are kept too."
        )

    def save_corrections(self) -> bool:
        """Save the corrected notes as the next revision of the same meeting."""
        if self.saved is None or not self._correcting:
            return False
        sections = self.sections
        for view in sections.prompts.values():
            view.field.show_problem(view.field.problem())
        if any(view.field.problem() for view in sections.prompts.values()):
            self.screen.say_action("Not saved: fix the notes marked in red first.", "error")
            return False
        answers = corrected_answers(self.saved.answers, self.form, list(sections.prompts), sections)
        try:
            submission = self.store.submit(
                engagement_id=self.engagement.engagement_id,
                form=MEETING_FORM,
                meeting_number=self.meeting_number,
                answers=answers,
                instrument_version=self.instrument.version,
            )
        except (StoreError, ValueError) as exc:
            self.screen.say_action(f"Not saved: {exc}", "error")
            return False
        self._correcting = False
        self.saved = submission
        self.screen.say_action(
            "Corrections saved; the earlier version is kept.",
            "ok",
        )
        self._show_saved(submission)
        return True
