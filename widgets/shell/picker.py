"""Pick an engagement or create one: the bar at the top of every coach app.

Each page gets only its part: home creates engagements, prep and debrief choose one.
Once an engagement is open, the chooser folds into one line naming it (first name,
program, cohort: never the ID, which means nothing to a coachee looking at a shared
screen) with a button to choose another.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as w

from widgets.ids import InvalidEngagementId
from widgets.store.registry import Engagement, EngagementRegistry, RegistryError, UnknownEngagement

__all__ = [
    "EngagementPicker",
    "NEW_ENGAGEMENT_FIELDS",
    "SAY_KINDS",
    "meeting_number_toggle",
    "meeting_from_link",
    "open_from_link",
]

NEW_ENGAGEMENT_FIELDS = ("first_name", "coach", "program", "cohort", "start_date")
_LABELS = {
    "first_name": "First name",
    "coach": "Coach",
    "program": "Program",
    "cohort": "Cohort",
}
_PLACEHOLDERS = {
    "first_name": "Coachee's first name",
    "coach": "Coach's name",
    "program": "e.g. Leaders 2026",
    "cohort": "e.g. B",
}

SAY_KINDS = ("ok", "error")

PickListener = Callable[[Engagement | None], None]


class EngagementPicker:
    """A dropdown of the registry's engagements (``choose``) and a one-line
    new-engagement form (``create``); a page shows the parts it needs.

    Listeners hear the chosen :class:`Engagement` (or ``None`` when cleared).
    """

    def __init__(self, registry: EngagementRegistry, *, choose: bool = True, create: bool = False):
        self.registry = registry
        self._listeners: list[PickListener] = []
        self._engagements: dict[str, Engagement] = {}
        self.dropdown = w.Dropdown(
            description="Engagement",
            options=[("Choose an engagement…", "")],
            value="",
            style={"description_width": "initial"},
            layout=w.Layout(width="100%"),
        )
        self.dropdown.add_class("kit-engagement-picker")
        self.dropdown.observe(self._picked, names="value")

        self.inputs: dict[str, w.Widget] = {}
        for key in NEW_ENGAGEMENT_FIELDS:
            widget: w.Widget
            if key == "start_date":
                widget = w.DatePicker(
                    description="Start date",
                    style={"description_width": "initial"},
                    layout=w.Layout(width="auto"),
                )
            else:
                # A visible label, not a placeholder alone: the placeholder vanishes
                # once typing starts, and screen readers need a name for the field.
                widget = w.Text(
                    description=_LABELS[key],
                    placeholder=_PLACEHOLDERS[key],
                    style={"description_width": "initial"},
                    layout=w.Layout(width="auto"),
                    continuous_update=True,
                )
            widget.add_class(f"kit-engagement-{key}")
            self.inputs[key] = widget
        self.create_button = w.Button(description="Create engagement", icon="plus")
        self.create_button.add_class("kit-action-create-engagement")
        self.create_button.on_click(lambda _b: self.create())
        self.message = w.HTML()
        self.message.add_class("kit-picker-message")
        new_row = w.HBox(
            [w.HTML("<b>New engagement</b>"), *self.inputs.values(), self.create_button],
            layout=w.Layout(flex_flow="row wrap", align_items="center"),
        )
        new_row.add_class("kit-new-engagement")
        self.chooser = w.VBox(
            [part for part, shown in ((self.dropdown, choose), (new_row, create)) if shown]
        )
        self.opened = w.HTML()
        self.opened.add_class("kit-open-engagement")
        self.change_button = w.Button(description="Choose another engagement", icon="exchange")
        self.change_button.add_class("kit-action-change-engagement")
        self.change_button.on_click(lambda _b: self.clear())
        self.opened_bar = w.HBox(
            [self.opened, self.change_button],
            layout=w.Layout(display="none", align_items="center", flex_flow="row wrap"),
        )
        self.opened_bar.add_class("kit-opened-bar")
        self._fold = choose
        self.widget = w.VBox([self.chooser, self.opened_bar, self.message])
        self.widget.add_class("kit-bar")
        self.refresh()

    @property
    def engagement(self) -> Engagement | None:
        return self._engagements.get(self.dropdown.value)

    def on_pick(self, listener: PickListener) -> None:
        self._listeners.append(listener)

    def refresh(self, select: str | None = None) -> None:
        """Reload the registry (another tab may have added engagements)."""
        current = select if select is not None else self.dropdown.value
        self._engagements = {e.engagement_id: e for e in self.registry.all()}
        options = [("Choose an engagement…", "")]
        options += _distinct_labels(self._engagements)
        self.dropdown.unobserve(self._picked, names="value")
        self.dropdown.options = options
        self.dropdown.value = current if current in self._engagements else ""
        self.dropdown.observe(self._picked, names="value")
        if self.dropdown.value != current or select is not None:
            self._notify()

    def pick(self, engagement_id: str) -> bool:
        """Select an engagement by id (e.g. from a link); say why when it cannot be."""
        try:
            self.registry.get(engagement_id)
        except (InvalidEngagementId, UnknownEngagement) as exc:
            self.say(str(exc), "error")
            return False
        self.refresh(select=engagement_id)
        return True

    def clear(self) -> None:
        """Close the open engagement and show the chooser again."""
        self.dropdown.value = ""

    def create(self) -> Engagement | None:
        values = {k: v.value for k, v in self.inputs.items()}
        try:
            engagement = self.registry.create(
                first_name=values["first_name"],
                coach=values["coach"],
                program=values["program"],
                cohort=values["cohort"],
                start_date=values["start_date"],
            )
        except RegistryError as exc:
            self.say("Not created. " + str(exc), "error")
            return None
        for key, widget in self.inputs.items():
            widget.value = None if key == "start_date" else ""
        self.say(f"Created an engagement for {engagement.first_name}.")
        self.refresh(select=engagement.engagement_id)
        return engagement

    def say(self, text: str, kind: str = "ok") -> None:
        """Show ``text`` under the picker: ``"ok"`` in green, ``"error"`` in red and
        announced to screen readers (a bad link, a name that cannot be created)."""
        if kind not in SAY_KINDS:
            raise ValueError(f"message kind {kind!r} is not one of {', '.join(SAY_KINDS)}")
        role = " role='alert'" if kind == "error" else ""
        self.message.value = (
            f"<div class='kit-notice kit-notice-{kind}'{role}>{html.escape(text)}</div>"
        )

    def _picked(self, _change: object) -> None:
        self.message.value = ""
        self._notify()

    def _notify(self) -> None:
        engagement = self.engagement
        if self._fold:
            folded = engagement is not None
            self.chooser.layout.display = "none" if folded else ""
            self.opened_bar.layout.display = "" if folded else "none"
            self.opened.value = _opened_html(engagement) if engagement else ""
        for listener in self._listeners:
            listener(self.engagement)


def _opened_html(engagement: Engagement) -> str:
    where = " · ".join(p for p in (engagement.program, engagement.cohort) if p)
    return f"<span class='kit-open-name'>{html.escape(engagement.first_name)}</span>" + (
        f" <span class='kit-open-where'>· {html.escape(where)}</span>" if where else ""
    )


def meeting_number_toggle(description: str, form_id: str) -> w.ToggleButtons:
    """First or second alignment meeting: the same choice on every app page."""
    toggle = w.ToggleButtons(
        options=[("First meeting", 1), ("Second meeting", 2)],
        value=1,
        description=description,
        style={"description_width": "initial"},
    )
    toggle.add_class(f"kit-{form_id}-meeting_number")
    return toggle


def meeting_from_link(params: dict[str, str]) -> tuple[int | None, str]:
    """The ``meeting`` parameter of a link: its number, or a message saying what is wrong."""
    value = params.get("meeting", "")
    if value in ("1", "2"):
        return int(value), ""
    if value:
        return None, f"Meeting number {value!r} is not 1 or 2."
    return None, ""


def open_from_link(
    picker: EngagementPicker, toggle: w.ToggleButtons, params: dict[str, str]
) -> bool:
    """Apply ``?engagement=…&meeting=…`` to a page; problems go to the picker's message.

    Returns whether the linked engagement is now open.
    """
    number, problem = meeting_from_link(params)
    if number is not None:
        toggle.value = number
    elif problem:
        picker.say(problem, "error")
    engagement_id = params.get("engagement", "")
    return bool(engagement_id) and picker.pick(engagement_id)


def _distinct_labels(engagements: dict[str, Engagement]) -> list[tuple[str, str]]:
    """(label, id) per engagement, in the given order (newest first); a label two
    engagements share gets "(2)", "(3)"... in the order they were made, so every option
    can be told apart and keeps its number as newer ones arrive."""
    counts: dict[str, int] = {}
    numbered: dict[str, str] = {}
    for engagement in sorted(engagements.values(), key=lambda e: e.created_at):
        label = engagement.label()
        counts[label] = counts.get(label, 0) + 1
        numbered[engagement.engagement_id] = (
            label if counts[label] == 1 else f"{label} ({counts[label]})"
        )
    return [(numbered[engagement_id], engagement_id) for engagement_id in engagements]
