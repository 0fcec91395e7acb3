"""The preparation app: the coachee's checklist and the prep session, for one engagement.

Everything typed is kept as a draft on every change; Submit checks the answers,
writes them through the store and offers the next step: the meeting's link, to open or
to copy into the calendar invite. Reopening an engagement shows the saved answers (or a
newer unsaved draft) and a new Submit is a corrected revision. What the coach reads
speaks of saving and changes, never of drafts or revision numbers (storage detail).
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

import ipywidgets as w

from widgets.apps.meeting.card import saved_off_limits
from widgets.apps.prep_downloads import PrepDownloads
from widgets.apps.timing import (
    DEFAULT_WINDOW,
    ProgramSettingsError,
    RecommendedWindow,
    TimingCheck,
    check_timing,
    load_windows,
)
from widgets.errors import StoreError
from widgets.forms.fields import DateField, hook_class
from widgets.forms.form_view import FormView
from widgets.instrument.codebook import ensure_codebook
from widgets.instrument.instrument import Instrument
from widgets.instrument.rules import MEETING_DATE_ROLE
from widgets.instrument.yaml_loading import load_instrument
from widgets.shell.chrome import page_header
from widgets.shell.connection_watch import set_page_scope
from widgets.shell.context import app_context
from widgets.shell.focus import PageFocus
from widgets.shell.form_writer import FormWriter, not_saved_text, saved_text
from widgets.shell.page import app_page_of
from widgets.shell.picker import EngagementPicker, meeting_number_toggle, open_from_link
from widgets.shell.ui_text import counted, status_html
from widgets.store.drafts import DraftStore
from widgets.store.records import Submission
from widgets.store.registry import Engagement, EngagementRegistry
from widgets.store.responses import ResponseStore

__all__ = ["PrepApp", "build_prep_app"]

FORMS = ("checklist", "prep")


class PrepApp:
    """Build with :func:`build_prep_app`; ``widget`` is what the notebook displays."""

    def __init__(
        self,
        *,
        root: Path | None = None,
        params: dict[str, str] | None = None,
        instrument: Instrument | None = None,
    ):
        self.context = app_context(params or {}, root=root)
        self.root = self.context.root
        self.instrument = instrument or load_instrument()
        # The checklist item checked against the recommended window, found by its role.
        dated = self.instrument.item_with_role(MEETING_DATE_ROLE)
        self._meeting_date_id = dated.id if dated is not None else ""
        self.registry = EngagementRegistry(self.root)
        ensure_codebook(self.root, self.instrument)
        self.store = ResponseStore(self.root)
        self.drafts = DraftStore(self.root)
        self.views: dict[str, FormView] = {}
        self.engagement: Engagement | None = None
        self.meeting_number = 1
        self._loading = False
        self.writer = FormWriter(
            self.drafts, lock=self._lock, current=self._draft_data, say=self._set_status
        )

        self.downloads = PrepDownloads(
            self.instrument,
            answers=self._answers_on_screen,
            first_name=lambda: self.engagement.first_name if self.engagement else "",
            engagement_id=lambda: self.engagement.engagement_id if self.engagement else "",
            meeting_number=lambda: self.meeting_number,
            meeting_date=self._meeting_date,
            off_limits=lambda: (
                saved_off_limits(self.store, self.engagement.engagement_id)
                if self.engagement
                else []
            ),
        )
        self.downloads.on_change(self._keep_invites)
        self.picker = EngagementPicker(self.registry, choose=True, create=False)
        self.meeting_toggle = meeting_number_toggle("Preparing for", "prep")
        self.status = w.HTML()
        self.status.add_class("kit-status")
        self.timing = w.HTML()
        self.timing.add_class("kit-timing")
        self.submit_button = w.Button(description="Submit", button_style="primary", icon="check")
        self.submit_button.add_class("kit-action-submit")
        self.submit_button.on_click(lambda _b: self.submit())
        self.submit_message = w.HTML()
        self.submit_message.add_class("kit-submit-message")
        self.next_step = w.HTML()
        self.next_step.add_class("kit-next-step")
        self.focus = PageFocus()
        self.forms_box = w.VBox()
        self.body = w.VBox(
            [
                self.meeting_toggle,
                self.status,
                self.forms_box,
                w.VBox([self.submit_button, self.submit_message, self.next_step]),
            ],
            layout=w.Layout(display="none"),
        )
        self.body.children[-1].add_class("kit-actions")
        self.settings_message = w.HTML()
        self.windows: dict[int, RecommendedWindow | None]
        try:
            self.windows = load_windows(self.root)
        except ProgramSettingsError as exc:
            self.windows = {1: DEFAULT_WINDOW, 2: None}
            self.settings_message.value = status_html(
                f"{exc}. Using the default window (month 2).", "error"
            )
        self.widget = w.VBox(
            [
                self.writer.notice.widget,
                page_header(
                    "Preparation session",
                    self.instrument.form("prep").intro,
                    self.context,
                    on_data_changed=self.picker.refresh,
                ),
                self.settings_message,
                self.picker.widget,
                self.body,
                self.focus,
            ]
        )
        self.widget.add_class("kit-app")
        self.picker.on_pick(self._picked)
        self.meeting_toggle.observe(self._meeting_changed, names="value")
        self._apply_params(self.context.params)

    # -- opening ------------------------------------------------------------------------
    def _apply_params(self, params: dict[str, str]) -> None:
        open_from_link(self.picker, self.meeting_toggle, params)

    def _picked(self, engagement: Engagement | None) -> None:
        self.open(engagement, self.meeting_toggle.value)

    def _meeting_changed(self, change: dict) -> None:
        self.open(self.engagement, int(change["new"]))

    def _draft_key(self) -> str:
        return f"prep-{self.meeting_number}"

    def _invites_key(self) -> str:
        return f"invites-{self.meeting_number}"

    def _restore_invites(self) -> None:
        """The invite details typed for this engagement and meeting, even after Submit
        (blank where none were: the last engagement's never carry over)."""
        assert self.engagement is not None
        kept = self.drafts.load(self.engagement.engagement_id, self._invites_key())
        # Clearing the last engagement's details is not typing: nothing is kept from it.
        self._loading = True
        try:
            self.downloads.reset()
            self.downloads.show_settings(kept[1] if kept else {})
        finally:
            self._loading = False

    def _keep_invites(self) -> None:
        if self._loading or self.engagement is None:
            return
        try:
            self.drafts.save(
                self.engagement.engagement_id, self._invites_key(), self.downloads.settings()
            )
        except OSError as exc:
            self._set_status(f"Could not keep the invite details ({exc}).", "error")

    def open(self, engagement: Engagement | None, meeting_number: int = 1) -> None:
        """Show the forms for an engagement, filled with its draft or saved answers."""
        self.engagement = engagement
        self.meeting_number = meeting_number
        self.submit_message.value = ""
        self.next_step.value = ""
        if engagement is None:
            set_page_scope()
            self.views = {}
            self.forms_box.children = ()
            self.body.layout.display = "none"
            return
        set_page_scope("prep", engagement.engagement_id, meeting_number)
        name = engagement.first_name
        self.views = {
            form_id: FormView(
                self.instrument.form(form_id),
                meeting_number=meeting_number,
                name=name,
                # Beside each prep answer, who will see it: the coachee decides what to
                # write knowing where it goes.
                show_visibility=form_id == "prep",
            )
            for form_id in FORMS
        }
        date_field = self.views["checklist"].fields.get(self._meeting_date_id)
        if date_field is not None:
            date_field.box.children = (*date_field.box.children, self.timing)
        checklist = self.instrument.form("checklist")
        self.forms_box.children = (
            w.HTML(
                f"<h3 class='kit-section-title'>{html.escape(checklist.title)}</h3>"
                f"<p class='kit-intro'>{html.escape(checklist.intro)}</p>"
            ),
            self.views["checklist"].widget,
            self.downloads.prep_session_box,
            self.views["prep"].widget,
            self.downloads.meeting_box,
        )
        self._restore_invites()
        self._restore()
        for view in self.views.values():
            view.on_change(self._autosave)
        self._update_timing()
        self.body.layout.display = ""

    def _restore(self) -> None:
        assert self.engagement is not None
        eid = self.engagement.engagement_id
        saved: dict[str, Submission | None] = {
            f: self.store.latest(eid, f, self.meeting_number) for f in FORMS
        }
        draft = self.writer.open(eid, self._draft_key())
        saved_at = max((s.recorded_at for s in saved.values() if s), default="")
        self._loading = True
        try:
            shown = self.writer.restore(draft[0] if draft else None, saved_at)
            for form_id, view in self.views.items():
                if draft and shown == "draft":
                    view.set_values(draft[1].get(form_id, {}))
                elif shown == "saved":
                    submission = saved[form_id]
                    if submission:
                        view.set_values(submission.values())
        finally:
            self._loading = False

    # -- as the coach types -------------------------------------------------------------
    def _autosave(self) -> None:
        self._update_timing()
        if self._loading or self.engagement is None:
            return
        self.writer.keep(self._draft_data())

    def _draft_data(self) -> dict[str, dict[str, str]]:
        return {form_id: view.values() for form_id, view in self.views.items()}

    def _lock(self, locked: bool) -> None:
        """While another tab holds the draft only Submit waits: the fields stay open, so
        nothing typed as the other tab wrote is dropped, and Take over here saves it."""
        self.submit_button.disabled = locked

    def _answers_on_screen(self) -> dict[str, str]:
        return {k: v for view in self.views.values() for k, v in view.values().items()}

    def _meeting_date(self) -> date | None:
        field = self.views.get("checklist") and self.views["checklist"].fields.get(
            self._meeting_date_id
        )
        return field.date() if isinstance(field, DateField) else None

    def _timing_check(self) -> TimingCheck | None:
        field = self.views.get("checklist") and self.views["checklist"].fields.get(
            self._meeting_date_id
        )
        if not isinstance(field, DateField) or self.engagement is None:
            return None
        chosen = field.date()
        if chosen is None:
            return None
        window = self.windows.get(self.meeting_number)
        if window is None:
            # No recommended month for this meeting: only a date before the engagement
            # started is worth a word (it is surely a typo).
            check = check_timing(self.engagement.start_date, chosen)
            return check if check.blocks_saving else None
        return check_timing(self.engagement.start_date, chosen, window)

    def _update_timing(self) -> None:
        check = self._timing_check()
        if check is None:
            self.timing.value = ""
            return
        kind = {
            "in_window": "kit-notice-ok",
            "before_start": "kit-notice-error",
            "implausible": "kit-notice-error",
        }.get(check.status, "")
        self.timing.value = (
            f"<div class='kit-notice {kind} kit-timing-{check.status}'>"
            f"{html.escape(check.message)}</div>"
        )

    # -- saving -------------------------------------------------------------------------
    def submit(self) -> bool:
        """Check every answer, then save both forms; on any problem save nothing."""
        if self.engagement is None:
            self.submit_message.value = status_html("Choose an engagement first.", "error")
            return False
        check = self._timing_check()
        extra = {self._meeting_date_id: check.message} if check and check.blocks_saving else {}
        problems = {
            form_id: view.validate(extra if form_id == "checklist" else None)
            for form_id, view in self.views.items()
        }
        invalid = [(form_id, item_id) for form_id, found in problems.items() for item_id in found]
        labels = [self.views[form_id].fields[item_id].label for form_id, item_id in invalid]
        if invalid:
            # The message beside the first field to fix, and the cursor in it.
            self.focus.show("." + hook_class(*invalid[0]))
        if labels:
            shown = "; ".join(labels[:4]) + (
                f"; and {len(labels) - 4} more" if len(labels) > 4 else ""
            )
            self.submit_message.value = status_html(
                f"Not saved yet: {counted(len(labels), 'answer')} need attention (marked in red): "
                f"{shown}",
                "error",
            )
            return False
        eid = self.engagement.engagement_id
        forms = {f: v.answers() for f, v in self.views.items() if v.answers()}
        if not forms:
            self.submit_message.value = status_html(
                "Nothing to save yet: answer at least one question.", "error"
            )
            return False
        # A correction is a save over an earlier one, whatever the revision counter says.
        earlier = any(self.store.latest(eid, f, self.meeting_number) for f in FORMS)
        try:
            # Both forms in one commit, or neither; only forms that changed.
            with self.writer.finishing():
                saved = self.store.submit_many(
                    engagement_id=eid,
                    meeting_number=self.meeting_number,
                    forms=forms,
                    instrument_version=self.instrument.version,
                )
        except StoreError as exc:
            self.submit_message.value = status_html(not_saved_text(exc), "error")
            return False
        text = saved_text(saved[0].recorded_at if saved else None, earlier=earlier)
        self.submit_message.value = status_html(text, "ok")
        self._set_status(text, "ok")
        if not saved:
            return True
        self.next_step.value = self._next_step_html()
        return True

    def _next_step_html(self) -> str:
        """The meeting of this engagement, to open now or to copy into the invite."""
        assert self.engagement is not None
        link = html.escape(
            self.context.link(
                "meeting.ipynb",
                engagement=self.engagement.engagement_id,
                meeting=self.meeting_number,
            )
        )
        name = html.escape(self.engagement.first_name)
        return (
            "<div class='kit-next' role='region' aria-label='Next step'>"
            f"<p class='kit-next-title'>Next: the meeting with {name}'s manager</p>"
            f"<a class='kit-action-open-meeting kit-next-link' href='{link}'>Open the meeting</a>"
            "<button type='button' class='kit-action-copy-meeting-link kit-next-copy' "
            f"data-href='{link}' onclick=\"navigator.clipboard.writeText("
            "new URL(this.dataset.href, document.baseURI).href).then("
            "() => { this.textContent = 'Link copied'; })\">Copy the link</button>"
            "</div>"
        )

    def _set_status(self, text: str, kind: str = "") -> None:
        self.status.value = status_html(text, kind)


def build_prep_app(*, root: Path | None = None, params: dict[str, str] | None = None) -> w.Widget:
    """Build the preparation app for the page's query string (or ``params``)."""
    return app_page_of(PrepApp, params=params, root=root)
