"""The one clock module: aware UTC now, stamps that round-trip, durations and local times."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from widgets.clock import ClockError, format_seconds, local_time, parse_stamp, stamp, utc_now
from widgets.errors import InputError

ZONED = datetime(2025, 3, 4, 10, 11, 12, 345678, tzinfo=timezone(timedelta(hours=2)))


def test_now_is_aware_and_in_utc() -> None:
    before = datetime.now(timezone.utc)
    now = utc_now()
    assert now.utcoffset() == timedelta(0)
    assert before <= now <= datetime.now(timezone.utc)


def test_a_stamp_is_utc_with_its_offset() -> None:
    assert stamp(ZONED) == "2025-03-04T08:11:12.345+00:00"
    assert stamp(ZONED, timespec="seconds") == "2025-03-04T08:11:12+00:00"
    assert stamp(utc_now()).endswith("+00:00")


def test_stamps_sort_as_text_in_time_order() -> None:
    moments = [ZONED + timedelta(milliseconds=n * 997) for n in range(-5, 5)]
    assert sorted(stamp(m) for m in moments) == [stamp(m) for m in sorted(moments)]


def test_a_stamp_reads_back_as_the_same_moment() -> None:
    assert parse_stamp(stamp(ZONED)) == ZONED.replace(microsecond=345000)
    assert parse_stamp("2025-03-04T10:11:12+02:00") == ZONED.replace(microsecond=0)


def test_a_moment_without_a_timezone_is_refused() -> None:
    with pytest.raises(ClockError, match="without a timezone.*aware times in UTC"):
        stamp(datetime(2025, 1, 1))
    with pytest.raises(ClockError, match="has no timezone"):
        parse_stamp("2025-01-01T00:00:00")


@pytest.mark.parametrize("text", ["", "yesterday", "2025-13-01T00:00:00+00:00"])
def test_text_that_is_not_a_stamp_is_refused_as_bad_input(text: str) -> None:
    with pytest.raises(ClockError, match="is not a time stamp.*ISO 8601") as caught:
        parse_stamp(text)
    assert isinstance(caught.value, InputError) and isinstance(caught.value, ValueError)


def test_durations_read_like_a_clock() -> None:
    assert format_seconds(0) == "0:00"
    assert format_seconds(59.9) == "0:59"
    assert format_seconds(754) == "12:34"
    assert format_seconds(-61) == "-1:01"
    assert format_seconds(-0.5) == "0:00"
    assert format_seconds(4500) == "75:00"


@pytest.fixture
def in_tokyo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    if not hasattr(time, "tzset"):
        pytest.skip("needs time.tzset to change the local timezone")
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()  # the zone of the machine again, for the tests that follow
    time.tzset()


def test_a_stamp_is_shown_in_local_time(in_tokyo: None) -> None:
    assert local_time("2025-03-04T08:11:12.345+00:00") == "04 Mar 17:11:12"
    assert local_time("2025-03-04T08:11:12+00:00", "%H:%M") == "17:11"
    assert local_time("not a time") == "not a time"
