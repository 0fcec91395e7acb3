"""The live meeting app: the 30-minute agenda a coach runs, often while sharing the screen.

Three promises shape it:

* **Nothing private on screen.** The facilitator card is built from the shareable part
  of the prep only, and once an engagement is open the picker (with every other
  coachee's name in its list) is closed, not hidden, so no other name stays in the page.
* **Never lose a note.** Every keystroke, tick and clock action is written to a draft at
  once; a reload or a kernel restart restores notes, ticks and the clock, whose times
  are always computed from stored timestamps (:mod:`widgets.apps.meeting.timer`).
* **Readable at a glance.** Big elapsed and remaining figures, the current part's time
  left, and its state in words and colour. A hidden ``Play`` widget in the browser asks
  the kernel to refresh once a second; it never counts time itself.

End writes the final rows through the store (form ``meeting``); reopening an ended
meeting shows it read-only, and notes can be corrected as a new revision.
"""

from __future__ import annotations

import html
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import ipywidgets as w

from widgets.apps.meeting.card import SharedPrep, facilitator_card, load_shared_prep
from widgets.apps.meeting.timer import MeetingTimer, PlannedSection, TimerError, format_seconds
from widgets.forms.fields import Field, hook_class, make_field
from widgets.ids import InvalidEngagementId
from widgets.instrument.derived_items import derived_meeting_items
from widgets.instrument.instrument import Instrument
from widgets.instrument.items import Item
from widgets.instrument.model import Section
from widgets.instrument.rules import MEETING_FORM, fill_name
from widgets.instrument.yaml_loading import load_instrument
from widgets.shell.context import app_context, page_header
from widgets.shell.page import app_page
from widgets.shell.picker import EngagementPicker, meeting_from_link, meeting_number_toggle
from widgets.shell.ui_text import local_time
from widgets.store.drafts import DraftStore
from widgets.store.registry import Engagement, EngagementRegistry, UnknownEngagement
from widgets.store.responses import Answer, ResponseStore, StoreError, Submission, utc_now

__all__ = ["MeetingApp", "build_meeting_app"]

Clock = Callable[[], datetime]

DEBRIEF_NOTEBOOK = "debrief.ipynb"
TICK_MILLISECONDS = 1000
# How long the kernel keeps nudging a browser clock that has not ticked (a reloaded
# page whose Play widget was created before its view existed). Bounded, so a closed
# tab stops producing traffic and the kernel can still be culled as idle.
_KICK_AFTER_SECONDS = 3.0
_MAX_KICKS = 15

STATE_WORDS = {
    "on_time": "✓ On time",
    "last_minute": "◔ Last minute",
    "over_budget": "⚠ Over budget",
}


def _notice(text: str, kind: str = "") -> str:
    cls = f"kit-notice kit-notice-{kind}" if kind else "kit-notice"
    role = " role='alert'" if kind == "error" else " role='status'"
    return f"<div class='{cls}'{role}>{html.escape(text)}</div>"


def _close_tree(widget: w.Widget) -> None:
    """Close a widget and everything inside it, so its state leaves the page entirely."""
    for child in getattr(widget, "children", ()):
        _close_tree(child)
    widget.close()


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with ipywidgets
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class PromptView:
    """One prompt: the question with the name filled in, notes, asked marker, tip on demand."""

    def __init__(self, item: Item, *, name: str, earlier_html: str = ""):
        self.item = item
        self.field: Field = make_field(item, form_id=MEETING_FORM, name=name, show_tip=False)
        self.asked = w.Checkbox(value=False, description="Asked", indent=False)
        self.asked.add_class(hook_class(MEETING_FORM, f"{item.id}_asked"))
        self.tip_button = w.ToggleButton(
            value=False, description="Tip", tooltip="Show or hide the coach tip"
        )
        self.tip_button.add_class(f"kit-meeting-{item.id}-tip-toggle")
        self.tip_button.add_class("kit-tip-toggle")
        self.tip = w.HTML(
            f"<div class='kit-tip'>Tip: {html.escape(item.tip)}</div>",
            layout=w.Layout(display="none"),
        )
        self.tip.add_class(f"kit-meeting-{item.id}-tip")
        self.tip_button.observe(self._toggle_tip, names="value")
        self.field.input.observe(self._typed, names="value")
        controls = w.HBox([self.asked, self.tip_button])
        controls.add_class("kit-prompt-controls")
        main = w.VBox([self.field.box, controls, self.tip])
        main.add_class("kit-prompt-main")
        parts: list[w.Widget] = [main]
        if earlier_html:
            earlier = w.HTML(earlier_html)
            earlier.add_class("kit-earlier")
            earlier.add_class(f"kit-meeting-{item.id}-earlier")
            parts.append(earlier)
        self.box = w.HBox(parts)
        self.box.add_class("kit-prompt")

    def _toggle_tip(self, change: dict[str, Any]) -> None:
        self.tip.layout.display = "" if change["new"] else "none"

    def _typed(self, change: dict[str, Any]) -> None:
        # Notes only appear once the question was put: mark it asked the moment notes
        # start; the coach can still untick it.
        if not str(change["old"]).strip() and str(change["new"]).strip():
            self.asked.value = True

    def notes(self) -> str:
        return self.field.value()

    def set_state(self, notes: str, asked: bool) -> None:
        self.field.set_value(notes)
        self.asked.value = asked

    def set_disabled(self, disabled: bool) -> None:
        self.field.set_disabled(disabled)
        self.asked.disabled = disabled


