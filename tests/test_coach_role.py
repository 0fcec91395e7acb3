"""The coach's role, chosen by the coachee in prep: saved, on the card, on the meeting
screen, in the codebook and counted in the program analysis."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.fake_clock import FakeClock
from tests.test_meeting_app import T0, engagement, save_prep
from tests.test_prep_app import create_engagement, fill_required, new_app
from tests.widget_tree import visible_text
from widgets.analysis.export.cli import main
from widgets.analysis.export.program import KEY_ENV
from widgets.analysis.long_table import load_responses
from widgets.analysis.metrics import METRICS, all_metrics
from widgets.analysis.role_metrics import coach_role_choices
from widgets.analysis.wide_table import wide_sessions
from widgets.apps.meeting.app import MeetingApp
from widgets.apps.meeting.card import facilitator_card_html, load_shared_prep
from widgets.instrument.codebook import ensure_codebook
from widgets.instrument.yaml_loading import load_instrument
from widgets.store.records import Answer
from widgets.store.responses import ResponseStore

INSTRUMENT = load_instrument()
PREP = INSTRUMENT.form("prep")


def choose_role(root: Path, eid: str, role: str | None, meeting_number: int = 1) -> None:
    """A saved prep (as the meeting tests save it), then a correction choosing ``role``."""
    save_prep(root, eid, meeting_number=meeting_number)
    if role is None:
        return
    store = ResponseStore(root)
    saved = store.latest(eid, "prep", meeting_number)
    assert saved is not None
    store.submit(
        engagement_id=eid,
        form="prep",
        meeting_number=meeting_number,
        answers=[
            *saved.answers,
            Answer(PREP.section_of("coach_role").id, "coach_role", "choice", role),
        ],
        instrument_version=INSTRUMENT.version,
    )


def open_meeting(root: Path, eid: str) -> MeetingApp:
    return MeetingApp(root=root, params={"engagement": eid}, clock=FakeClock(T0))


def test_the_role_is_a_new_prep_choice_in_a_new_instrument_version() -> None:
    item = PREP.item("coach_role")
    assert item.choice_values() == ("facilitate", "support", "observe", "clarify")
    assert item.visibility == "meeting"  # the coach and the screen may read it
    assert INSTRUMENT.version != "1.0.0"


def test_prep_saves_the_chosen_role(exports: Path) -> None:
    app = new_app(exports)
    eid = create_engagement(app)
    fill_required(app)
    app.views["prep"].fields["coach_role"].set_value("observe")
    assert app.submit() is True
    with open(exports / "responses.csv", newline="", encoding="utf-8") as handle:
        saved = [r for r in csv.DictReader(handle) if r["item_id"] == "coach_role"]
    assert [(r["engagement_id"], r["value"], r["instrument_version"]) for r in saved] == [
        (eid, "observe", INSTRUMENT.version)
    ]


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        ("facilitate", "The coach facilitates"),
        ("support", "Amira leads; the coach supports"),
        ("observe", "Amira leads; the coach observes silently"),
        ("clarify", "The coach only asks clarifying questions"),
        (None, "Not chosen in prep; the coach facilitates"),
    ],
)
def test_the_card_says_the_role(exports: Path, role: str | None, shown: str) -> None:
    eid = engagement(exports)
    choose_role(exports, eid, role)
    shared = load_shared_prep(ResponseStore(exports), PREP, eid, 1)
    card = facilitator_card_html("Amira", PREP, shared, card_rows=INSTRUMENT.card)
    assert "kit-card-coach_role" in card
    assert shown in card


def test_observe_turns_the_screen_into_the_coachees_guide(exports: Path) -> None:
    eid = engagement(exports)
    choose_role(exports, eid, "observe")
    app = open_meeting(exports, eid)
    try:
        text = visible_text(app.widget)
        assert "Your guide, Amira" in text
        assert "You lead this meeting and your coach observes silently" in text
        prompt = app.prompt("strengths_best")
        assert prompt.asked.description == "I asked this"
        assert prompt.tip_button.layout.display == "none" and prompt.tip.value == ""
        assert "You might ask your manager:" in visible_text(prompt.box)
        tip = INSTRUMENT.form("meeting").item("strengths_best").tip
        assert tip not in visible_text(app.section_block("strengths"))
    finally:
        app.close()


def test_clarify_reminds_the_coach_and_facilitate_changes_nothing(exports: Path) -> None:
    clarify, facilitate = engagement(exports, "Amira"), engagement(exports, "Bo")
    choose_role(exports, clarify, "clarify")
    choose_role(exports, facilitate, "facilitate")
    app = open_meeting(exports, clarify)
    try:
        assert "Amira asked you to only ask clarifying questions" in visible_text(app.widget)
        assert app.prompt("strengths_best").asked.description == "Asked"
    finally:
        app.close()
    app = open_meeting(exports, facilitate)
    try:
        text = visible_text(app.widget)
        assert "Your guide" not in text and "clarifying questions" not in text
        prompt = app.prompt("strengths_best")
        assert prompt.asked.description == "Asked" and prompt.tip_button.layout.display != "none"
    finally:
        app.close()


def test_codebook_and_role_counts(exports: Path) -> None:
    ensure_codebook(exports, INSTRUMENT)
    with open(exports / "codebook.csv", newline="", encoding="utf-8") as handle:
        book = {r["item_id"]: r for r in csv.DictReader(handle)}
    assert book["coach_role"]["form"] == "prep"
    assert "observe=" in book["coach_role"]["choices"]

    roles = ["observe", "observe", "clarify", None]
    for index, role in enumerate(roles):
        choose_role(exports, engagement(exports, f"Name{index}"), role)
    sessions = wide_sessions(load_responses(exports, cache=False))
    table = coach_role_choices(sessions)
    counts = dict(zip(table["coach_role"], table["preps"], strict=True))
    assert counts == {"facilitate": 0, "support": 0, "observe": 2, "clarify": 1, "not_chosen": 1}
    shares = dict(zip(table["coach_role"], table["share"], strict=True))
    assert shares["observe"] == pytest.approx(2 / 4)
    assert "coach_role_choices" in METRICS
    assert all_metrics(sessions)["coach_role_choices"].equals(table)


def test_the_program_export_carries_the_role(
    exports: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    choose_role(exports, engagement(exports), "clarify")
    monkeypatch.setenv(KEY_ENV, "test-key-0123456789abcdef")
    out = tmp_path / "out"
    assert main(["--out", str(out), str(exports)]) == 0
    with open(out / "responses.csv", newline="", encoding="utf-8") as handle:
        roles = [r["value"] for r in csv.DictReader(handle) if r["item_id"] == "coach_role"]
    assert roles == ["clarify"]
