"""A "what to expect" page for the manager, printed or sent before the meeting.

Built from the instrument (purpose, the agenda that will run, the questions the manager
will hear, with the coachee's first name) and from the prep answers the coachee allowed
on the meeting screen, read through :func:`widgets.apps.agenda.shareable_answers`, the
same declaration the facilitator card uses. So the page can hold nothing the card could
not: off-limits topics, concerns, perception, mindset and the plan for concerns never
reach it, and every text is escaped, so an answer cannot become markup.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping

from widgets.apps.agenda import meeting_agenda, meeting_minutes, shareable_answers
from widgets.apps.meeting.card import SharedPrep
from widgets.apps.meeting.plan import meeting_plan
from widgets.instrument.instrument import Instrument
from widgets.instrument.rules import MEETING_FORM, fill_name

__all__ = ["handout_filename", "handout_html"]

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 42em; margin: 2em auto; line-height: 1.45;
       color: #1b1b1b; padding: 0 1em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 1.5em; }
.minutes { color: #555; } .coachee-words { border-left: 3px solid #888; padding-left: .8em; }
@media print { body { margin: 0; } a { color: inherit; } }
"""

_SHARE_TOPICS = "share_topics"
_ROLE = "coach_role"


def _text(value: str) -> str:
    return "<br>".join(html.escape(line) for line in value.splitlines())


def _role_line(instrument: Instrument, answers: Mapping[str, str], name: str) -> str:
    chosen = answers.get(_ROLE, "")
    for row in instrument.card:
        for answer in row.items:
            if answer.id == _ROLE and chosen in answer.says:
                return fill_name(answer.says[chosen], name)
    return ""


def _questions(instrument: Instrument, meeting_number: int, shared: SharedPrep, name: str) -> str:
    form = instrument.form(MEETING_FORM)
    running = {p.id for p in meeting_plan(form, meeting_number, shared) if not p.skipped}
    parts = []
    for section in form.sections_for(meeting_number):
        prompts = [i for i in section.items_for(meeting_number) if i.type == "prompt"]
        if section.id not in running or not prompts:
            continue
        items = "".join(f"<li>{html.escape(fill_name(i.wording, name))}</li>" for i in prompts)
        parts.append(f"<h3>{html.escape(section.title)}</h3><ul>{items}</ul>")
    return "".join(parts)


def handout_html(
    instrument: Instrument,
    meeting_number: int,
    *,
    first_name: str,
    answers: Mapping[str, str],
    off_limits: Iterable[str] = (),
) -> str:
    """The whole page, self-contained (its style inline, no link, no script).

    ``off_limits``: the engagement's off-limits answers from its other saved preps,
    screened out as well as those in ``answers``.
    """
    name = first_name.strip() or "the coachee"
    shared_values = shareable_answers(instrument, answers, off_limits)
    shared = SharedPrep(values=shared_values)
    who = html.escape(name)
    minutes = meeting_minutes(instrument)
    agenda = "".join(
        f"<li><strong>{html.escape(part.title)}</strong> "
        f"<span class='minutes'>({part.minutes:g} min)</span>: {html.escape(part.intro)}</li>"
        for part in meeting_agenda(instrument, meeting_number, shared_values)
    )
    rules = []
    if shared_values.get(_SHARE_TOPICS):
        rules.append(
            f"<p>{who} is happy to talk about:</p>"
            f"<p class='coachee-words'>{_text(shared_values[_SHARE_TOPICS])}</p>"
        )
    role = _role_line(instrument, shared_values, name)
    if role:
        rules.append(f"<p>The coach's role, as {who} chose it: {html.escape(role)}.</p>")
    rules.append(
        f"<p>{who} decides what is talked about. Please keep to these topics; "
        "anything else can wait for another conversation.</p>"
    )
    which = "alignment meeting" if meeting_number == 1 else "second alignment meeting"
    purpose = instrument.form(MEETING_FORM).intro
    return "\n".join(
        [
            "<!doctype html>",
            "<html lang='en'><head><meta charset='utf-8'>",
            f"<title>What to expect: the {which} with {who}</title>",
            f"<style>{_STYLE}</style></head><body>",
            f"<h1>What to expect: the {which} with {who}</h1>",
            f"<h2>Why we meet</h2><p>{html.escape(purpose)}</p>",
            f"<p>{minutes} minutes with {who} and their coach. Your view is what the meeting "
            "is for: there are no wrong answers and nothing to prepare in writing.</p>",
            f"<h2>The {minutes} minutes</h2><ol>{agenda}</ol>",
            "<h2>The kinds of questions you will be asked</h2>",
            _questions(instrument, meeting_number, shared, name),
            f"<h2>Ground rules, in {who}'s words</h2>",
            *rules,
            "<h2>Confidentiality</h2>",
            f"<p>Coaching stays confidential. What {who} and the coach discuss in coaching, "
            f"including how {who} prepared for this meeting, is not shared with you or "
            "anyone else.</p>",
            "</body></html>",
        ]
    )


def handout_filename(meeting_number: int) -> str:
    return f"what-to-expect-meeting-{meeting_number}.html"