class CheckpointView:
    """A tick box whose tick records the time; unticking clears it."""

    def __init__(self, item: Item, *, name: str, clock: Callable[[], str]):
        self.item = item
        self._clock = clock
        self._restoring = False
        self.ticked_at = ""
        self.field: Field = make_field(item, form_id=MEETING_FORM, name=name)
        self.when = w.HTML()
        self.when.add_class(f"kit-meeting-{item.id}-time")
        self.field.box.children = (*self.field.box.children, self.when)
        self.field.input.observe(self._ticked, names="value")
        self.box = self.field.box
        self.box.add_class("kit-checkpoint")

    def _ticked(self, change: dict[str, Any]) -> None:
        if self._restoring:
            return
        self.ticked_at = self._clock() if change["new"] else ""
        self._show_time()

    def _show_time(self) -> None:
        self.when.value = (
            f"<span class='kit-tick-time'>ticked at {local_time(self.ticked_at, '%H:%M:%S')}</span>"
            if self.ticked_at
            else ""
        )

    def set_ticked_at(self, stamp: str) -> None:
        self._restoring = True
        try:
            self.ticked_at = stamp
            self.field.set_value("yes" if stamp else "no")
        finally:
            self._restoring = False
        self._show_time()

    def set_disabled(self, disabled: bool) -> None:
        self.field.set_disabled(disabled)


