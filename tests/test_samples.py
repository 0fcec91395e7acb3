"""Sample engagements load into training mode at the stages a trainer needs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.widget_tree import find_by_class, visible_text
from widgets.apps.journey import engagement_status
from widgets.apps.meeting.app import MeetingApp
from widgets.apps.prep import PrepApp
from widgets.shell.context import training_dir
from widgets.store.drafts import DraftStore
from widgets.store.responses import ResponseStore
from widgets.training.samples import SAMPLE_STAGES, load_samples


@pytest.fixture
def training(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exports: Path) -> Path:
    monkeypatch.setenv("ALIGNMENT_KIT_TRAINING_DIR", str(tmp_path / "training"))
    return training_dir()


def test_one_sample_per_stage_with_the_right_steps_done(training: Path):
    samples = load_samples(training)
    assert [s.stage for s in samples] == list(SAMPLE_STAGES)
    assert len({s.engagement.first_name for s in samples}) == len(samples)
    store, drafts = ResponseStore(training), DraftStore(training)
    done = {
        s.stage: {
            st.step.key
            for st in engagement_status(s.engagement, store, drafts).steps
            if st.state == "done"
        }
        for s in samples
    }
    assert done["checklist"] == {"checklist"}
    assert done["prepared"] == {"checklist", "prep"}
    assert done["meeting_live"] == {"checklist", "prep"}
    assert done["debriefed"] == {"checklist", "prep", "meeting-1", "debrief-1"}
    assert done["second_meeting"] == {
        "checklist",
        "prep",
        "meeting-1",
        "debrief-1",
        "prep-2",
        "meeting-2",
        "debrief-2",
    }


def test_the_live_sample_meeting_resumes_half_way_with_its_clock_running(training: Path):
    live = next(s for s in load_samples(training) if s.stage == "meeting_live")
    app = MeetingApp(
        root=training, params={"engagement": live.engagement.engagement_id, "meeting": "1"}
    )
    try:
        assert app.timer is not None and app.timer.in_progress
        assert app.timer.current is not None and app.timer.current.id == "strengths"
        assert 13 * 60 < app.timer.elapsed() < 16 * 60
        assert "calm under pressure" in app.prompt("strengths_best").notes()
    finally:
        app.close()


def test_samples_are_refused_outside_a_training_folder(exports: Path):
    with pytest.raises(RuntimeError, match="not a training folder"):
        load_samples(exports)
    assert not (exports / "responses.csv").exists()


def click(app_widget, css_class: str) -> None:
    [button] = find_by_class(app_widget, css_class)
    button.click()


def test_load_in_the_banner_replaces_the_samples_and_reset_asks_first(training: Path):
    app = PrepApp(params={"training": "1"})
    click(app.widget, "kit-action-load-samples")  # an empty folder: loaded at once
    assert "Loaded 5 sample engagements" in visible_text(app.widget)
    first = [label for label, _ in app.picker.dropdown.options]
    assert len(first) == 6  # the prompt line plus five samples

    click(app.widget, "kit-action-load-samples")  # again: asks, then replaces
    assert "Replace everything" in visible_text(app.widget)
    click(app.widget, "kit-action-confirm")
    again = [label for label, _ in app.picker.dropdown.options]
    assert len(again) == 6 and {n.split(" ·")[0] for n in again} == {
        n.split(" ·")[0] for n in first
    }

    click(app.widget, "kit-action-reset-training")
    click(app.widget, "kit-action-cancel")  # a stray click changes nothing
    assert "Nothing was changed" in visible_text(app.widget)
    assert len(app.picker.dropdown.options) == 6
    click(app.widget, "kit-action-reset-training")
    click(app.widget, "kit-action-confirm")
    assert [label for label, _ in app.picker.dropdown.options] == ["Choose an engagement…"]


def test_samples_are_dated_around_the_day_they_are_loaded(training: Path):
    from datetime import datetime, timedelta, timezone

    from widgets.store.registry import EngagementRegistry

    loaded = datetime(2031, 5, 14, 9, 30, tzinfo=timezone.utc)
    samples = {s.stage: s for s in load_samples(training, clock=lambda: loaded)}
    rows = ResponseStore(training).read_rows()
    for stage, sample in samples.items():
        eid = sample.engagement.engagement_id
        stamps = [r["recorded_at"][:10] for r in rows if r["engagement_id"] == eid]
        assert max(stamps) <= "2031-05-14" and min(stamps) >= "2030-06-01", stage
    live = samples["meeting_live"].engagement.engagement_id
    dates = [
        r["value"] for r in rows if r["engagement_id"] == live and r["item_id"] == "meeting_date"
    ]
    assert dates == ["2031-05-14"]  # the meeting under way is today's
    starts = {e.engagement_id: e.start_date for e in EngagementRegistry(training).all()}
    assert starts[live] > loaded.date() - timedelta(days=130)


def test_a_live_sample_meeting_is_written_as_the_meeting_draft_and_nothing_else(training: Path):
    from widgets.store.registry import EngagementRegistry
    from widgets.training.samples import start_live_meeting

    created = EngagementRegistry(training).create(first_name="Sam", start_date=date(2026, 9, 1))
    start_live_meeting(training, created.engagement_id, minutes_ago=5)
    drafts = [p.relative_to(training) for p in (training / "private" / "drafts").rglob("*.json")]
    assert drafts == [Path("private", "drafts", created.engagement_id, "meeting-1.json")]
    assert not (training / "responses.csv").exists()  # a draft, never a saved answer
    app = MeetingApp(root=training, params={"engagement": created.engagement_id})
    try:
        assert app.timer is not None and app.timer.in_progress
        assert 4 * 60 < app.timer.elapsed() < 6 * 60
        # No prep saved: the goal-alignment part is skipped, as in a real meeting.
        assert [s.id for s in app.timer.sections if s.skipped] == ["goals"]
    finally:
        app.close()


def test_a_live_sample_meeting_is_refused_outside_a_training_folder(exports: Path):
    from widgets.training.samples import start_live_meeting

    with pytest.raises(RuntimeError, match="not a training folder"):
        start_live_meeting(exports, "e-000000000001")
    assert not (exports / "private").exists()
