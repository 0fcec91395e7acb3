"""Pick an engagement or create one: the bar at the top of every coach app."""

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
_PLACEHOLDERS = {
    "first_name": "Coachee's first name",
    "coach": "Coach",
    "program": "Program",
    "cohort": "Cohort",
}

SAY_KINDS = ("ok", "error")

PickListener = Callable[[Engagement | None], None]


class EngagementPicker:
    """A dropdown of the registry's engagements plus a one-line new-engagement form.

    Listeners hear the chosen :class:`Engagement` (or ``None`` when cleared).
    """

    def __init__(self, registry: EngagementRegistry):
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
                widget = w.Text(
                    placeholder=_PLACEHOLDERS[key],
                    layout=w.Layout(width="150px"),
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
            [w.HTML("<b>New:</b>"), *self.inputs.values(), self.create_button],
            layout=w.Layout(flex_flow="row wrap", align_items="center"),
        )
        self.widget = w.VBox([self.dropdown, new_row, self.message])
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
        options += [(e.label(), eid) for eid, e in self._engagements.items()]
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
        self.say(f"Created engagement {engagement.engagement_id} for {engagement.first_name}.")
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
        for listener in self._listeners:
            listener(self.engagement)


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
