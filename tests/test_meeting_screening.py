"""Off-limits topics screened on the meeting screen: the card and meeting 2's memory.

The coach sees how many lines were held back, in a collapsed note, never which.
"""

from __future__ import annotations

from pathlib import Path

from tests.fake_clock import FakeClock
from tests.test_meeting_app import T0, VERSION, all_text, engagement, open_app
from widgets.instrument.yaml_loading import load_instrument
from widgets.store.records import Answer
from widgets.store.responses import ResponseStore

PREP = load_instrument().form("prep")


def submit_prep(root: Path, eid: str, meeting_number: int, **values: str) -> None:
    answers = [Answer(PREP.section_of(k).id, k, PREP.item(k).type, v) for k, v in values.items()]
    ResponseStore(root).submit(
        engagement_id=eid,
        form="prep",
        meeting_number=meeting_number,
        answers=answers,
        instrument_version=VERSION,
    )


def test_the_card_holds_back_a_line_that_shares_a_word_with_an_off_limits_topic(
    exports: Path,
):
    eid = engagement(exports)
    submit_prep(
        exports,
        eid,
        1,
        success="Hear how my manager sees my strengths",
        share_topics="My projects\nHow I handled the Divorce with grace",
        closing_plan="Coach thanks, then our huddle",
        goal_alignment_ok="yes",
        off_limits="my divorce",
    )
    app = open_app(exports, FakeClock(T0), eid)
    card = all_text(app.card_box)
    assert "My projects" in card and "divorce" not in card.casefold()
    assert "Hear how my manager sees my strengths" in card
    assert "<details class='kit-coach-hint'>" in card
    assert "1 line held back (matches an off-limits topic)" in card


def test_a_card_with_nothing_held_back_has_no_coach_note(exports: Path):
    eid = engagement(exports)
    submit_prep(exports, eid, 1, success="Clarity", off_limits="my divorce")
    app = open_app(exports, FakeClock(T0), eid)
    assert "kit-coach-hint" not in all_text(app.card_box)


def test_meeting_two_holds_back_meeting_one_notes_on_a_topic_closed_in_either_prep(
    exports: Path,
):
    eid = engagement(exports)
    submit_prep(exports, eid, 1, success="Clarity", off_limits="Santé")
    submit_prep(exports, eid, 2, success="Progress", off_limits="the reorganisation")
    ResponseStore(exports).submit(
        engagement_id=eid,
        form="meeting",
        meeting_number=1,
        answers=[
            Answer(
                "strengths",
                "strengths_best",
                "prompt",
                "Led the launch calmly\nKept going despite her SANTE worries",
            ),
            Answer("insights", "insights_gift", "prompt", "Calm through the REORGANISATIONS"),
        ],
        instrument_version=VERSION,
    )
    app = open_app(exports, FakeClock(T0), eid, meeting=2)
    changes = all_text(app.prompt("followup_changes").box)
    assert "Led the launch calmly" in changes and "SANTE" not in changes
    assert "1 line held back (matches an off-limits topic)" in changes
    progress = all_text(app.prompt("followup_progress").box)
    assert "REORGANISATION" not in progress.upper()
    assert "1 line held back" in progress
    assert "Nothing saved from meeting 1 on this." in progress
