"""The one background tick: starts once, stops, survives a failing redraw."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from widgets.shell.ticker import Ticker, in_kernel


def _counting(times: int) -> tuple[threading.Event, Callable[[], None]]:
    """A callback, and an event set once it has been called ``times`` times."""
    done = threading.Event()
    calls: list[int] = []

    def tick() -> None:
        calls.append(1)
        if len(calls) >= times:
            done.set()

    return done, tick


def test_it_calls_back_until_stopped():
    done, tick = _counting(3)
    ticker = Ticker(tick, interval=0.01, name="test-tick")
    ticker.start()
    try:
        assert done.wait(5), "the ticker did not tick"
        assert ticker.running
    finally:
        ticker.stop()
    assert not ticker.running


def test_starting_twice_runs_one_thread():
    ticker = Ticker(lambda: None, interval=0.01, name="test-tick-once")
    ticker.start()
    ticker.start()
    try:
        named = [t for t in threading.enumerate() if t.name == "test-tick-once"]
        assert len(named) == 1 and named[0].daemon
    finally:
        ticker.stop()


def test_a_restart_right_after_a_stop_ticks_again():
    done, tick = _counting(2)
    ticker = Ticker(tick, interval=0.01, name="test-tick-restart")
    ticker.start()
    ticker.stop()
    ticker.start()
    try:
        assert done.wait(5), "a stopped ticker did not start again"
    finally:
        ticker.stop()


def test_a_failing_callback_does_not_stop_the_clock():
    done = threading.Event()
    calls: list[int] = []

    def flaky() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("a redraw failed")
        done.set()

    ticker = Ticker(flaky, interval=0.01, name="test-tick-flaky")
    ticker.start()
    try:
        assert done.wait(5), "the ticker stopped after a failing callback"
    finally:
        ticker.stop()


@pytest.mark.parametrize("interval", [0, -1])
def test_an_interval_must_be_positive(interval: float):
    with pytest.raises(ValueError, match=f"more than 0 seconds, got {interval}"):
        Ticker(lambda: None, interval=interval, name="never")


def test_plain_python_is_not_a_kernel():
    assert in_kernel() is False
