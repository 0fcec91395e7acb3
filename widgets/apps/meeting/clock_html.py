"""What the meeting clock looks like: the presenter bar's figures, the agenda, the table.

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

__all__ = [
    "MEETING_WORDS",
    "STATE_WORDS",
    "agenda_html",
    "clock_html",
    "coach_hint_html",
    "elsewhere_clock_html",
    "timings_html",
]

STATE_WORDS = {
    "on_time": "✓ On time",
    "last_minute": "◔ Last minute",
    "over_budget": "⚠ Over budget",
}
# The meeting's one signal (:meth:`MeetingTimer.signal`): "behind" rather than "over
# budget", since the meeting may still finish on time if a later part is shortened.
MEETING_WORDS = {
    "on_time": "✓ On time",
    "last_minute": "◔ Last minute",
    "over_budget": "⚠ Behind",
}


def _figure(label: str, big: str, sub: str, css: str = "") -> str:
    return (
        f"<div class='kit-clock-figure {css}'><span class='kit-clock-label'>{label}</span>"
        f"<span class='kit-clock-big'>{big}</span><span class='kit-clock-sub'>{sub}</span></div>"
    )


def _ended_clock_html(timer: MeetingTimer, ended: Mapping[str, str], after: str) -> str:
    seconds = ended.get("meeting_seconds", "")
    took = format_seconds(float(seconds)) if seconds else "—"
    return (
        "<div class='kit-clock kit-clock-ended' data-state='ended'>"
        "<div class='kit-clock-figure kit-meeting-state'><span class='kit-clock-label'>"
        "Meeting</span><span class='kit-clock-word'>✓ Finished</span></div>"
        + _figure(
            "Took",
            f"<span class='kit-meeting-elapsed'>{took}</span>",
            f"of {format_seconds(timer.total_seconds)} planned",
        )
        + (f"<div class='kit-clock-next'>{after}</div>" if after else "")
        + "</div>"
    )


def _part_figure(timer: MeetingTimer) -> str:
    """The current part: its name, its time left (or its overtime, counting up)."""
    current = timer.current
    assert current is not None
    position = [s.id for s in timer.running].index(current.id) + 1
    state = timer.section_state()
    left = timer.section_remaining()
    budget = format_seconds(timer.section_budget())
    added = timer.extended_seconds()
    budget_text = f"{budget} (+{format_seconds(added)} added)" if added else budget
    if left >= 0:
        big, sub = format_seconds(left), f"left of {budget_text}"
    else:
        big, sub = f"+{format_seconds(-left)}", f"over its {budget_text}"
    return (
        f"<div class='kit-clock-figure kit-clock-part kit-clock-section kit-state-{state}' "
        f"data-state='{state}'><span class='kit-clock-label kit-section-now'>"
        f"Part {position} of {len(timer.running)}: <b>{html.escape(current.title)}</b></span>"
        f"<span class='kit-clock-big kit-part-left'>{big}</span>"
        f"<span class='kit-clock-sub'><span class='kit-meeting-section-remaining'>{sub}</span> "
        f"<span class='kit-state-word kit-state-word-{state}'>{STATE_WORDS[state]}</span>"
        "</span></div>"
    )


def _spare_text(timer: MeetingTimer) -> str:
    spare = timer.spare_seconds()
    if spare < 0:
        return f"Behind by {format_seconds(-spare)}: shorten a later part to finish on time"
    # A part left out adds to the spare time silently: naming it would tell the manager.
    return f"Spare time in the meeting: {format_seconds(spare)}"


def elsewhere_clock_html() -> str:
    """The bar of a tab that another tab took the meeting from: its figures would stop
    where they were and read as a live clock, so it says where the clock runs instead."""
    return (
        "<div class='kit-clock-elsewhere' role='status'><b>The clock runs in the other "
        "tab.</b> Take over here to run the meeting from this one.</div>"
    )


def clock_html(
    timer: MeetingTimer, ended: Mapping[str, str] | None = None, *, after: str = ""
) -> str:
    """The presenter bar's figures: the part now, its time left, the meeting's, one state.

    ``ended`` holds the saved rows when an ended meeting is shown: then the clock says
    it finished and what it took; ``after`` (HTML) is what comes next, the debrief link,
    so it is always in view.
    """
    if ended is not None:
        return _ended_clock_html(timer, ended, after)
    total = format_seconds(timer.total_seconds)
    signal = timer.signal()
    remaining = timer.remaining()
    if remaining >= 0:
        meeting_big, meeting_label = format_seconds(remaining), "Meeting left"
    else:
        meeting_big, meeting_label = f"+{format_seconds(-remaining)}", "Meeting over time"
    meeting_sub = (
        f"of {total} · elapsed <span class='kit-meeting-elapsed'>"
        f"{format_seconds(timer.elapsed())}</span>"
        if remaining >= 0
        else f"Over the {total} · took <span class='kit-meeting-elapsed'>"
        f"{format_seconds(timer.elapsed())}</span>"
    )
    word = "✓ Ended" if timer.ended else MEETING_WORDS[signal]
    if not timer.started:
        part = (
            "<div class='kit-clock-figure kit-clock-part'><span class='kit-clock-label'>"
            "Not started</span><span class='kit-clock-hint'>Press Start when everyone "
            "has joined.</span></div>"
        )
    else:
        part = _part_figure(timer)
    return (
        f"<div class='kit-clock kit-state-{signal}' data-state='{signal}'>{part}"
        + _figure(
            meeting_label,
            f"<span class='kit-meeting-remaining'>{meeting_big}</span>",
            meeting_sub,
        )
        + "<div class='kit-clock-figure kit-meeting-state'><span class='kit-clock-label'>"
        f"Meeting</span><span class='kit-clock-word'>{word}</span>"
        f"<span class='kit-clock-sub kit-clock-spare kit-meeting-spare'>"
        f"{html.escape(_spare_text(timer))}</span></div></div>"
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
        budget = format_seconds(
            planned.budget_seconds if planned.skipped else timer.section_budget(planned.id)
        )
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