class MeetingApp:
    """Build with :func:`build_meeting_app`; ``widget`` is what the notebook displays.

    ``clock`` gives every time the meeting records (tests pass a fake one).
    """

    def __init__(
        self,
        *,
        root: Path | None = None,
        params: dict[str, str] | None = None,
        instrument: Instrument | None = None,
        clock: Clock = utc_now,
    ):
        self.context = app_context(params or {}, root=root)
        self.root = self.context.root
        self.instrument = instrument or load_instrument()
        self.form = self.instrument.form(MEETING_FORM)
        self.prep_form = self.instrument.form("prep")
        self.clock = clock
        self.registry = EngagementRegistry(self.root)
        self.store = ResponseStore(self.root)
        self.drafts = DraftStore(self.root)
        self.engagement: Engagement | None = None
        self.meeting_number = 1
        self.timer: MeetingTimer | None = None
        self.shared_prep: SharedPrep | None = None
        self.saved: Submission | None = None
        self.prompts: dict[str, PromptView] = {}
        self.checkpoints: dict[str, CheckpointView] = {}
        self.blocks: dict[str, w.VBox] = {}
        # Values of parts not built yet: a part's widgets are made when it is first shown,
        # so a page opens with a few dozen widgets rather than a few hundred.
        self._pending: dict[str, str] = {}
        self._earlier: dict[str, str] = {}
        self.picker: EngagementPicker | None = None
        self._loading = False
        self._correcting = False
        self._lock = threading.RLock()
        self._last_browser_tick = time.monotonic()
        self._kicks = 0
        self._kicker: threading.Thread | None = None
        self._closed = False

        self.meeting_toggle = meeting_number_toggle("Meeting", "meeting")
        self.chooser = w.VBox()
        self.chooser.add_class("kit-meeting-chooser")
        self.status = w.HTML()
        self.status.add_class("kit-status")
        self.card_box = w.VBox()
        self.clock_html = w.HTML()
        self.clock_html.add_class("kit-meeting-clock")
        self.agenda_html = w.HTML()
        self.agenda_html.add_class("kit-meeting-agenda")
        self.start_button = self._button("Start meeting", "start", "primary", self.start)
        self.back_button = self._button("◀ Back", "back", "", self.back)
        self.next_button = self._button("Next part ▶", "next", "info", self.next)
        self.end_button = self._button("End meeting", "end", "warning", self.end)
        self.action_message = w.HTML()
        self.action_message.add_class("kit-meeting-message")
        buttons = w.HBox(
            [self.start_button, self.back_button, self.next_button, self.end_button],
            layout=w.Layout(flex_flow="row wrap"),
        )
        buttons.add_class("kit-meeting-buttons")
        self.sections_box = w.VBox()
        self.sections_box.add_class("kit-meeting-sections")
        self.ended_html = w.HTML()
        self.ended_html.add_class("kit-meeting-ended")
        self.correct_button = self._button("Correct notes", "correct", "", self.begin_corrections)
        self.save_corrections_button = self._button(
            "Save corrections", "save-corrections", "primary", self.save_corrections
        )
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
        self.play.observe(self._browser_tick, names="value")
        self.widget = w.VBox(
            [
                page_header("Alignment meeting", self.form.intro, self.context),
                self.meeting_toggle,
                self.chooser,
                self.body,
                self.play,
            ]
        )
        self.widget.add_class("kit-app")
        self.widget.add_class("kit-meeting-app")
        self.meeting_toggle.observe(self._meeting_changed, names="value")
        self._apply_params(self.context.params)

    def _button(self, label: str, hook: str, style: str, action: Callable[[], Any]) -> w.Button:
        button = w.Button(description=label, button_style=style, disabled=True)
        button.add_class(f"kit-action-{hook}")
        button.on_click(lambda _b: action())
        return button

    # -- opening ------------------------------------------------------------------------
    def _apply_params(self, params: dict[str, str]) -> None:
        number, problem = meeting_from_link(params)
        if number is not None:
            self.meeting_toggle.value = number
        engagement_id = params.get("engagement", "")
        if engagement_id:
            try:
                engagement = self.registry.get(engagement_id)
            except (InvalidEngagementId, UnknownEngagement):
                picker = self.show_picker()
                picker.pick(engagement_id)  # says why, in the picker's message
                return
            self.open(engagement, self.meeting_toggle.value)
            return
        picker = self.show_picker()
        if problem:
            picker._say(problem, error=True)

    def show_picker(self) -> EngagementPicker:
        """Offer the engagement list again (after "Change", or when nothing is open)."""
        self._clear_meeting()
        if self.picker is None:
            self.picker = EngagementPicker(self.registry)
            self.picker.on_pick(self._picked)
        self.chooser.children = (self.picker.widget,)
        return self.picker

    def _close_picker(self) -> None:
        # Closed, not hidden: its dropdown holds every coachee's name.
        if self.picker is not None:
            _close_tree(self.picker.widget)
            self.picker = None

    def _picked(self, engagement: Engagement | None) -> None:
        if engagement is not None:
            self.open(engagement, self.meeting_toggle.value)

    def _meeting_changed(self, change: dict[str, Any]) -> None:
        if self.engagement is not None and not self._loading:
            self.open(self.engagement, int(change["new"]))

    def _draft_key(self) -> str:
        return f"meeting-{self.meeting_number}"

    def open(self, engagement: Engagement, meeting_number: int = 1) -> None:
        """Show the meeting for an engagement: a draft in progress, the saved one, or new."""
        self._clear_meeting()
        self._close_picker()
        self.engagement = engagement
        self.meeting_number = meeting_number
        if self.meeting_toggle.value != meeting_number:
            self._loading = True
            self.meeting_toggle.value = meeting_number
            self._loading = False
        eid = engagement.engagement_id
        name = engagement.first_name
        self.shared_prep = load_shared_prep(self.store, self.prep_form, eid, meeting_number)
        self.card_box.children = (
            facilitator_card(
                name, self.prep_form, self.shared_prep, card_rows=self.instrument.card
            ),
        )
        change = w.Button(description="Change engagement", tooltip="Choose another engagement")
        change.add_class("kit-action-change-engagement")
        change.on_click(lambda _b: self.show_picker())
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

        self._earlier = self._earlier_notes() if meeting_number == 2 else {}
        self.saved = self.store.latest(eid, MEETING_FORM, meeting_number)
        draft = self.drafts.load(eid, self._draft_key())
        plan = self._plan()
        self._loading = True
        try:
            if draft and (self.saved is None or draft[0] > self.saved.recorded_at):
                self._restore_draft(draft[0], draft[1], plan)
            elif self.saved is not None:
                self.timer = MeetingTimer(plan, total_seconds=self._total(), clock=self.clock)
                self._show_saved(self.saved)
            else:
                self.timer = MeetingTimer(plan, total_seconds=self._total(), clock=self.clock)
                self._say_status(
                    "Press Start when everyone has joined. Notes and times are kept as a "
                    "draft as you go."
                )
        finally:
            self._loading = False
        self.body.layout.display = ""
        self.refresh()

    def _total(self) -> int | None:
        return None if self.form.total_minutes is None else self.form.total_minutes * 60

    def _plan(self) -> list[PlannedSection]:
        plan = []
        for section in self.form.sections_for(self.meeting_number):
            skipped, reason = False, ""
            if section.condition is not None:
                if self.shared_prep is None:
                    skipped = True
                    reason = "no prep saved, so there is no agreement to talk about this"
                elif self.shared_prep.get(section.condition) != "yes":
                    skipped = True
                    reason = "agreed in prep to leave it out of this meeting"
            plan.append(
                PlannedSection(
                    id=section.id,
                    title=section.title,
                    budget_seconds=section.budget_seconds or 0,
                    skipped=skipped,
                    skip_reason=reason,
                )
            )
        return plan

    def _earlier_notes(self) -> dict[str, str]:
        """Meeting 1's notes and debrief 1's answers named by the instrument's
        ``followup_context`` (meeting.yaml), for meeting 2 only."""
        assert self.engagement is not None
        eid = self.engagement.engagement_id
        wanted = {i for ids in self.instrument.followup_context.prompts.values() for i in ids}
        found: dict[str, str] = {}
        first = self.store.latest(eid, MEETING_FORM, 1)
        if first is not None:
            for item_id, value in first.values().items():
                if item_id in wanted and value.strip():
                    found[item_id] = value
        debrief = self.store.latest(eid, "debrief", 1)
        debrief_form = self.instrument.form("debrief")
        if debrief is not None:
            for item_id, value in debrief.values().items():
                if item_id in wanted and value and debrief_form.has_item(item_id):
                    labels = {c.value: c.label for c in debrief_form.item(item_id).options()}
                    found[item_id] = labels.get(value, value)
        return found

    def _earlier_html(self, item_id: str, earlier: dict[str, str]) -> str:
        context = self.instrument.followup_context
        ids = context.prompts.get(item_id, ())
        if not ids:
            return ""
        rows = [
            f"<dt>{html.escape(context.earlier.get(i, i))}</dt>"
            f"<dd>{html.escape(earlier[i]).replace(chr(10), '<br>')}</dd>"
            for i in ids
            if i in earlier
        ]
        body = (
            f"<dl>{''.join(rows)}</dl>" if rows else "<p>Nothing saved from meeting 1 on this.</p>"
        )
        return f"<div class='kit-earlier-title'>From meeting 1</div>{body}"

    def _items(self, kind: str) -> list[tuple[str, str]]:
        """(section id, item id) of every item of that type in the parts that run."""
        assert self.timer is not None
        return [
            (planned.id, item.id)
            for planned in self.timer.running
            for item in self._section(planned.id).items_for(self.meeting_number)
            if item.type == kind
        ]

    def _section(self, section_id: str) -> Section:
        return next(s for s in self.form.sections if s.id == section_id)

    def prompt(self, item_id: str) -> PromptView:
        """The prompt's view, built with its part if that part has not been shown yet."""
        self.section_block(self.form.section_of(item_id).id)
        return self.prompts[item_id]

    def checkpoint(self, item_id: str) -> CheckpointView:
        self.section_block(self.form.section_of(item_id).id)
        return self.checkpoints[item_id]

    def section_block(self, section_id: str) -> w.VBox:
        """One agenda part's widgets, made on first use and filled from pending values."""
        if section_id in self.blocks:
            return self.blocks[section_id]
        assert self.timer is not None and self.engagement is not None
        planned = self.timer.section(section_id)
        if planned.skipped:
            raise KeyError(f"part {section_id!r} is skipped in this meeting: it has no widgets")
        name = self.engagement.first_name
        section = self._section(section_id)
        minutes = format_seconds(planned.budget_seconds)
        parts: list[w.Widget] = [
            w.HTML(
                f"<h3 class='kit-section-title'>{html.escape(section.title)} "
                f"<span class='kit-budget'>({minutes})</span></h3>"
                f"<p class='kit-intro'>{html.escape(section.intro)}</p>"
            )
        ]
        was_loading, self._loading = self._loading, True
        try:
            for item in section.items_for(self.meeting_number):
                if item.type == "prompt":
                    view = PromptView(
                        item, name=name, earlier_html=self._earlier_html(item.id, self._earlier)
                    )
                    view.set_state(
                        self._pending.get(item.id, ""),
                        self._pending.get(f"{item.id}_asked") == "yes",
                    )
                    view.field.on_change(self._autosave)
                    view.asked.observe(lambda _c: self._autosave(), names="value")
                    self.prompts[item.id] = view
                    parts.append(view.box)
                elif item.type == "checkpoint":
                    checkpoint = CheckpointView(item, name=name, clock=self._stamp)
                    checkpoint.set_ticked_at(self._pending.get(item.id, ""))
                    checkpoint.field.on_change(self._autosave)
                    self.checkpoints[item.id] = checkpoint
                    parts.append(checkpoint.box)
                else:  # pragma: no cover - the instrument only has these two in the meeting
                    raise ValueError(f"meeting item {item.id!r} has unsupported type {item.type!r}")
        finally:
            self._loading = was_loading
        huddle = self.instrument.huddle_reminder
        if section.id == huddle.section:
            reminder = w.HTML(_notice(fill_name(huddle.during, name)))
            reminder.add_class("kit-huddle-reminder")
            parts.append(reminder)
        block = w.VBox(parts, layout=w.Layout(display="none"))
        block.add_class("kit-section")
        block.add_class(f"kit-meeting-section-{section.id}")
        self.blocks[section.id] = block
        order = [s.id for s in self.timer.running]
        self.sections_box.children = tuple(self.blocks[sid] for sid in order if sid in self.blocks)
        if self.saved is not None or (self.timer.ended and not self._correcting):
            for view in self.prompts.values():
                view.set_disabled(True)
            for box in self.checkpoints.values():
                box.set_disabled(True)
        return block

    def _notes(self, item_id: str) -> str:
        view = self.prompts.get(item_id)
        return view.notes() if view else self._pending.get(item_id, "")

    def _asked(self, item_id: str) -> bool:
        view = self.prompts.get(item_id)
        return bool(view.asked.value) if view else self._pending.get(f"{item_id}_asked") == "yes"

    def _ticked_at(self, item_id: str) -> str:
        box = self.checkpoints.get(item_id)
        return box.ticked_at if box else self._pending.get(item_id, "")

    def _stamp(self) -> str:
        return self.clock().astimezone(timezone.utc).isoformat(timespec="milliseconds")

    def _clear_meeting(self) -> None:
        """Close everything of the engagement shown before (its notes leave the page)."""
        self.play.playing = False
        for box in (self.card_box, self.sections_box):
            for child in box.children:
                _close_tree(child)
            box.children = ()
        for child in self.chooser.children:
            if self.picker is None or child is not self.picker.widget:
                _close_tree(child)
        self.prompts, self.checkpoints, self.blocks = {}, {}, {}
        self._pending, self._earlier = {}, {}
        self.engagement, self.timer, self.saved, self.shared_prep = None, None, None, None
        self._correcting = False
        self.ended_html.value = ""
        self.action_message.value = ""
        self.status.value = ""
        self.corrections.layout.display = "none"
        self.body.layout.display = "none"
        self.meeting_toggle.disabled = False

    # -- drafts -------------------------------------------------------------------------
    def _draft(self) -> dict[str, Any]:
        assert self.timer is not None
        return {
            "timer": self.timer.to_dict(),
            "notes": {pid: self._notes(pid) for _sid, pid in self._items("prompt")},
            "asked": {pid: self._asked(pid) for _sid, pid in self._items("prompt")},
            "ticks": {cid: self._ticked_at(cid) for _sid, cid in self._items("checkpoint")},
        }

    def _restore_draft(
        self, saved_at: str, data: dict[str, Any], plan: list[PlannedSection]
    ) -> None:
        try:
            self.timer = MeetingTimer.from_dict(data["timer"], clock=self.clock)
        except (KeyError, TimerError) as exc:
            self.timer = MeetingTimer(plan, total_seconds=self._total(), clock=self.clock)
            self._say_status(f"The saved meeting clock could not be read ({exc}); notes restored.")
        else:
            self._say_status(
                f"Restored the meeting in progress from the draft saved at "
                f"{local_time(saved_at, '%H:%M:%S')}; times are counted from the stored start."
            )
        notes, asked = data.get("notes") or {}, data.get("asked") or {}
        ticks = data.get("ticks") or {}
        self._pending = {str(k): str(v) for k, v in notes.items() if v}
        self._pending.update({f"{k}_asked": "yes" for k, v in asked.items() if v})
        self._pending.update({str(k): str(v) for k, v in ticks.items() if v})

    def _autosave(self) -> None:
        if self._loading or self._correcting or self.engagement is None or self.timer is None:
            return
        if self.saved is not None and not self.timer.started:
            return  # an ended meeting shown read-only: nothing to draft
        try:
            stamp = self.drafts.save(
                self.engagement.engagement_id, self._draft_key(), self._draft()
            )
        except OSError as exc:
            self._say_status(f"Could not save the draft ({exc}). Keep this page open.", "error")
            return
        if self.timer.in_progress:
            self._say_status(f"Draft saved {local_time(stamp, '%H:%M:%S')}.")

    def _say_status(self, text: str, kind: str = "") -> None:
        self.status.value = (
            _notice(text, kind) if kind else (f"<div role='status'>{html.escape(text)}</div>")
        )

    # -- clock actions ------------------------------------------------------------------
    def _act(self, action: Callable[[MeetingTimer], None]) -> bool:
        if self.timer is None:
            return False
        self._kicks = 0
        try:
            with self._lock:
                action(self.timer)
        except TimerError as exc:
            self.action_message.value = _notice(f"{exc}.", "error")
            return False
        self.action_message.value = ""
        self._autosave()
        self.refresh()
        return True

    def start(self) -> bool:
        return self._act(lambda t: t.start())

    def next(self) -> bool:
        return self._act(lambda t: t.next())

    def back(self) -> bool:
        return self._act(lambda t: t.back())

    def end(self) -> bool:
        """Stop the clock and save every row; nothing is ended while a note cannot be saved."""
        timer = self.timer
        if timer is None or self.engagement is None:
            return False
        if not timer.ended:
            problems = {}
            for _sid, pid in self._items("prompt"):
                if pid not in self.prompts and not self._pending.get(pid):
                    continue
                view = self.prompt(pid)
                problem = view.field.problem()
                view.field.show_problem(problem)
                if problem:
                    problems[pid] = view.field.label
            if problems:
                self.action_message.value = _notice(
                    f"Not ended yet: {len(problems)} note(s) cannot be saved as they are "
                    "(marked in red). Fix them, then press End again; the clock keeps running.",
                    "error",
                )
                return False
            if not self._act(lambda t: t.end()):
                return False
        return self._submit()

    def _answers(self) -> list[Answer]:
        assert self.timer is not None
        recorded = self.timer.recorded_values()
        answers: list[Answer] = []
        derived = derived_meeting_items(
            self.form, self.meeting_number, version=self.instrument.version
        )
        kinds = {e.item_id: e.type for e in derived}
        for entry in derived:
            if entry.section == MEETING_FORM and entry.item_id in recorded:
                answers.append(
                    Answer(MEETING_FORM, entry.item_id, entry.type, recorded[entry.item_id])
                )
        for planned in self.timer.sections:
            sid = planned.id
            section = self._section(sid)

            def add(item_id: str, value: str, section_id: str = sid) -> None:
                if value != "":
                    answers.append(Answer(section_id, item_id, kinds[item_id], value))

            add(f"{sid}_started_at", recorded.get(f"{sid}_started_at", ""))
            for item in section.items_for(self.meeting_number):
                if item.type == "prompt":
                    notes = "" if planned.skipped else self._notes(item.id)
                    if notes.strip():
                        answers.append(Answer(sid, item.id, item.type, notes))
                    asked = not planned.skipped and self._asked(item.id)
                    add(f"{item.id}_asked", "yes" if asked else "no")
                elif item.type == "checkpoint":
                    ticked = "" if planned.skipped else self._ticked_at(item.id)
                    if ticked:
                        answers.append(Answer(sid, item.id, item.type, ticked))
            for suffix in ("ended_at", "seconds", "budget_seconds"):
                add(f"{sid}_{suffix}", recorded.get(f"{sid}_{suffix}", ""))
            if f"{sid}_skipped" in kinds:
                add(f"{sid}_skipped", "yes" if planned.skipped else "no")
        return answers

    def _submit(self) -> bool:
        assert self.engagement is not None and self.timer is not None
        eid = self.engagement.engagement_id
        try:
            submission = self.store.submit(
                engagement_id=eid,
                form=MEETING_FORM,
                meeting_number=self.meeting_number,
                answers=self._answers(),
                instrument_version=self.instrument.version,
            )
        except (StoreError, ValueError) as exc:
            self.action_message.value = _notice(
                f"The meeting has ended but is not saved yet: {exc} Everything is still in the "
                "draft; press End again to retry.",
                "error",
            )
            self.refresh()
            return False
        self.drafts.clear(eid, self._draft_key())
        self.saved = submission
        self._show_saved(submission, just_ended=True)
        return True

    # -- ended meetings -----------------------------------------------------------------
    def _show_saved(self, submission: Submission, *, just_ended: bool = False) -> None:
        """The ended meeting, read-only: notes, ticks, and actual time against budget."""
        assert self.engagement is not None
        values = submission.values()
        if not just_ended:
            self._pending = dict(values)
        assert self.timer is not None
        for planned in self.timer.running:
            self.section_block(planned.id)
        for view in self.prompts.values():
            view.set_disabled(True)
        for checkpoint in self.checkpoints.values():
            checkpoint.set_disabled(True)
        for block in self.blocks.values():
            block.layout.display = ""
        name = self.engagement.first_name
        huddle = self.instrument.huddle_reminder
        link = self.context.link(
            DEBRIEF_NOTEBOOK,
            engagement=self.engagement.engagement_id,
            meeting=self.meeting_number,
        )
        when = local_time(submission.recorded_at, "%d %b %H:%M")
        lead = (
            f"Meeting ended and saved at {when}."
            if just_ended
            else f"This meeting ended and was saved on {when} (revision {submission.revision}). "
            "It is shown read-only."
        )
        rows = []
        for part_id, title in self._plan_from(values):
            actual = values.get(f"{part_id}_seconds", "")
            budget = values.get(f"{part_id}_budget_seconds", "")
            shown = (
                "skipped"
                if values.get(f"{part_id}_skipped") == "yes"
                else (format_seconds(float(actual)) if actual else "—")
            )
            rows.append(
                f"<tr><td>{html.escape(title)}</td>"
                f"<td>{format_seconds(float(budget)) if budget else '—'}</td><td>{shown}</td></tr>"
            )
        total = values.get("meeting_seconds", "")
        self.ended_html.value = (
            f"<div class='kit-notice kit-notice-ok' role='status'>{html.escape(lead)} "
            f"{html.escape(fill_name(huddle.after_end, name))} "
            f"<a class='kit-action-debrief' href='{html.escape(link)}'>"
            f"{html.escape(huddle.debrief_link)}</a>."
            "</div><table class='kit-timings'><tr><th>Part</th><th>Budget</th><th>Actual</th>"
            f"</tr>{''.join(rows)}<tr><th>Meeting</th><th>"
            f"{format_seconds(self._total() or 0)}</th><th>"
            f"{format_seconds(float(total)) if total else '—'}</th></tr></table>"
        )
        self._say_status(lead, "ok")
        self.corrections.layout.display = ""
        self.correct_button.disabled = False
        self.save_corrections_button.disabled = True
        self.refresh()

    def _plan_from(self, values: dict[str, str]) -> list[tuple[str, str]]:
        return [
            (s.id, s.title)
            for s in self.form.sections_for(self.meeting_number)
            if f"{s.id}_budget_seconds" in values
        ]

    def begin_corrections(self) -> None:
        """Let the coach fix notes after the meeting; times and ticks stay as recorded."""
        if self.saved is None:
            return
        self._correcting = True
        for view in self.prompts.values():
            view.set_disabled(False)
        self.correct_button.disabled = True
        self.save_corrections_button.disabled = False
        self.action_message.value = _notice(
            "Correcting notes: times and ticks stay as recorded. Press Save corrections to "
            "save a new revision; the earlier one is kept."
        )

    def save_corrections(self) -> bool:
        """Save the corrected notes as the next revision of the same meeting."""
        if self.saved is None or self.engagement is None or not self._correcting:
            return False
        for view in self.prompts.values():
            view.field.show_problem(view.field.problem())
        if any(view.field.problem() for view in self.prompts.values()):
            self.action_message.value = _notice(
                "Not saved: fix the notes marked in red first.", "error"
            )
            return False
        kept = [
            a
            for a in self.saved.answers
            if a.item_id not in self.prompts
            and a.item_id.removesuffix("_asked") not in self.prompts
        ]
        updated: list[Answer] = []
        for pid, view in self.prompts.items():
            section = self.form.section_of(pid).id
            if view.notes().strip():
                updated.append(Answer(section, pid, "prompt", view.notes()))
            updated.append(
                Answer(section, f"{pid}_asked", "yes_no", "yes" if view.asked.value else "no")
            )
        try:
            submission = self.store.submit(
                engagement_id=self.engagement.engagement_id,
                form=MEETING_FORM,
                meeting_number=self.meeting_number,
                answers=kept + updated,
                instrument_version=self.instrument.version,
            )
        except (StoreError, ValueError) as exc:
            self.action_message.value = _notice(f"Not saved: {exc}", "error")
            return False
        self._correcting = False
        self.saved = submission
        self.action_message.value = _notice(
            f"Corrections saved as revision {submission.revision}; the earlier version is kept.",
            "ok",
        )
        self._show_saved(submission)
        return True

    # -- display ------------------------------------------------------------------------
    def refresh(self) -> None:
        """Redraw the clock, the agenda and the buttons from the timer's stored times."""
        timer = self.timer
        if timer is None:
            return
        with self._lock:
            self.clock_html.value = self._clock_html(timer)
            self.agenda_html.value = self._agenda_html(timer)
        ended_saved = self.saved is not None and (timer.ended or not timer.started)
        self.start_button.disabled = ended_saved or not timer.can_start()
        self.back_button.disabled = not timer.can_back()
        self.next_button.disabled = not timer.can_next()
        self.end_button.disabled = ended_saved or not (
            timer.can_end() or (timer.ended and self.saved is None)
        )
        self.end_button.description = (
            "Save the ended meeting" if timer.ended and self.saved is None else "End meeting"
        )
        self.meeting_toggle.disabled = timer.in_progress
        if self.saved is None:
            current = timer.current.id if timer.current and timer.in_progress else None
            for planned in timer.running:
                sid = planned.id
                show = sid == current or (timer.ended and timer.visited(sid))
                if show or sid in self.blocks:
                    self.section_block(sid).layout.display = "" if show else "none"
            disabled = timer.ended
            for view in self.prompts.values():
                view.set_disabled(disabled)
            for checkpoint in self.checkpoints.values():
                checkpoint.set_disabled(disabled)
        playing = timer.in_progress
        if self.play.playing != playing:
            self.play.playing = playing
        if playing:
            self._ensure_kicker()

    def _clock_html(self, timer: MeetingTimer) -> str:
        total = format_seconds(timer.total_seconds)
        if self.saved is not None and not timer.started:
            seconds = self.saved.values().get("meeting_seconds", "")
            took = format_seconds(float(seconds)) if seconds else "—"
            return (
                "<div class='kit-clock kit-clock-ended'><div class='kit-clock-main'>"
                f"<div class='kit-clock-figure'><span class='kit-clock-label'>Took</span>"
                f"<span class='kit-clock-big kit-meeting-elapsed'>{took}</span></div>"
                f"<div class='kit-clock-figure'><span class='kit-clock-label'>Budget</span>"
                f"<span class='kit-clock-big'>{total}</span></div></div>"
                "<div class='kit-clock-section'>Ended</div></div>"
            )
        state = timer.meeting_state()
        remaining = timer.remaining()
        remaining_text = (
            format_seconds(remaining) if remaining >= 0 else f"+{format_seconds(-remaining)}"
        )
        remaining_label = f"Remaining of {total}" if remaining >= 0 else f"Over the {total}"
        if not timer.started:
            section_line = "Not started: press Start when everyone has joined."
            section_state = "on_time"
        else:
            current = timer.current
            assert current is not None
            section_state = timer.section_state()
            left = timer.section_remaining()
            budget = format_seconds(current.budget_seconds)
            left_text = (
                f"{format_seconds(left)} left of {budget}"
                if left >= 0
                else f"{format_seconds(-left)} over its {budget}"
            )
            prefix = "Ended in" if timer.ended else "Now"
            section_line = (
                f"<span class='kit-section-now'>{prefix}: <b>{html.escape(current.title)}</b>"
                f"</span> <span class='kit-meeting-section-remaining'>{left_text}</span> "
                f"<span class='kit-state-word kit-state-word-{section_state}'>"
                f"{STATE_WORDS[section_state]}</span>"
            )
        spare = timer.spare_seconds()
        skipped = sum(s.budget_seconds for s in timer.sections if s.skipped)
        if spare >= 0:
            spare_text = f"Spare time in the meeting: {format_seconds(spare)}"
            if skipped:
                spare_text += f" (includes {format_seconds(skipped)} from the skipped part)"
        else:
            spare_text = (
                f"Behind by {format_seconds(-spare)}: shorten a later part to finish on time"
            )
        state_word = "Ended" if timer.ended else STATE_WORDS[state]
        return (
            f"<div class='kit-clock kit-state-{state}' data-state='{state}'>"
            "<div class='kit-clock-main'>"
            "<div class='kit-clock-figure'><span class='kit-clock-label'>Elapsed</span>"
            f"<span class='kit-clock-big kit-meeting-elapsed'>{format_seconds(timer.elapsed())}"
            "</span></div>"
            f"<div class='kit-clock-figure'><span class='kit-clock-label'>{remaining_label}"
            f"</span><span class='kit-clock-big kit-meeting-remaining'>{remaining_text}</span>"
            "</div>"
            f"<div class='kit-clock-figure kit-meeting-state'><span class='kit-clock-label'>"
            f"Meeting</span><span class='kit-clock-word'>{state_word}</span></div></div>"
            f"<div class='kit-clock-section kit-state-{section_state}' "
            f"data-state='{section_state}'>{section_line}</div>"
            f"<div class='kit-clock-spare kit-meeting-spare'>{html.escape(spare_text)}</div></div>"
        )

    def _agenda_html(self, timer: MeetingTimer) -> str:
        items = []
        values = self.saved.values() if self.saved is not None and not timer.started else {}
        for planned in timer.sections:
            budget = format_seconds(planned.budget_seconds)
            if planned.skipped:
                status = (
                    f"skipped: {html.escape(planned.skip_reason)}. Its {budget} go back to the "
                    "pool."
                )
                cls = "skipped"
            elif values:
                actual = values.get(f"{planned.id}_seconds", "")
                status = f"took {format_seconds(float(actual))}" if actual else "not reached"
                cls = "done"
            elif timer.current is planned and timer.in_progress:
                status = f"now · {format_seconds(timer.section_elapsed(planned.id))}"
                cls = "now"
            elif timer.visited(planned.id):
                status = f"took {format_seconds(timer.section_elapsed(planned.id))}"
                cls = "done"
            else:
                status = "to come"
                cls = "todo"
            items.append(
                f"<li class='kit-agenda-{cls} kit-agenda-{planned.id}'>"
                f"<span class='kit-agenda-title'>{html.escape(planned.title)}</span> "
                f"<span class='kit-agenda-budget'>{budget}</span> "
                f"<span class='kit-agenda-status'>{status}</span></li>"
            )
        return f"<ol class='kit-agenda'>{''.join(items)}</ol>"

    # -- the browser's tick -------------------------------------------------------------
    def _browser_tick(self, _change: object = None) -> None:
        self._last_browser_tick = time.monotonic()
        self._kicks = 0
        self.refresh()

    def tick(self) -> None:
        """What one tick of the browser's clock does: redraw from stored times."""
        self._browser_tick()

    def _ensure_kicker(self) -> None:
        if self._kicker is not None or not _in_kernel():
            return
        self._kicker = threading.Thread(target=self._kick_loop, name="meeting-clock", daemon=True)
        self._kicker.start()

    def _kick_loop(self) -> None:
        # The browser's Play only starts when its view sees `playing` turn on; a page
        # reloaded mid-meeting gets a Play that was already on. Nudge it a few times.
        while not self._closed:
            time.sleep(1.0)
            timer = self.timer
            if timer is None or not timer.in_progress or self._kicks >= _MAX_KICKS:
                continue
            if time.monotonic() - self._last_browser_tick < _KICK_AFTER_SECONDS:
                continue
            with self._lock:
                self._kicks += 1
                self.play.playing = False
                self.play.playing = True

    def close(self) -> None:
        """Stop the clock thread and close every widget (tests, or a kernel shutting down)."""
        self._closed = True
        self.play.playing = False
        _close_tree(self.widget)


def build_meeting_app(
    *, root: Path | None = None, params: dict[str, str] | None = None
) -> w.Widget:
    """Build the meeting app for the page's query string (or ``params``)."""
    return app_page(
        lambda context: MeetingApp(root=context.root, params=context.params).widget,
        params=params,
        root=root,
    )
