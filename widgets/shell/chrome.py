"""What sits at the top of every app page: the stylesheet, the training banner, the way
home, the title.

The banner is how a trainer resets the practice folder or fills it with sample
engagements in one click, so every page of a training session carries it and no page
of real work does (the page's :class:`~widgets.shell.context.AppContext` decides).
"""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as w

from widgets.shell.context import AppContext, reset_training
from widgets.shell.style import stylesheet

__all__ = ["HOME_NOTEBOOK", "home_link", "page_header", "training_banner"]

HOME_NOTEBOOK = "home.ipynb"

DataChanged = Callable[[], None]


def training_banner(context: AppContext, on_data_changed: DataChanged | None = None) -> w.VBox:
    """The banner every training page carries, with reset and one-click samples."""
    message = w.HTML()
    message.add_class("kit-training-message")

    def say(text: str, kind: str) -> None:
        message.value = f"<div class='kit-notice kit-notice-{kind}'>{html.escape(text)}</div>"

    def reset(_button: w.Button) -> None:
        try:
            reset_training(context.root)
        except RuntimeError as exc:
            say(str(exc), "error")
            return
        say("Training data emptied.", "ok")
        if on_data_changed is not None:
            on_data_changed()

    def load(_button: w.Button) -> None:
        # Imported on the click only: the sample generator is training's, and a live
        # page that never loads samples should not carry it.
        from widgets.training.samples import load_samples

        try:
            samples = load_samples(context.root)
        except RuntimeError as exc:
            say(str(exc), "error")
            return
        names = ", ".join(f"{s.engagement.first_name} ({s.description})" for s in samples)
        say(f"Loaded {len(samples)} sample engagements: {names}.", "ok")
        if on_data_changed is not None:
            on_data_changed()

    samples_button = w.Button(description="Load sample engagements", icon="users")
    samples_button.add_class("kit-action-load-samples")
    samples_button.on_click(load)
    reset_button = w.Button(description="Reset training data", icon="trash")
    reset_button.add_class("kit-action-reset-training")
    reset_button.on_click(reset)
    bar = w.VBox(
        [
            w.HTML(
                "<div class='kit-training-banner' role='status'><b>Training mode.</b> "
                "Made-up engagements only: nothing here is saved to program data.</div>"
            ),
            w.HBox([samples_button, reset_button]),
            message,
        ]
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
    if context.training:
        parts.append(training_banner(context, on_data_changed))
    if home:
        parts.append(home_link(context))
    parts.append(
        w.HTML(f"<h2>{html.escape(title)}</h2><p class='kit-intro'>{html.escape(intro)}</p>")
    )
    return w.VBox(parts)
