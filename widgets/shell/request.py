"""The page's query string (``?engagement=…&meeting=…``), read the way Voila allows.

A preheated Voila kernel runs the notebook before any request exists, so the query
string must be asked for when the app is built, never read from the environment at
import time. Voila hands a preheated kernel its request over a small websocket
(``voila/query/<kernel id>``); we speak that protocol here rather than import
``voila.utils``, which drags jupyter_server and nbconvert (~55 MiB) into every live
kernel. The protocol is the one ``voila.utils.wait_for_request`` uses (Voila 0.5);
tests/test_browser_*.py open apps from links under preheating, so a change in Voila
shows up as a failing test.

Two ways to wait: :func:`request_params` on the kernel's own event loop, which lets
the notebook finish and Voila send the page at once (see
:func:`widgets.shell.page.app_page`), and :func:`query_params`, which blocks, for code
that needs the answer before it can return anything.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from urllib.parse import parse_qs

__all__ = ["is_preheated", "parse_query", "query_params", "request_params"]

# Errors that mean "no request info": the page opens as if it had no query string.
_NO_REQUEST = (OSError, TimeoutError, asyncio.TimeoutError)


def parse_query(query: str) -> dict[str, str]:
    """Return the last value of each parameter; blanks are kept as empty strings."""
    parsed = parse_qs(query.lstrip("?"), keep_blank_values=True)
    return {key: values[-1] for key, values in parsed.items()}


def is_preheated() -> bool:
    """True in a kernel Voila started ahead of any request (its query comes later)."""
    return os.environ.get("VOILA_PREHEAT", "False") != "False"


def _query_socket_url() -> str:
    env = os.environ
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    return (
        f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
        f"{env.get('VOILA_APP_PORT', '8866')}{base}voila/query/{env.get('VOILA_KERNEL_ID', '')}"
    )


async def _receive_request() -> None:
    """Wait for Voila to assign this kernel to a page; adopt its request's variables."""
    import websockets  # light, and only inside a preheated Voila kernel

    async with websockets.connect(_query_socket_url(), open_timeout=5) as socket:
        message = await socket.recv()
    for key, value in json.loads(message).items():
        os.environ[key] = str(value)


def _current_params() -> dict[str, str]:
    return parse_query(os.environ.get("QUERY_STRING", ""))


async def request_params() -> dict[str, str]:
    """Query parameters of the page, awaited without blocking the kernel's loop."""
    if is_preheated():
        try:
            await _receive_request()
        except _NO_REQUEST:
            pass
    return _current_params()


def query_params() -> dict[str, str]:
    """Query parameters of the Voila request that opened this kernel, or ``{}``.

    Blocks a preheated kernel until its page is asked for.
    """
    if is_preheated():

        def run() -> None:
            # A thread of its own: the kernel's event loop is already running.
            try:
                asyncio.new_event_loop().run_until_complete(_receive_request())
            except _NO_REQUEST:
                pass

        thread = threading.Thread(target=run, name="voila-request")
        thread.start()
        thread.join()
    return _current_params()
