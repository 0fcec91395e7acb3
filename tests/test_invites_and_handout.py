"""Invites and the manager's handout: what they carry, and what they never carry."""

from __future__ import annotations

import base64
import re
from datetime import date, datetime, time, timezone
from pathlib import Path

import icalendar
import pytest

from tests.test_meeting_app import SECRETS
from tests.test_prep_app import create_engagement, fill_required, new_app
from widgets.apps.handout import handout_html
from widgets.apps.invites import (
    InviteError,
    meeting_invite,
    parse_attendees,
    parse_time,
    prep_invite,
)
from widgets.instrument.yaml_loading import load_instrument
from widgets.store.registry import EngagementRegistry

INSTRUMENT = load_instrument()
START = datetime(2026, 10, 14, 14, 0, tzinfo=timezone.utc)
ANSWERS = {
    "success": "SHAREABLE-SUCCESS hear my strengths",
    "share_topics": "My projects and the new team",
    "goal_alignment_ok": "yes",
    "coach_role": "observe",
    "text_consent": "no",
    **SECRETS,
}
# The agenda of meeting 1, written out from meeting.yaml's parts and minutes.
AGENDA_1 = [
    "Opening (3 min)",
    "Strengths (12 min)",
    "Deeper insights (10 min)",
    "Coaching goals (3 min)",
    "Close (2 min)",
]


def event_of(content: bytes) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    return event


def test_meeting_invite_has_the_agenda_and_30_minutes_and_nothing_private() -> None:
    content = meeting_invite(
        INSTRUMENT, 1, first_name="Amira", start=START, answers=ANSWERS, uid_key="e1"
    )
    event = event_of(content)
    assert event.decoded("dtstart") == START
    assert (event.decoded("dtend") - event.decoded("dtstart")).total_seconds() == 30 * 60
    description = str(event["description"])
    found = re.findall(r"^\d+\. (.+)$", description, flags=re.MULTILINE)
    assert found == AGENDA_1
    assert "Amira" in str(event["summary"])
    assert "attendee" not in event
    for secret in [*SECRETS.values(), ANSWERS["success"], ANSWERS["share_topics"]]:
        assert secret.encode() not in content
        assert secret.split()[0].encode() not in content


def test_declined_goals_leave_the_agenda_without_a_word() -> None:
    content = meeting_invite(
        INSTRUMENT, 1, first_name="Amira", start=START, answers={"goal_alignment_ok": "no"}
    )
    description = str(event_of(content)["description"])
    assert "Coaching goals" not in description and "goal" not in description.lower()
    second = str(
        event_of(meeting_invite(INSTRUMENT, 2, first_name="A", start=START, answers={}))[
            "description"
        ]
    )
    assert "Progress since the first meeting (22 min)" in second


def test_attendees_only_when_typed() -> None:
    content = meeting_invite(
        INSTRUMENT,
        1,
        first_name="Amira",
        start=START,
        answers={},
        attendees=parse_attendees("Dana Manager, coach@example.org"),
    )
    attendees = event_of(content)["attendee"]
    assert [str(a) for a in attendees] == ["invalid:nomail", "mailto:coach@example.org"]
    assert attendees[0].params["CN"] == "Dana Manager"


def test_prep_invite_and_times() -> None:
    event = event_of(prep_invite(first_name="Amira", start=START, minutes=45))
    assert (event.decoded("dtend") - event.decoded("dtstart")).total_seconds() == 45 * 60
    assert "Preparation" in str(event["summary"])
    assert parse_time("9.30") == time(9, 30) and parse_time("14:05") == time(14, 5)
    with pytest.raises(InviteError, match="write it as 09:30"):
        parse_time("25:00")


def test_handout_holds_purpose_agenda_questions_and_ground_rules_but_no_secret() -> None:
    page = handout_html(INSTRUMENT, 1, first_name="Amira", answers=ANSWERS)
    meeting = INSTRUMENT.form("meeting")
    assert meeting.intro in page
    for line in AGENDA_1:
        title, minutes = line.rsplit(" (", 1)
        assert title in page and f"({minutes}" in page
    assert "at their very best" in page and "Amira" in page
    assert "My projects and the new team" in page
    assert "Coaching stays confidential" in page
    for secret in SECRETS.values():
        assert secret not in page and secret.split()[0] not in page
    for item in ("off_limits", "concerns", "perception", "mindset", "concern_plan"):
        assert INSTRUMENT.form("prep").item(item).wording not in page
    assert "<script" not in page and "http" not in page


def test_handout_escapes_the_coachees_words() -> None:
    page = handout_html(
        INSTRUMENT, 1, first_name="Amira", answers={"share_topics": "<b>projects</b>"}
    )
    assert "&lt;b&gt;projects&lt;/b&gt;" in page and "<b>projects" not in page


