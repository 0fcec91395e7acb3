"""The page's query string: read as Voila hands it over, taken as text, checked where used.

A link is typed, pasted or forwarded by people, and anyone can craft one. The parser
only decodes; every value is then checked by what uses it (meeting number, training
flag, engagement id), and a bad value is said on the page without anything written.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.voila_server import free_port
from tests.widget_tree import find_by_class, visible_text
from widgets.apps.meeting.app import MeetingApp
from widgets.shell.context import app_context
from widgets.shell.picker import meeting_from_link
from widgets.shell.request import is_preheated, parse_query, query_params
from widgets.store.registry import EngagementRegistry


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("engagement=e-0123456789ab&meeting=2", {"engagement": "e-0123456789ab", "meeting": "2"}),
        ("?engagement=e-0123456789ab", {"engagement": "e-0123456789ab"}),
        ("training=1&view=summary", {"training": "1", "view": "summary"}),
        ("meeting=1&meeting=2", {"meeting": "2"}),  # the last one wins, as in a browser's URL
        ("first=J%C3%B6rg+M", {"first": "Jörg M"}),
    ],
)
def test_good_queries_give_each_parameter_once(query: str, expected: dict[str, str]):
    assert parse_query(query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {}),
        ("?", {}),
        ("&&&", {}),
        ("training=", {"training": ""}),  # blank, not missing
        ("training", {"training": ""}),
        ("=2", {"": "2"}),  # a value without a name is named by no one: nothing reads it
        ("meeting=1=2", {"meeting": "1=2"}),
    ],
)
def test_missing_and_malformed_queries_do_not_raise(query: str, expected: dict[str, str]):
    assert parse_query(query) == expected


@pytest.mark.parametrize(
    ("query", "name", "decoded"),
    [
        (
            "engagement=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
            "engagement",
            "<script>alert(1)</script>",
        ),
        ("engagement=..%2F..%2Fetc%2Fpasswd", "engagement", "../../etc/passwd"),
        ("engagement=e-0123456789ab%00.csv", "engagement", "e-0123456789ab\x00.csv"),
        (
            "engagement=e-0123456789ab%0D%0AX-Injected:%201",
            "engagement",
            "e-0123456789ab\r\nX-Injected: 1",
        ),
        ("meeting=1%27%20OR%20%271%27=%271", "meeting", "1' OR '1'='1"),
    ],
)
def test_injection_attempts_come_back_as_plain_text(query: str, name: str, decoded: str):
    # Decoded exactly, never interpreted: checking is the job of what uses the value.
    assert parse_query(query) == {name: decoded}


def test_a_semicolon_cannot_smuggle_in_a_second_parameter(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("ALIGNMENT_KIT_TRAINING", raising=False)
    assert parse_query("engagement=e-0123456789ab;training=1") == {
        "engagement": "e-0123456789ab;training=1"
    }
    assert not app_context(parse_query("engagement=x;training=1"), root=tmp_path).training


@pytest.mark.parametrize("value", ["1", "2"])
def test_meeting_numbers_one_and_two_are_taken(value: str):
    assert meeting_from_link({"meeting": value}) == (int(value), "")


def test_no_meeting_number_is_no_problem():
    assert meeting_from_link({}) == (None, "")
    assert meeting_from_link({"meeting": ""}) == (None, "")


@pytest.mark.parametrize("value", ["3", "0", "-1", " 1", "1 ", "01", "1.0", "２", "1' OR '1'='1"])
def test_any_other_meeting_number_is_refused_with_the_value_named(value: str):
    number, problem = meeting_from_link({"meeting": value})
    assert number is None
    assert problem == f"Meeting number {value!r} is not 1 or 2."


@pytest.mark.parametrize("value", ["1", "true", "TRUE", "yes", "on"])
def test_training_is_switched_on_by_plain_yes_words(value: str, tmp_path: Path):
    assert app_context({"training": value}, root=tmp_path).training


@pytest.mark.parametrize("value", ["", "0", "no", "false", "1 OR 1=1", "<b>1</b>", " 1"])
def test_anything_else_leaves_training_off(value: str, tmp_path: Path, monkeypatch):
    monkeypatch.delenv("ALIGNMENT_KIT_TRAINING", raising=False)
    assert not app_context({"training": value}, root=tmp_path).training


@pytest.mark.parametrize(
    "engagement",
    ["../../etc/passwd", "<script>alert(1)</script>", "e-0123456789ab\x00", "E-0123456789AB"],
)
def test_a_crafted_engagement_in_a_link_is_refused_on_the_page_and_nothing_is_written(
    engagement: str, exports: Path
):
    EngagementRegistry(exports).create(first_name="Ana", start_date=date(2026, 9, 1))
    before = sorted(p for p in exports.rglob("*") if p.is_file())
    app = MeetingApp(root=exports, params={"engagement": engagement, "meeting": "1"})
    try:
        text = visible_text(app.widget)
        assert "is not an engagement ID issued by this kit" in text
        assert "<script>" not in text  # said escaped, never as markup
        assert app.timer is None and find_by_class(app.widget, "kit-engagement-picker")
    finally:
        app.close()
    assert sorted(p for p in exports.rglob("*") if p.is_file()) == before


def test_a_kernel_started_for_its_request_reads_the_query_string_it_was_given(monkeypatch):
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("QUERY_STRING", "engagement=e-0123456789ab&meeting=2")
    assert not is_preheated()
    assert query_params() == {"engagement": "e-0123456789ab", "meeting": "2"}
    monkeypatch.delenv("QUERY_STRING")
    assert query_params() == {}


def test_a_preheated_kernel_that_cannot_reach_voila_opens_as_if_without_a_query(monkeypatch):
    # Nothing listens on the port: the page still opens (with what it has), it never hangs.
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_APP_IP", "127.0.0.1")
    monkeypatch.setenv("VOILA_APP_PORT", str(free_port()))
    monkeypatch.setenv("VOILA_KERNEL_ID", "kernel-1")
    monkeypatch.setenv("QUERY_STRING", "")
    assert is_preheated()
    assert query_params() == {}
