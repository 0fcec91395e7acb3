"""The agenda parts of one open meeting on screen, each built the first time it is shown.

A meeting has a few hundred widgets if every part is built at once; built on first use,
a page opens with a few dozen. Values for parts not built yet (from a draft, or from a
saved meeting) wait in ``pending`` and fill each part as it is made, so reading a
note gives the same answer whether or not its part has been shown.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as w

from widgets.apps.meeting.followup import earlier_html
from widgets.apps.meeting.plan import running_items, section_of_form
from widgets.apps.meeting.timer import MeetingTimer, format_seconds
from widgets.apps.meeting.views import CheckpointView, PromptView, close_tree, notice
from widgets.instrument.content import FollowupContext, HuddleReminder
from widgets.instrument.items import Item
from widgets.instrument.model import Form
from widgets.instrument.rules import fill_name

__all__ = ["MeetingSections"]

# Shown at the end of the close part: the coach and coachee stay on after the manager.


class MeetingSections:
    """Prompts and checkpoints of the parts that run, in ``box``, made on first use.

    ``on_change`` hears every note, asked marker and tick the coach changes (not the
    values filled in while a part is built); ``locked`` says whether a part built now
    must be read-only (an ended meeting); ``stamp`` gives the time of a tick.
    """

    def __init__(
        self,
        form: Form,
        meeting_number: int,
        timer: MeetingTimer,
        *,
        name: str,
        pending: dict[str, str],
        earlier: dict[str, str],
        followup: FollowupContext,
        huddle: HuddleReminder,
        stamp: Callable[[], str],
        on_change: Callable[[], None],
        locked: Callable[[], bool],
        box: w.VBox,
        dress_prompt: Callable[[PromptView], None] | None = None,
    ):
        self.form = form
        self.meeting_number = meeting_number
        self.timer = timer
        self.name = name
        self.pending = pending
        self.earlier = earlier
        self.followup = followup
        self.huddle = huddle
        self._stamp = stamp
        self._on_change = on_change
        self._locked = locked
        self.box = box
        self._dress_prompt = dress_prompt
        self.prompts: dict[str, PromptView] = {}
        self.checkpoints: dict[str, CheckpointView] = {}
        self.blocks: dict[str, w.VBox] = {}

    # -- reading, built or not ------------------------------------------------------------
    def notes(self, item_id: str) -> str:
        view = self.prompts.get(item_id)
        return view.notes() if view else self.pending.get(item_id, "")

    def asked(self, item_id: str) -> bool:
        view = self.prompts.get(item_id)
        return bool(view.asked.value) if view else self.pending.get(f"{item_id}_asked") == "yes"

    def ticked_at(self, item_id: str) -> str:
        box = self.checkpoints.get(item_id)
        return box.ticked_at if box else self.pending.get(item_id, "")

    def items(self, kind: str) -> list[tuple[str, str]]:
        """(section id, item id) of every item of that type in the parts that run."""
        return running_items(self.form, self.meeting_number, self.timer, kind)

    # -- building -------------------------------------------------------------------------
    def prompt(self, item_id: str) -> PromptView:
        """The prompt's view, built with its part if that part has not been shown yet."""
        self.block(self.form.section_of(item_id).id)
        return self.prompts[item_id]

    def checkpoint(self, item_id: str) -> CheckpointView:
        self.block(self.form.section_of(item_id).id)
        return self.checkpoints[item_id]

    def block(self, section_id: str) -> w.VBox:
        """One agenda part's widgets, made on first use and filled from pending values."""
        if section_id in self.blocks:
            return self.blocks[section_id]
        planned = self.timer.section(section_id)
        if planned.skipped:
            raise KeyError(f"part {section_id!r} is skipped in this meeting: it has no widgets")
        section = section_of_form(self.form, section_id)
        minutes = format_seconds(planned.budget_seconds)
        parts: list[w.Widget] = [
            w.HTML(
                f"<h3 class='kit-section-title'>{html.escape(section.title)} "
                f"<span class='kit-budget'>({minutes})</span></h3>"
                f"<p class='kit-intro'>{html.escape(section.intro)}</p>"
            )
        ]
        for item in section.items_for(self.meeting_number):
            if item.type == "prompt":
                parts.append(self._prompt_view(item).box)
            elif item.type == "checkpoint":
                parts.append(self._checkpoint_view(item).box)
            else:  # pragma: no cover - the instrument only has these two in the meeting
                raise ValueError(f"meeting item {item.id!r} has unsupported type {item.type!r}")
        if section.id == self.huddle.section:
            reminder = w.HTML(notice(fill_name(self.huddle.during, self.name)))
            reminder.add_class("kit-huddle-reminder")
            parts.append(reminder)
        block = w.VBox(parts, layout=w.Layout(display="none"))
        block.add_class("kit-section")
        block.add_class(f"kit-meeting-section-{section.id}")
        self.blocks[section.id] = block
        order = [s.id for s in self.timer.running]
        self.box.children = tuple(self.blocks[sid] for sid in order if sid in self.blocks)
        if self._locked():
            self.set_disabled(True)
        return block

    def _prompt_view(self, item: Item) -> PromptView:
        view = PromptView(
            item, name=self.name, earlier_html=earlier_html(item.id, self.earlier, self.followup)
        )
        if self._dress_prompt is not None:
            self._dress_prompt(view)  # the coach's role, chosen in prep (meeting/role.py)
        view.set_state(self.pending.get(item.id, ""), self.pending.get(f"{item.id}_asked") == "yes")
        # Listeners only after the saved values are in: filling a part is not typing.
        view.field.on_change(self._on_change)
        view.asked.observe(lambda _c: self._on_change(), names="value")
        self.prompts[item.id] = view
        return view

    def _checkpoint_view(self, item: Item) -> CheckpointView:
        checkpoint = CheckpointView(item, name=self.name, clock=self._stamp)
        checkpoint.set_ticked_at(self.pending.get(item.id, ""))
        checkpoint.field.on_change(self._on_change)
        self.checkpoints[item.id] = checkpoint
        return checkpoint

    # -- showing --------------------------------------------------------------------------
    def show(self, section_id: str, visible: bool) -> None:
        self.block(section_id).layout.display = "" if visible else "none"

    def set_disabled(self, disabled: bool) -> None:
        """Lock or unlock every note, asked marker and tick built so far."""
        for view in self.prompts.values():
            view.set_disabled(disabled)
        for checkpoint in self.checkpoints.values():
            checkpoint.set_disabled(disabled)

    def set_marks_disabled(self, disabled: bool) -> None:
        """Lock or unlock the asked markers and ticks only: a tab that lost the meeting
        to another keeps its notes open to typing (nothing typed is dropped mid-word;
        Take over here keeps it), while a tick or a mark, which the other tab may
        also be setting, waits."""
        for view in self.prompts.values():
            view.asked.disabled = disabled
        for checkpoint in self.checkpoints.values():
            checkpoint.set_disabled(disabled)

    def set_notes_disabled(self, disabled: bool) -> None:
        """Lock or unlock the notes only (corrections after the meeting keep the ticks)."""
        for view in self.prompts.values():
            view.set_disabled(disabled)

    def close(self) -> None:
        """Close every part's widgets, so the notes leave the page."""
        for child in self.box.children:
            close_tree(child)
        self.box.children = ()
