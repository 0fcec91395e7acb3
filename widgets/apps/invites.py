"""Calendar invites from the prep page: the alignment meeting and the prep session.

An invite leaves the coach's machine and lands in the manager's calendar, so it holds
only what the manager may know: the meeting's title with the coachee's first name, its
time and length, and the agenda (the parts that will run, with minutes, from the
instrument). Never a prep answer: the only prep answer read is whether the goals part
runs, and that shows only as the part being there or not. Attendees are named only when
the coach types them; the kit knows no one's e-mail address.

Files are made with ``icalendar`` (RFC 5545) and handed over as ``data:`` links, like
the summary's downloads, so no server route is needed.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta, timezone

import icalendar

from widgets.apps.agenda import meeting_agenda, meeting_minutes
from widgets.apps.summary.documents import data_link
from widgets.errors import InputError
from widgets.instrument.instrument import Instrument

__all__ = [
    "ICS_MIME",
    "PREP_MINUTES",
    "InviteError",
    "invite_link",
    "local_start",
    "meeting_invite",
    "parse_attendees",
    "parse_time",
    "prep_invite",
]

ICS_MIME = "text/calendar"
PREP_MINUTES = 60
_PRODID = "-//Alignment Meeting Kit//invites//EN"
# Outlook's own convention for an attendee known by name only (RFC 5545 wants a URI).
_NO_MAIL = "invalid:nomail"
_TIME = re.compile(r"^\s*(\d{1,2})[:.h](\d{2})\s*$")


class InviteError(InputError, ValueError):
    """An invite cannot be made from what was typed (a time, a missing date)."""


def parse_time(text: str) -> time:
    """``9:30``, ``09:30``, ``9.30`` or ``9h30`` as a time of day; anything else refused."""
    if not text.strip():
        raise InviteError("write the start time first, e.g. 14:00")
    found = _TIME.match(text)
    if not found or int(found.group(1)) > 23 or int(found.group(2)) > 59:
        raise InviteError(f"time {text.strip()!r} is not a time of day: write it as 09:30")
    return time(int(found.group(1)), int(found.group(2)))


def parse_attendees(text: str) -> list[str]:
    """Names or addresses typed by the coach, one per comma, semicolon or line."""
    return [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]


def _attendee(entry: str) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{entry}" if "@" in entry else _NO_MAIL)
    if "@" not in entry:
        address.params["CN"] = icalendar.vText(entry)
    address.params["ROLE"] = icalendar.vText("REQ-PARTICIPANT")
    return address


def _calendar(
    *,
    summary: str,
    description: str,
    start: datetime,
    minutes: int,
    attendees: Sequence[str],
    uid_key: str,
    stamp: datetime,
) -> bytes:
    if start.tzinfo is None:
        raise InviteError("an invite's start needs a time zone")
    calendar = icalendar.Calendar()
    calendar.add("prodid", _PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = icalendar.Event()
    # Stable for the same meeting and time, so a re-downloaded invite updates the entry.
    digest = hashlib.sha256(f"{uid_key}|{start.isoformat()}".encode()).hexdigest()[:32]
    event.add("uid", f"{digest}@alignment-meeting-kit")
    event.add("dtstamp", stamp.astimezone(timezone.utc))
    event.add("dtstart", start.astimezone(timezone.utc))
    event.add("dtend", (start + timedelta(minutes=minutes)).astimezone(timezone.utc))
    event.add("summary", summary)
    event.add("description", description)
    for entry in attendees:
        event.add("attendee", _attendee(entry), encode=False)
    calendar.add_component(event)
    return calendar.to_ical()


def meeting_invite(
    instrument: Instrument,
    meeting_number: int,
    *,
    first_name: str,
    start: datetime,
    answers: Mapping[str, str],
    attendees: Sequence[str] = (),
    uid_key: str = "",
    stamp: datetime | None = None,
) -> bytes:
    """The alignment meeting as an .ics: its length and the agenda that will run."""
    name = first_name.strip() or "the coachee"
    which = "Alignment meeting" if meeting_number == 1 else "Second alignment meeting"
    parts = meeting_agenda(instrument, meeting_number, answers)
    minutes = meeting_minutes(instrument)
    description = "\n".join(
        [
            f"{which} with {name}, their coach and their manager ({minutes} minutes).",
            "",
            "Agenda:",
            *(f"{number}. {part.line()}" for number, part in enumerate(parts, start=1)),
            "",
            "What is said in coaching stays confidential.",
        ]
    )
    return _calendar(
        summary=f"{which}: {name}",
        description=description,
        start=start,
        minutes=minutes,
        attendees=attendees,
        uid_key=f"meeting|{uid_key}|{meeting_number}",
        stamp=stamp or datetime.now(timezone.utc),
    )


def prep_invite(
    *,
    first_name: str,
    start: datetime,
    minutes: int = PREP_MINUTES,
    meeting_number: int = 1,
    attendees: Sequence[str] = (),
    uid_key: str = "",
    stamp: datetime | None = None,
) -> bytes:
    """The preparation session (coach and coachee) as an .ics: a title and a length only."""
    if minutes < 1:
        raise InviteError(f"a prep session of {minutes} minutes: give at least 1 minute")
    name = first_name.strip() or "the coachee"
    which = "alignment meeting" if meeting_number == 1 else "second alignment meeting"
    return _calendar(
        summary=f"Preparation session: {name} and coach",
        description=f"Coach and {name} prepare the {which} together.",
        start=start,
        minutes=minutes,
        attendees=attendees,
        uid_key=f"prep|{uid_key}|{meeting_number}",
        stamp=stamp or datetime.now(timezone.utc),
    )


def local_start(day: date, at: time) -> datetime:
    """The day and time as typed, in this machine's time zone (the coach's)."""
    return datetime.combine(day, at).astimezone()


def invite_link(content: bytes, *, filename: str, css_class: str, text: str) -> str:
    """An <a download> for the .ics, as the summary hands over its files."""
    return data_link(
        content.decode("utf-8"), mime=ICS_MIME, filename=filename, css_class=css_class, text=text
    ) + (f"<span class='kit-invite-file'> {html.escape(filename)}</span>")
