"""The one background tick the apps use while a clock runs on screen.

The meeting and the debrief never count time: their figures are computed from stored
start times and an injectable ``clock()``. A tick only asks the page to redraw (the
debrief's clock) or to nudge the browser's own ``Play`` widget back into step (the
meeting's). It is a daemon thread in the kernel rather than a front-end timer because
a ``Play`` only starts when its view sees ``playing`` change, which a page reloaded
mid-meeting or restored from a draft never sends.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

__all__ = ["Ticker", "in_kernel"]


def in_kernel() -> bool:
    """True when a Jupyter kernel runs this code: the only place background ticks help.

    Plain Python (tests, scripts) has no page to redraw, so apps skip the thread there.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with ipywidgets
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class Ticker:
    """Calls ``callback`` every ``interval`` seconds between :meth:`start` and :meth:`stop`.

    Starting a running ticker does nothing, so an app may ask on every redraw. A failing
    callback is ignored: a redraw must never stop the clock or break the page.
    """

    def __init__(self, callback: Callable[[], None], *, interval: float = 1.0, name: str):
        if interval <= 0:
            raise ValueError(f"a ticker's interval must be more than 0 seconds, got {interval}")
        self.callback = callback
        self.interval = interval
        self.name = name
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and not self._stop.is_set()

    def start(self) -> None:
        if self.running:
            return
        self._stop = threading.Event()  # a thread still winding down keeps its own
        self._thread = threading.Thread(target=self._run, args=(self._stop,), name=self.name)
        self._thread.daemon = True
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self, stop: threading.Event) -> None:
        while not stop.wait(self.interval):
            try:
                self.callback()
            except Exception:  # noqa: BLE001 - see the class docstring
                pass
