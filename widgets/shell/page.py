"""Serving an app page: build it for its query string without holding the page back.

Voila's preheated kernels run the notebook before anyone asks for the page. Blocking
there until the request arrives (what ``voila.utils.wait_for_request`` does) also holds
back the page's HTML, and with it the browser's start on the front end's scripts and
styles, until the app is built: a third of a second on our machines. Instead, a
preheated kernel returns an empty holder at once, so Voila has the whole page ready,
and builds the app into it on the kernel's own event loop the moment the request is
handed over, which happens long before the browser's widget front end asks for the
page's widgets (bench/page_open.py measures the page open).

Everywhere else (a kernel started for the request, tests, nbval) the app is built
straight away and returned as it is.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as w

from widgets.shell.chrome import PRESENT_CLASS
from widgets.shell.connection_watch import ConnectionWatch
from widgets.shell.context import AppContext, app_context
from widgets.shell.request import is_preheated, query_params, request_params
from widgets.shell.style import stylesheet
from widgets.shell.ticker import in_kernel

__all__ = ["app_page", "app_page_of"]

Build = Callable[[AppContext], w.Widget]

# Tasks alive until their app is built: the event loop itself only keeps weak references.
_pending: set[asyncio.Task[None]] = set()


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _build(build: Build, context: AppContext) -> w.Widget:
    """The app, or, for a training page with no space yet, the space chooser; marked
    for projector view when the page asks for it (one place, so every app gets it)."""
    if context.choose_space:
        from widgets.shell.spaces import space_chooser

        app = space_chooser(context)
    else:
        app = build(context)
    if context.present:
        app.add_class(PRESENT_CLASS)
    return app


def _failed(exc: Exception) -> list[w.Widget]:
    # The coach sees why, in words; nothing was typed on this page yet, so a reload is safe.
    notice = w.HTML(
        "<div class='kit-notice kit-notice-error' role='alert'>This page could not open: "
        f"{html.escape(str(exc) or type(exc).__name__)}. Reload the page to try again.</div>"
    )
    notice.add_class("kit-page-error")
    return [stylesheet(), notice]


async def _fill(holder: w.Box, build: Build, root: Path | None) -> None:
    try:
        app = _build(build, app_context(await request_params(), root=root))
    except Exception as exc:  # noqa: BLE001 - any failure must reach the page
        # Said on the page only: a kernel's log output can land in the page as a
        # traceback, which voila.json keeps from coaches.
        holder.children = _failed(exc)
    else:
        holder.children = [app]


def app_page(
    build: Build, *, params: dict[str, str] | None = None, root: Path | None = None
) -> w.Widget:
    """The app ``build`` makes for the page's context: its query parameters (or
    ``params``) and data root (``root``, default decided by :func:`app_context`).

    In a preheated kernel the result is a holder the app appears in once the page is
    requested; otherwise it is the app itself.
    """
    if in_kernel():
        # Shown before the app, outside it: it must work when the app's kernel is gone.
        from IPython.display import display

        display(ConnectionWatch())
    loop = _running_loop()
    if params is not None or not is_preheated() or loop is None:
        context = app_context(query_params() if params is None else params, root=root)
        return _build(build, context)
    holder = w.VBox([w.HTML("<p class='kit-opening' role='status'>Opening…</p>")])
    holder.add_class("kit-page")
    task = loop.create_task(_fill(holder, build, root))
    _pending.add(task)
    task.add_done_callback(_pending.discard)
    return holder


def app_page_of(
    app: Callable[..., Any], *, params: dict[str, str] | None = None, root: Path | None = None
) -> w.Widget:
    """:func:`app_page` for an app built from the context's ``root`` and ``params``,
    shown by its ``widget``."""
    return app_page(
        lambda context: app(root=context.root, params=context.params).widget,
        params=params,
        root=root,
    )
