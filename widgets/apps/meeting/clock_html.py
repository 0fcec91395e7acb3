"""What the meeting clock looks like: big figures, the agenda, the table after End.

Everything here is drawn from a :class:`~widgets.apps.meeting.timer.MeetingTimer` (or
from the saved rows of an ended meeting) and returns HTML, so a redraw once a second is
a string compare in the browser, and tests read the figures without a page. The state
is said in words as well as colour ("✓ On time"): the screen may be shared, seen from
across a room, or read by someone who does not see colours.

Because it may be shared, the screen never says what the coachee declined: a part left
out (goal alignment without the coachee's agreement) is simply absent from the agenda
and the timings, its minutes count as spare time without a word on where they came
from, and the coach finds it in a collapsed, reason-free coach note under the agenda.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping

from widgets.apps.meeting.timer import MeetingTimer, format_seconds

__all__ = ["STATE_WORDS", "agenda_html", "clock_html", "coach_hint_html", "timings_html"]

STATE_WORDS = {
    "on_time": "✓ On time",
    "last_minute": "◔ Last minute",
    "over_budget": "⚠ Over budget",
}


def _ended_clock_html(timer: MeetingTimer, ended: Mapping[str, str]) -> str:
    seconds = ended.get("meeting_seconds", "")
    took = format_seconds(float(seconds)) if seconds else "—"
    return (
        "<div class='kit-clock kit-clock-ended'><div class='kit-clock-main'>"
        f"<div class='kit-clock-figure'><span class='kit-clock-label'>Took</span>"
        f"<span class='kit-clock-big kit-meeting-elapsed'>{took}</span></div>"
        f"<div class='kit-clock-figure'><span class='kit-clock-label'>Budget</span>"
        f"<span class='kit-clock-big'>{format_seconds(timer.total_seconds)}</span></div></div>"
        "<div class='kit-clock-section'>Ended</div></div>"
    )


def _section_line(timer: MeetingTimer) -> tuple[str, str]:
    """The current part's line under the big figures, and its state."""
    if not timer.started:
        return "Not started: press Start when everyone has joined.", "on_time"
    current = timer.current
    assert current is not None
    state = timer.section_state()
    left = timer.section_remaining()
    budget = format_seconds(current.budget_seconds)
    left_text = (
        f"{format_seconds(left)} left of {budget}"
        if left >= 0
        else f"{format_seconds(-left)} over its {budget}"
    )
    prefix = "Ended in" if timer.ended else "Now"
    line = (
        f"<span class='kit-section-now'>{prefix}: <b>{html.escape(current.title)}</b>"
        f"</span> <span class='kit-meeting-section-remaining'>{left_text}</span> "
        f"<span class='kit-state-word kit-state-word-{state}'>"
        f"{STATE_WORDS[state]}</span>"
    )
    return line, state


def _spare_text(timer: MeetingTimer) -> str:
    spare = timer.spare_seconds()
    if spare < 0:
        return f"Behind by {format_seconds(-spare)}: shorten a later part to finish on time"
    # A part left out adds to the spare time silently: naming it would tell the manager.
    return f"Spare time in the meeting: {format_seconds(spare)}"


def clock_html(timer: MeetingTimer, ended: Mapping[str, str] | None = None) -> str:
    """Elapsed, remaining, the meeting's state, the current part and the spare time.

    ``ended`` holds the saved rows when an ended meeting is shown read-only: then the
    clock says how long it took against its budget.
    """
    if ended is not None:
        return _ended_clock_html(timer, ended)
    total = format_seconds(timer.total_seconds)
    state = timer.meeting_state()
    remaining = timer.remaining()
    remaining_text = (
        format_seconds(remaining) if remaining >= 0 else f"+{format_seconds(-remaining)}"
    )
    remaining_label = f"Remaining of {total}" if remaining >= 0 else f"Over the {total}"
    section_line, section_state = _section_line(timer)
    state_word = "Ended" if timer.ended else STATE_WORDS[state]
    return (
        f"<div class='kit-clock kit-state-{state}' data-state='{state}'>"
        "<div class='kit-clock-main'>"
        "<div class='kit-clock-figure'><span class='kit-clock-label'>Elapsed</span>"
        f"<span class='kit-clock-big kit-meeting-elapsed'>{format_seconds(timer.elapsed())}"
        "</span></div>"
        f"<div class='kit-clock-figure'><span class='kit-clock-label'>{remaining_label}"
        f"</span><span class='kit-clock-big kit-meeting-remaining'>{remaining_text}</span>"
        "</div>"
        f"<div class='kit-clock-figure kit-meeting-state'><span class='kit-clock-label'>"
        f"Meeting</span><span class='kit-clock-word'>{state_word}</span></div></div>"
        f"<div class='kit-clock-section kit-state-{section_state}' "
        f"data-state='{section_state}'>{section_line}</div>"
        f"<div class='kit-clock-spare kit-meeting-spare'>{html.escape(_spare_text(timer))}</div>"
        "</div>"
    )


