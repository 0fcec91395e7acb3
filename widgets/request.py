"""The page's query string (``?engagement=…&meeting=…``), read the way Voila allows.

A preheated Voila kernel runs the notebook before any request exists, so the query
string must be asked for when the app is built, never read from the environment at
import time. Voila hands a preheated kernel its request over a small websocket
(``voila/query/<kernel id>``); we speak that protocol here rather than import
``voila.utils``, which drags jupyter_server and nbconvert (~55 MiB) into every live
kernel. The protocol is the one ``voila.utils.wait_for_request`` uses (Voila 0.5);
tests/test_browser_*.py open apps from links under preheating, so a change in Voila
shows up as a failing test.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from urllib.parse import parse_qs

__all__ = ["query_params", "parse_query"]


def parse_query(query: str) -> dict[str, str]:
    """Return the last value of each parameter; blanks are kept as empty strings."""
    parsed = parse_qs(query.lstrip("?"), keep_blank_values=True)
    return {key: values[-1] for key, values in parsed.items()}


def _query_socket_url() -> str:
    env = os.environ
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    return (
        f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
        f"{env.get('VOILA_APP_PORT', '8866')}{base}voila/query/{env.get('VOILA_KERNEL_ID', '')}"
    )


def _wait_for_request() -> None:
    """Block until Voila assigns this preheated kernel to a page; adopt its request."""
    import websockets  # light, and only inside a preheated Voila kernel

    received: list[str] = []

    async def receive() -> None:
        async with websockets.connect(_query_socket_url(), open_timeout=5) as socket:
            received.append(str(await socket.recv()))

    def run() -> None:
        # A thread of its own: the kernel's event loop is already running.
        try:
            asyncio.new_event_loop().run_until_complete(receive())
        except (OSError, TimeoutError, asyncio.TimeoutError):
            pass  # no request info: the page opens as if it had no query string

    thread = threading.Thread(target=run, name="voila-request")
    thread.start()
    thread.join()
    if received:
        for key, value in json.loads(received[0]).items():
            os.environ[key] = value


def query_params() -> dict[str, str]:
    """Query parameters of the Voila request that opened this kernel, or ``{}``."""
    if os.environ.get("VOILA_PREHEAT", "False") != "False":
        _wait_for_request()
    return parse_query(os.environ.get("QUERY_STRING", ""))
