"""Training mode keeps made-up engagements away from real program data."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from tests.form_answers import fill_remaining_required
from tests.widget_tree import visible_text
from widgets.apps.prep import PrepApp
from widgets.shell.context import (
    TRAINING_MARKER,
    app_context,
    is_training_folder,
    reset_training,
    training_dir,
)


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_query_parameter_switches_the_page_to_the_training_folder(exports, training):
    assert app_context({}).root == exports
    context = app_context({"training": "1"})
    assert context.training and context.root == training.resolve()
    assert is_training_folder(training)
    assert context.link("debrief.ipynb", engagement="e-000000000001", meeting=1) == (
        "debrief.ipynb?engagement=e-000000000001&meeting=1&training=1"
    )


def test_server_wide_training_mode_from_the_environment(exports, training, monkeypatch):
    monkeypatch.setenv("ALIGNMENT_KIT_TRAINING", "1")
    assert app_context({}).training
    assert app_context({}).root == training.resolve()


def test_training_submissions_never_touch_real_exports(exports, training):
    real = PrepApp(root=exports, params={})  # real data present before training starts
    real.picker.inputs["first_name"].value = "Real Person"
    real.picker.inputs["start_date"].value = date(2026, 9, 1)
    real.picker.create_button.click()
    before = tree_digest(exports)

    app = PrepApp(params={"training": "1"})
    assert "Training mode" in visible_text(app.widget)
    assert "Training mode" not in visible_text(real.widget)
    app.picker.inputs["first_name"].value = "Sample Sam"
    app.picker.inputs["start_date"].value = date(2026, 9, 1)
    app.picker.create_button.click()
    views = app.views
    views["checklist"].fields["meeting_date"].set_value("2026-10-10")
    views["prep"].fields["success"].set_value("Made-up outcome")
    views["prep"].fields["asks"].set_value("feedback")
    for item, value in {
        "opening_lead": "coach",
        "closing_lead": "coach",
        "goal_alignment_ok": "no",
        "text_consent": "yes",
    }.items():
        views["prep"].fields[item].set_value(value)
    fill_remaining_required(*views.values())
    assert app.submit()
    assert (training / "responses.csv").exists()
    assert tree_digest(exports) == before
    assert "Sample Sam" not in (exports / "private" / "engagements.csv").read_text()


def test_reset_empties_training_data_only(exports, training):
    root = training_dir()
    (root / "responses.csv").write_text("x\n")
    (root / "private").mkdir()
    (root / "private" / "engagements.csv").write_text("y\n")
    reset_training(root)
    assert [p.name for p in root.iterdir()] == [TRAINING_MARKER]
    (exports / "responses.csv").write_text("real\n")
    with pytest.raises(RuntimeError, match="not a training folder"):
        reset_training(exports)
    assert (exports / "responses.csv").read_text() == "real\n"


def test_training_folder_may_not_be_the_real_exports(exports, monkeypatch):
    monkeypatch.setenv("ALIGNMENT_KIT_TRAINING_DIR", str(exports))
    with pytest.raises(RuntimeError, match="real exports folder"):
        training_dir()


def test_analysis_in_training_mode_reads_only_training_data(exports, training):
    from widgets.analysis.dashboard import build_analysis_app
    from widgets.training.demo import write_program

    write_program(exports, 3, seed=5)  # real data present
    real = build_analysis_app(params={})
    assert not real.data.synthetic and len(real.data.sessions) > 0
    assert "Training mode" not in visible_text(real)
    practice = build_analysis_app(params={"training": "1"})
    assert "Training mode" in visible_text(practice)
    assert practice.data.synthetic  # the training folder is empty: no real sessions shown
    real_ids = set(real.data.sessions["engagement_id"])
    assert not real_ids & set(practice.data.sessions["engagement_id"])


def test_reset_refuses_a_marked_folder_that_holds_the_real_exports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = tmp_path / "kit-data"
    exports = parent / "exports"
    exports.mkdir(parents=True)
    (exports / "responses.csv").write_text("real\n")
    monkeypatch.setenv("ALIGNMENT_KIT_EXPORTS", str(exports))
    (parent / TRAINING_MARKER).write_text("marked by hand\n")
    before = tree_digest(parent)

    with pytest.raises(RuntimeError, match="contains, the real exports") as refused:
        reset_training(parent)

    assert "ALIGNMENT_KIT_TRAINING_DIR" in str(refused.value)
    assert tree_digest(parent) == before


def test_the_training_folder_cannot_be_set_to_a_parent_of_the_exports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = tmp_path / "kit-data"
    exports = parent / "exports"
    exports.mkdir(parents=True)
    (exports / "responses.csv").write_text("real\n")
    monkeypatch.setenv("ALIGNMENT_KIT_EXPORTS", str(exports))
    monkeypatch.setenv("ALIGNMENT_KIT_TRAINING_DIR", str(parent))

    with pytest.raises(RuntimeError, match="already holds files") as refused:
        training_dir()

    assert "new or empty folder" in str(refused.value)
    assert not is_training_folder(parent)
    assert (exports / "responses.csv").read_text() == "real\n"


def test_reset_refuses_an_unmarked_folder_and_one_holding_other_files(
    exports: Path, training: Path
) -> None:
    unmarked = training.parent / "someones-notes"
    unmarked.mkdir()
    (unmarked / "responses.csv").write_text("theirs\n")
    with pytest.raises(RuntimeError, match="not a training folder") as refused:
        reset_training(unmarked)
    assert "nothing was deleted" in str(refused.value)
    assert (unmarked / "responses.csv").read_text() == "theirs\n"

    root = training_dir()
    (root / "responses.csv").write_text("made up\n")
    (root / "thesis.docx").write_text("not the kit's\n")
    before = tree_digest(root)
    with pytest.raises(RuntimeError, match="thesis.docx") as refused:
        reset_training(root)
    assert "Move those files out" in str(refused.value)
    assert tree_digest(root) == before