def coach_hint_html(lines: Iterable[str]) -> str:
    """A collapsed note for the coach's eyes on a screen the manager may see, or "".

    Closed by default and worded without reasons or private text: opened by mistake, it
    must still tell the manager nothing the coachee kept back.
    """
    shown = [f"<li>{html.escape(line)}</li>" for line in lines if line]
    if not shown:
        return ""
    return (
        "<details class='kit-coach-hint'><summary>Coach note</summary>"
        f"<ul>{''.join(shown)}</ul></details>"
    )


def _left_out_note(timer: MeetingTimer) -> str:
    left_out = [s for s in timer.sections if s.skipped]
    if not left_out:
        return ""
    titles = ", ".join(s.title for s in left_out)
    minutes = format_seconds(sum(s.budget_seconds for s in left_out))
    return f"Left off the agenda: {titles} ({minutes} added to the spare time)."


def agenda_html(timer: MeetingTimer, ended: Mapping[str, str] | None = None) -> str:
    """The parts that run, in order, with their budget and what became of each (now,
    took, to come); a part left out is absent, named only in the collapsed coach note."""
    items = []
    values = ended or {}
    for planned in timer.sections:
        budget = format_seconds(planned.budget_seconds)
        if planned.skipped:
            continue
        if values:
            actual = values.get(f"{planned.id}_seconds", "")
            status = f"took {format_seconds(float(actual))}" if actual else "not reached"
            cls = "done"
        elif timer.current is planned and timer.in_progress:
            status = f"now · {format_seconds(timer.section_elapsed(planned.id))}"
            cls = "now"
        elif timer.visited(planned.id):
            status = f"took {format_seconds(timer.section_elapsed(planned.id))}"
            cls = "done"
        else:
            status = "to come"
            cls = "todo"
        items.append(
            f"<li class='kit-agenda-{cls} kit-agenda-{planned.id}'>"
            f"<span class='kit-agenda-title'>{html.escape(planned.title)}</span> "
            f"<span class='kit-agenda-budget'>{budget}</span> "
            f"<span class='kit-agenda-status'>{status}</span></li>"
        )
    hint = coach_hint_html([_left_out_note(timer)])
    return f"<ol class='kit-agenda'>{''.join(items)}</ol>{hint}"


def timings_html(
    parts: Iterable[tuple[str, str]], values: Mapping[str, str], budget_seconds: int | None
) -> str:
    """An ended meeting's table: each part's budget against what it took.

    ``parts`` are (section id, title) of the parts that were planned; ``values`` the
    saved rows. A part left out has no row: the table may be on the shared screen.
    """
    rows = []
    for part_id, title in parts:
        if values.get(f"{part_id}_skipped") == "yes":
            continue
        actual = values.get(f"{part_id}_seconds", "")
        budget = values.get(f"{part_id}_budget_seconds", "")
        shown = format_seconds(float(actual)) if actual else "—"
        rows.append(
            f"<tr><td>{html.escape(title)}</td>"
            f"<td>{format_seconds(float(budget)) if budget else '—'}</td><td>{shown}</td></tr>"
        )
    total = values.get("meeting_seconds", "")
    return (
        "<table class='kit-timings'><tr><th>Part</th><th>Budget</th><th>Actual</th>"
        f"</tr>{''.join(rows)}<tr><th>Meeting</th><th>"
        f"{format_seconds(budget_seconds or 0)}</th><th>"
        f"{format_seconds(float(total)) if total else '—'}</th></tr></table>"
    )
