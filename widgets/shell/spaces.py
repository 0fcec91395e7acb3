"""The first page a trainee sees in a workshop: choose a training space, or rejoin one.

A training page opened without ``&space=`` shows this instead of its app, so nobody
writes into a folder the whole room shares. The choice is a plain HTML form that
reloads the same page with ``space`` added to its query: the space then sits in the
address (a reload or a bookmark keeps it) and every link the kit builds carries it on
(:meth:`widgets.shell.context.AppContext.link`). The trainer's list of spaces, with how
many coachees each holds, sits below it.
"""

from __future__ import annotations

import html

import ipywidgets as w

from widgets.shell.chrome import page_nav
from widgets.shell.context import AppContext, app_link, training_spaces
from widgets.shell.style import stylesheet

__all__ = ["space_chooser", "spaces_list_html"]


def spaces_list_html(context: AppContext, notebook: str = "") -> str:
    """Every trainee space as a link into it, with its number of coachees.

    ``notebook`` is the page the links open ("" keeps the current page).
    """
    spaces = training_spaces()
    if not spaces:
        return "<p class='kit-spaces-empty'>No training space yet.</p>"
    keep = {k: v for k, v in context.params.items() if k not in {"space", "training", "present"}}
    rows = []
    for space in spaces:
        link = app_link(notebook, training=True, space=space.name, present=context.present, **keep)
        count = f"{space.engagements} coachee{'s' if space.engagements != 1 else ''}"
        rows.append(
            f"<li class='kit-space' data-space='{space.name}'>"
            f"<a href='{html.escape(link)}'>{html.escape(space.name)}</a> "
            f"<span class='kit-space-count'>{count}</span></li>"
        )
    return f"<ul class='kit-spaces-list'>{''.join(rows)}</ul>"


def _form_html(context: AppContext) -> str:
    hidden = "".join(
        f"<input type='hidden' name='{html.escape(k)}' value='{html.escape(v)}'>"
        for k, v in context.params.items()
        if k not in {"space", "training"}
    )
    typed = context.params.get("space", "")
    problem = (
        f"<p class='kit-notice kit-notice-error' role='alert'>“{html.escape(typed)}” has no "
        "letters or digits to name a space: try your first name.</p>"
        if typed.strip()
        else ""
    )
    return (
        f"{problem}<form class='kit-space-form' method='get'>"
        "<input type='hidden' name='training' value='1'>"
        f"{hidden}<label for='kit-space-name'>Your name or a short code</label> "
        "<input id='kit-space-name' name='space' required maxlength='32' "
        "autocomplete='off' placeholder='e.g. ana'> "
        "<button type='submit' class='kit-action-enter-space'>Enter my space</button>"
        "</form>"
    )


def space_chooser(context: AppContext) -> w.Widget:
    """The page that asks a trainee for their space (see the module docstring)."""
    form = w.HTML(_form_html(context))
    form.add_class("kit-space-chooser")
    trainer = w.HTML(
        "<details class='kit-spaces' open><summary>Spaces in this workshop "
        "(for the trainer)</summary>" + spaces_list_html(context) + "</details>"
    )
    trainer.add_class("kit-spaces-box")
    page = w.VBox(
        [
            stylesheet(),
            w.HTML(
                "<div class='kit-training-banner' role='status'><b>Training mode.</b> "
                "Made-up engagements only: nothing here is saved to program data.</div>"
            ),
            page_nav(context, home=False),
            w.HTML(
                "<h2>Choose your training space</h2><p class='kit-intro'>Each trainee "
                "practises in a space of their own: you see only your own coachees, and "
                "emptying your space leaves everyone else's as it is. Use the same name "
                "to come back to it; it stays in the page's address.</p>"
            ),
            form,
            trainer,
        ]
    )
    page.add_class("kit-app")
    page.add_class("kit-space-page")
    return page
