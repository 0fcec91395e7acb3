"""Prep Submit saves the checklist and the prep together or neither; an unchanged Submit
writes nothing; two tabs on one prep never overwrite each other."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

import widgets.store.journal as journal
from tests.fake_clock import FakeClock
from tests.test_debrief_app import fill_required as fill_debrief
from tests.test_debrief_app import new_app as new_debrief
from tests.test_meeting_app import T0, engagement
from tests.test_prep_app import create_engagement, fill_required, new_app, rows
from widgets.store.drafts import DraftStore


def fail_second_write(monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills up after the first file of a save is written."""
    real = journal._write_all
    calls = {"n": 0}

    def write(fd: int, data: bytes) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd, data)

    monkeypatch.setattr(journal, "_write_all", write)


def test_a_failing_second_write_saves_nothing_and_the_retry_is_revision_one(
    exports: Path, monkeypatch: pytest.MonkeyPatch
):
    app = new_app(exports)
    eid = create_engagement(app)
    fill_required(app)
    with monkeypatch.context() as patched:
        fail_second_write(patched)
        assert not app.submit()
    assert "Not saved" in app.submit_message.value
    assert "No space left on device" in app.submit_message.value
    saved = rows(exports) if (exports / "responses.csv").exists() else []
    assert saved == []  # not the checklist alone
    assert DraftStore(exports).load(eid, "prep-1") is not None  # the typing is kept

    assert app.submit()
    assert "Saved on" in app.submit_message.value  # a first save, not a correction
    forms = {(r["form"], r["revision"]) for r in rows(exports)}
    assert forms == {("checklist", "1"), ("prep", "1")}


def test_an_unchanged_submit_says_so_and_writes_no_revision(exports: Path):
    app = new_app(exports)
    create_engagement(app)
    fill_required(app)
    assert app.submit()
    written = len(rows(exports))
    assert app.submit()
    assert "Nothing changed since the last save" in app.submit_message.value
    assert len(rows(exports)) == written

    app.views["prep"].fields["success"].set_value("A sharper picture of my strengths")
    assert app.submit()
    assert "Saved your changes" in app.submit_message.value
    revisions = {(r["form"], r["revision"]) for r in rows(exports)}
    assert ("prep", "2") in revisions and ("checklist", "2") not in revisions


def test_two_prep_tabs_one_writer_and_no_draft_after_submit(exports: Path):
    tab_a = new_app(exports)
    eid = create_engagement(tab_a)
    tab_b = new_app(exports, engagement=eid)
    tab_a.views["prep"].fields["success"].set_value("typed in A")
    tab_b.views["prep"].fields["success"].set_value("typed in B")
    notice = tab_b.writer.notice
    assert notice.shown and "another tab or window" in notice.message.value
    assert tab_b.views["prep"].fields["success"].value() == "typed in B"  # kept on screen
    assert tab_b.submit_button.disabled
    assert DraftStore(exports).load(eid, "prep-1")[1]["prep"]["success"] == "typed in A"
    assert not tab_b.submit()
    # The coach in B goes on typing: the field stays open, nothing of it is dropped.
    success = tab_b.views["prep"].fields["success"]
    assert not success.input.disabled
    success.set_value("typed in B, and more after the notice")

    notice.button.click()  # Take over here
    saved = DraftStore(exports).load(eid, "prep-1")[1]["prep"]["success"]
    assert saved == "typed in B, and more after the notice"
    fill_required(tab_b)
    assert tab_b.submit()
    tab_a.views["prep"].fields["success"].set_value("A, typed after B submitted")
    assert "submitted or ended in another tab" in tab_a.writer.notice.message.value
    assert DraftStore(exports).load(eid, "prep-1") is None  # no draft resurrected
    reopened = new_app(exports, engagement=eid)
    assert "Showing what was saved" in reopened.status.value


def test_debrief_two_tabs_and_an_unchanged_submit(exports: Path):
    clock = FakeClock(T0)
    eid = engagement(exports)
    tab_a = new_debrief(exports, clock, engagement=eid)
    tab_b = new_debrief(exports, clock, engagement=eid)
    fill_debrief(tab_a)
    tab_b.view.fields["stood_out_coach"].set_value("typed in B")
    assert tab_b.writer.notice.shown and tab_b.submit_button.disabled
    assert not tab_b.submit()
    assert tab_a.submit()
    assert "Saved on" in tab_a.submit_message.value
    written = len(rows(exports))
    assert tab_a.submit()
    assert "Nothing changed since the last save" in tab_a.submit_message.value
    assert len(rows(exports)) == written