def _download(link_html: str) -> bytes:
    found = re.search(r"base64,([A-Za-z0-9+/=]+)'", link_html)
    assert found, link_html
    return base64.b64decode(found.group(1))


def test_prep_page_downloads(exports: Path) -> None:
    app = new_app(exports)
    create_engagement(app)
    fill_required(app)
    for item_id, secret in SECRETS.items():
        app.views["prep"].fields[item_id].set_value(secret)
    downloads = app.downloads
    downloads.meeting_time.value = "14:30"
    assert downloads.make_meeting_invite() is True
    event = event_of(_download(downloads.meeting_link.value))
    assert event.decoded("dtstart").astimezone().date() == date(2026, 10, 14)
    assert event.decoded("dtstart").astimezone().time() == time(14, 30)
    page = downloads.make_handout().encode()
    for payload in (
        _download(downloads.meeting_link.value),
        _download(downloads.handout_link.value),
    ):
        for secret in SECRETS.values():
            assert secret.encode() not in payload
    assert page == _download(downloads.handout_link.value)
    assert downloads.make_prep_invite() is False
    assert "choose the prep session" in downloads.prep_link.value
    downloads.prep_date.value = date(2026, 10, 7)
    downloads.prep_time.value = "10:00"
    assert downloads.make_prep_invite() is True
    assert "Preparation" in str(event_of(_download(downloads.prep_link.value))["summary"])


def test_handout_holds_back_lines_the_card_holds_back() -> None:
    """A shareable line that names an off-limits topic never reaches the manager's page."""
    answers = {
        **ANSWERS,
        "share_topics": "The reorganisation timeline\nMy projects and the new team",
        "off_limits": "the reorganisation",
    }
    page = handout_html(INSTRUMENT, 1, first_name="Amira", answers=answers)
    assert "My projects and the new team" in page
    assert "reorganisation" not in page.lower()
    # A topic closed in another meeting's prep stays closed.
    answers = {**ANSWERS, "share_topics": "Budget planning for Q3\nMy projects"}
    page = handout_html(INSTRUMENT, 2, first_name="Amira", answers=answers, off_limits=["budget"])
    assert "My projects" in page and "Budget" not in page


def test_prep_page_handout_screens_by_every_saved_prep(exports: Path) -> None:
    app = new_app(exports)
    create_engagement(app)
    fill_required(app)
    app.views["prep"].fields["off_limits"].set_value("the reorganisation")
    assert app.submit() is True
    later = new_app(exports, meeting="2", engagement=app.engagement.engagement_id)
    later.views["prep"].fields["share_topics"].set_value(
        "How the reorganisation lands\nThe new team's first wins"
    )
    page = later.downloads.make_handout()
    assert "The new team" in page and "reorganisation" not in page.lower()


def test_invite_details_stay_with_the_engagement_after_submit_and_reload(exports: Path) -> None:
    app = new_app(exports)
    eid = create_engagement(app)
    fill_required(app)
    downloads = app.downloads
    assert downloads.meeting_time.value == "" and "e.g." in downloads.meeting_time.placeholder
    assert downloads.make_meeting_invite() is False
    assert "write the start time first, e.g. 14:00" in downloads.meeting_link.value
    downloads.meeting_time.value = "14:30"
    downloads.meeting_attendees.value = "sam@example.org"
    downloads.prep_date.value = date(2026, 10, 7)
    downloads.prep_minutes.value = 45
    assert app.submit() is True

    reopened = new_app(exports, engagement=eid)
    kept = reopened.downloads
    assert kept.meeting_time.value == "14:30"
    assert kept.meeting_attendees.value == "sam@example.org"
    assert kept.prep_date.value == date(2026, 10, 7) and kept.prep_minutes.value == 45
    assert kept.make_meeting_invite() is True
    # Another engagement starts blank, not with the last one's details.
    other = EngagementRegistry(exports).create(
        first_name="Noor", coach="Coach Kim", program="P", cohort="A", start_date=date(2026, 9, 1)
    )
    reopened.picker.refresh()
    reopened.picker.dropdown.value = other.engagement_id
    assert kept.meeting_time.value == "" and kept.prep_date.value is None
    kept.meeting_time.value = "09:15"
    # Going back and forth finds each one's again: switching never blanks what was kept.
    reopened.picker.dropdown.value = eid
    assert kept.meeting_time.value == "14:30" and kept.prep_date.value == date(2026, 10, 7)
    reopened.picker.dropdown.value = other.engagement_id
    assert kept.meeting_time.value == "09:15"
