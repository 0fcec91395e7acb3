"""One writer per draft: two tabs on one form never overwrite each other silently."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.fake_clock import FakeClock
from tests.test_meeting_app import engagement, open_app, save_prep
from widgets.store.drafts import DraftStore, StaleDraft

T0 = datetime(2026, 10, 14, 9, 0, tzinfo=timezone.utc)
EID = "e-3f9a1c0b7d2e"


@pytest.fixture
def drafts(tmp_path: Path) -> DraftStore:
    return DraftStore(tmp_path, clock=FakeClock(T0))


def test_a_save_from_a_stale_tab_is_refused_and_the_other_tabs_text_stays(drafts: DraftStore):
    tab_a, tab_b = drafts.writer(EID, "prep-1"), drafts.writer(EID, "prep-1")
    tab_a.open(), tab_b.open()
    tab_a.save({"prep": {"success": "typed in A"}})
    with pytest.raises(StaleDraft) as refused:
        tab_b.save({"prep": {"success": "typed in B"}})
    assert "changed in another tab or window" in str(refused.value)
    assert "Take over here" in str(refused.value)
    assert drafts.load(EID, "prep-1")[1] == {"prep": {"success": "typed in A"}}
    assert tab_b.stale() is not None and tab_a.stale() is None


def test_taking_over_makes_the_other_tab_stale_in_turn(drafts: DraftStore):
    tab_a, tab_b = drafts.writer(EID, "meeting-1"), drafts.writer(EID, "meeting-1")
    tab_a.open(), tab_b.open()
    tab_a.save({"n": 1})
    assert tab_b.take_over() is not None
    tab_b.save({"n": 2})
    with pytest.raises(StaleDraft):
        tab_a.save({"n": 3})
    draft = drafts.read(EID, "meeting-1")
    assert draft is not None and draft.data == {"n": 2} and draft.writer == tab_b.id
    assert draft.version == 2


def test_a_finished_draft_is_no_draft_and_refuses_stale_saves(drafts: DraftStore):
    tab_a, tab_b = drafts.writer(EID, "meeting-1"), drafts.writer(EID, "meeting-1")
    tab_a.open(), tab_b.open()
    with tab_a.finishing():
        pass  # the submission would happen here
    assert drafts.load(EID, "meeting-1") is None
    with pytest.raises(StaleDraft) as refused:
        tab_b.save({"notes": "one more note"})
    assert "submitted or ended in another tab" in str(refused.value)
    with pytest.raises(StaleDraft):
        with tab_b.finishing():
            pytest.fail("a stale tab must not submit")
    assert drafts.load(EID, "meeting-1") is None  # nothing resurrected
    fresh = drafts.writer(EID, "meeting-1")
    assert fresh.open() is not None and fresh.save({"notes": "a correction"})


def test_a_failed_submission_leaves_the_draft_in_progress(drafts: DraftStore):
    tab = drafts.writer(EID, "prep-1")
    tab.open()
    tab.save({"prep": {"success": "kept"}})
    with pytest.raises(OSError), tab.finishing():
        raise OSError("disk full")
    assert drafts.load(EID, "prep-1")[1] == {"prep": {"success": "kept"}}
    tab.save({"prep": {"success": "kept, and more"}})  # still this tab's to write


def test_two_meeting_tabs_end_in_one_and_the_other_cannot_resurrect_it(exports: Path):
    eid = engagement(exports)
    save_prep(exports, eid)
    clock = FakeClock(T0)
    tab_a = open_app(exports, clock, eid)
    tab_a.start()
    tab_b = open_app(exports, clock, eid)  # the same meeting, opened on a second screen
    tab_a.checkpoint("opening_thanks").field.input.value = True
    tab_b.checkpoint("opening_purpose").field.input.value = True  # refused: A wrote since
    notice = tab_b.session.guard.notice
    assert notice.shown and "another tab or window" in notice.message.value
    assert tab_b.checkpoint("opening_purpose").field.input.value is True  # still on screen
    assert tab_b.checkpoint("opening_purpose").field.input.disabled
    assert tab_b.end_button.disabled and tab_b.next_button.disabled
    assert not tab_b.end()
    # Notes stay open to typing in the refused tab, and are kept by the take-over.
    notes = tab_b.prompt("strengths_best").field.input
    assert not notes.disabled
    notes.value = "typed in B after A wrote"

    notice.button.click()  # Take over here: B continues, A's tick is kept
    assert not notice.shown
    assert tab_b.checkpoint("opening_thanks").ticked_at
    assert tab_b.checkpoint("opening_purpose").ticked_at
    assert tab_b.prompt("strengths_best").notes() == "typed in B after A wrote"
    clock.advance(seconds=5)
    tab_a.tick()  # A notices at its next tick and says so
    assert tab_a.session.guard.notice.shown

    clock.advance(minutes=1)
    assert tab_b.end()
    assert "Meeting ended and saved" in tab_b.status.value
    tab_a.prompt("strengths_best").field.input.value = "typed after the End elsewhere"
    reopened = open_app(exports, clock, eid)
    assert "Restored the meeting in progress" not in reopened.status.value
    assert reopened.saved is not None and reopened.end_button.disabled
