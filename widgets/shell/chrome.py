"""What sits at the top of every app page: the stylesheet, the training banner, the way
home, the title.

The banner is how a trainee empties their practice space or fills it with sample
engagements in one click, so every page of a training session carries it and no page
of real work does (the page's :class:`~widgets.shell.context.AppContext` decides).
Both actions delete what the space holds, so each asks once before it does: in a room
of trainees a stray click must not cost anyone their practice.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as w

from widgets.shell.context import AppContext, app_link, reset_training
from widgets.shell.style import stylesheet

__all__ = ["HOME_NOTEBOOK", "home_link", "page_header", "training_banner"]

HOME_NOTEBOOK = "home.ipynb"

DataChanged = Callable[[], None]


def _space_words(context: AppContext) -> str:
    return f"your space “{context.space}”" if context.space else "the training folder"


def _banner_html(context: AppContext) -> str:
    where = ""
    if context.space:
        other = html.escape(app_link("", training=True))
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


def home_link(context: AppContext) -> w.HTML:
    """The way back to every engagement: a coach deep in one step is never stranded."""
    home = html.escape(context.link(HOME_NOTEBOOK))
    link = w.HTML(
        f"<nav aria-label='Kit'><a class='kit-action-home kit-home-link' href='{home}'>"
        "← All engagements</a></nav>"
    )
    link.add_class("kit-home-nav")
    return link


def page_header(
    title: str,
    intro: str,
    context: AppContext,
    *,
    on_data_changed: DataChanged | None = None,
    home: bool = True,
) -> w.VBox:
    """Stylesheet, the training banner when in training mode, the way home (``home``,
    left out on the home page itself), then title and intro.

    ``on_data_changed`` lets the page refresh its lists after a reset or after samples
    are loaded from the banner.
    """
    parts: list[w.Widget] = [stylesheet()]
    if context.training and context.banner:
        parts.append(training_banner(context, on_data_changed))
    if home:
        parts.append(home_link(context))
    parts.append(
        w.HTML(f"<h2>{html.escape(title)}</h2><p class='kit-intro'>{html.escape(intro)}</p>")
    )
    return w.VBox(parts)
