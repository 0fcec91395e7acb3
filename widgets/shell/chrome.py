"""What sits at the top of every app page: the stylesheet, the training banner, the way
home with the projector-view switch, the title.

The banner is how a trainee empties their practice space or fills it with sample
engagements in one click, so every page of a training session carries it and no page
of real work does (the page's :class:`~widgets.shell.context.AppContext` decides).
Both actions delete what the space holds, so each asks once before it does: in a room
of trainees a stray click must not cost anyone their practice.

The projector-view switch is a plain link to the same page with ``present`` flipped and
every other parameter kept: the flag lives in the address, so a reload, a bookmark and
every link the kit builds keep it, and turning it on needs no kernel round trip.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from urllib.parse import urlencode

import ipywidgets as w

from widgets.shell.context import PRESENT_PARAM, AppContext, app_link, reset_training
from widgets.shell.style import stylesheet

__all__ = [
    "HOME_NOTEBOOK",
    "PRESENT_CLASS",
    "page_nav",
    "page_header",
    "present_toggle_html",
    "training_banner",
]

# The class on an app's root in projector view (assets/present.css keys on it).
PRESENT_CLASS = "kit-present"

HOME_NOTEBOOK = "home.ipynb"

DataChanged = Callable[[], None]


def _space_words(context: AppContext) -> str:
    return f"your space “{context.space}”" if context.space else "the training folder"


def _banner_html(context: AppContext) -> str:
    where = ""
    if context.space:
        other = html.escape(app_link("", training=True, present=context.present))
        where = (
            f" <span class='kit-training-space'>Your space: <b>{html.escape(context.space)}"
            f"</b> (<a href='{other}'>change</a>)</span>"
        )
    return (
        "<div class='kit-training-banner' role='status'><b>Training mode.</b> "
        f"Made-up engagements only: nothing here is saved to program data.{where}</div>"
    )


def _holds_engagements(context: AppContext) -> bool:
    return (context.root / "private" / "engagements.csv").exists()


def training_banner(context: AppContext, on_data_changed: DataChanged | None = None) -> w.VBox:
    """The banner every training page carries, with reset and one-click samples."""
    message = w.HTML()
    message.add_class("kit-training-message")
    question = w.HTML()
    yes_button = w.Button(description="Yes", button_style="danger")
    yes_button.add_class("kit-action-confirm")
    cancel_button = w.Button(description="Cancel")
    cancel_button.add_class("kit-action-cancel")
    confirm = w.HBox([question, yes_button, cancel_button])
    confirm.add_class("kit-training-confirm")
    confirm.layout.display = "none"
    pending: list[Callable[[], None]] = []

    def say(text: str, kind: str) -> None:
        message.value = f"<div class='kit-notice kit-notice-{kind}'>{html.escape(text)}</div>"

    def ask(text: str, action: Callable[[], None]) -> None:
        pending[:] = [action]
        question.value = f"<span class='kit-confirm-question'>{html.escape(text)}</span>"
        message.value = ""
        confirm.layout.display = "flex"

    def close() -> None:
        pending.clear()
        confirm.layout.display = "none"

    def confirmed(_button: w.Button) -> None:
        actions = list(pending)
        close()
        for action in actions:
            action()

    def cancelled(_button: w.Button) -> None:
        close()
        say("Nothing was changed.", "ok")

    def reset() -> None:
        try:
            reset_training(context.root)
        except RuntimeError as exc:
            say(str(exc), "error")
            return
        say(f"Emptied {_space_words(context)}.", "ok")
        if on_data_changed is not None:
            on_data_changed()

    def load() -> None:
        # Imported on the click only: the sample generator is training's, and a live
        # page that never loads samples should not carry it.
        from widgets.training.samples import replace_with_samples

        try:
            samples = replace_with_samples(context.root)
        except RuntimeError as exc:
            say(str(exc), "error")
            return
        names = ", ".join(f"{s.engagement.first_name} ({s.description})" for s in samples)
        say(f"Loaded {len(samples)} sample engagements: {names}.", "ok")
        if on_data_changed is not None:
            on_data_changed()

    def ask_reset(_button: w.Button) -> None:
        ask(f"Empty {_space_words(context)}? Every coachee in it is deleted.", reset)

    def ask_load(_button: w.Button) -> None:
        if not _holds_engagements(context):
            load()
            return
        ask(
            f"Replace everything in {_space_words(context)} with five fresh sample "
            "engagements? What you made there is deleted.",
            load,
        )

    yes_button.on_click(confirmed)
    cancel_button.on_click(cancelled)
    samples_button = w.Button(description="Load sample engagements", icon="users")
    samples_button.add_class("kit-action-load-samples")
    samples_button.on_click(ask_load)
    reset_button = w.Button(
        description="Empty my space" if context.space else "Reset training data", icon="trash"
    )
    reset_button.add_class("kit-action-reset-training")
    reset_button.on_click(ask_reset)
    bar = w.VBox(
        [w.HTML(_banner_html(context)), w.HBox([samples_button, reset_button]), confirm, message]
    )
    bar.add_class("kit-training")
    return bar


def present_toggle_html(context: AppContext) -> str:
    """A link to this same page with projector view flipped, every other parameter kept.

    A query-only link (``?…``) reopens the page it is on, so one switch serves every app.
    """
    query = {k: v for k, v in context.params.items() if k != PRESENT_PARAM}
    if not context.present:
        query[PRESENT_PARAM] = "1"
    href = html.escape(f"?{urlencode(query)}")
    state = "on" if context.present else "off"
    hint = (
        "Back to the usual size"
        if context.present
        else "Larger type and controls, stronger contrast: for a room's screen"
    )
    return (
        f"<a class='kit-action-present kit-present-toggle kit-present-{state}' href='{href}' "
        f"title='{hint}'><span class='kit-present-switch' aria-hidden='true'></span>"
        f"Projector view: {state}</a>"
    )


def page_nav(context: AppContext, *, home: bool = True) -> w.HTML:
    """The way back to every engagement (``home``), so a coach deep in one step is never
    stranded, and the projector-view switch (left out of an app shown inside the tour,
    whose own page carries it)."""
    links = []
    if home:
        href = html.escape(context.link(HOME_NOTEBOOK))
        links.append(
            f"<a class='kit-action-home kit-home-link' href='{href}'>← All engagements</a>"
        )
    if context.banner:
        links.append(present_toggle_html(context))
    nav = w.HTML(f"<nav aria-label='Kit' class='kit-nav'>{''.join(links)}</nav>")
    nav.add_class("kit-home-nav")
    return nav


def page_header(
    title: str,
    intro: str,
    context: AppContext,
    *,
    on_data_changed: DataChanged | None = None,
    home: bool = True,
) -> w.VBox:
    """Stylesheet, the training banner when in training mode, the way home (``home``,
    left out on the home page itself) and the projector-view switch, then title and
    intro.

    ``on_data_changed`` lets the page refresh its lists after a reset or after samples
    are loaded from the banner.
    """
    parts: list[w.Widget] = [stylesheet()]
    if context.training and context.banner:
        parts.append(training_banner(context, on_data_changed))
    if home or context.banner:
        parts.append(page_nav(context, home=home))
    parts.append(
        w.HTML(f"<h2>{html.escape(title)}</h2><p class='kit-intro'>{html.escape(intro)}</p>")
    )
    return w.VBox(parts)
