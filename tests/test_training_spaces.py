"""A space per trainee: each sees only their own coachees, and empties only their own."""

from __future__ import annotations

import pytest

from tests.widget_tree import find_by_class, visible_text
from widgets.apps.home import build_home_app
from widgets.apps.prep import PrepApp
from widgets.paths import space_slug
from widgets.shell.context import (
    TrainingSpace,
    app_context,
    is_training_folder,
    space_dir,
    training_spaces,
)
from widgets.training.samples import load_samples


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("ana", "ana"),
        ("Ana María", "ana-maria"),
        ("  Team 3 / Room B ", "team-3-room-b"),
        ("../../etc", "etc"),
        ("...", ""),
        ("x" * 50, "x" * 32),
    ],
)
def test_a_typed_name_becomes_a_folder_safe_space(typed: str, slug: str):
    assert space_slug(typed) == slug


def test_the_space_in_the_link_picks_a_marked_folder_and_travels_in_every_link(training):
    context = app_context({"training": "1", "space": "Ana María"})
    assert context.space == "ana-maria" and not context.choose_space
    assert context.root == (training / "spaces" / "ana-maria").resolve()
    assert is_training_folder(context.root)
    link = context.link("meeting.ipynb", engagement="e-000000000001", meeting=1)
    assert link == "meeting.ipynb?engagement=e-000000000001&meeting=1&training=1&space=ana-maria"


def test_a_training_page_without_a_space_asks_for_one(training):
    page = build_home_app(params={"training": "1", "engagement": "e-000000000001"})
    text = visible_text(page)
    assert "Choose your training space" in text
    assert "name='space'" in text and "name='engagement' value='e-000000000001'" in text
    assert "kit-home-table" not in text  # no app, so nothing written to a shared folder


def test_nonsense_for_a_space_is_said_and_asked_again(training):
    page = build_home_app(params={"training": "1", "space": "!!!"})
    assert "has no letters or digits" in visible_text(page)


def test_two_spaces_see_only_their_own_coachees_and_reset_only_their_own(training):
    load_samples(space_dir("ana"))
    ben = PrepApp(params={"training": "1", "space": "ben"})
    ana = PrepApp(params={"training": "1", "space": "ana"})
    assert len(ana.picker.dropdown.options) == 6
    assert [label for label, _ in ben.picker.dropdown.options] == ["Choose an engagement…"]
    assert "Your space: <b>ben</b>" in visible_text(ben.widget)

    [reset] = find_by_class(ben.widget, "kit-action-reset-training")
    reset.click()
    assert "Empty your space “ben”?" in visible_text(ben.widget)
    [confirm] = find_by_class(ben.widget, "kit-action-confirm")
    confirm.click()
    assert "Emptied your space “ben”" in visible_text(ben.widget)
    again = PrepApp(params={"training": "1", "space": "ana"})
    assert len(again.picker.dropdown.options) == 6  # ana's coachees untouched


def test_the_trainer_sees_every_space_with_its_count(training):
    load_samples(space_dir("ana"))
    space_dir("ben")
    assert training_spaces() == [TrainingSpace("ana", 5), TrainingSpace("ben", 0)]
    page = build_home_app(params={"training": "1"})
    text = visible_text(page)
    assert "?training=1&amp;space=ana" in text and "5 coachees" in text and "0 coachees" in text


def test_space_names_that_could_leave_the_folder_are_refused(training):
    with pytest.raises(ValueError, match="not a training space name"):
        space_dir("../exports")


def test_a_workshop_is_one_command_serving_training_mode_to_the_room():
    import subprocess

    from widgets.paths import REPO_ROOT

    dry = subprocess.run(
        ["make", "-n", "workshop", "INSTALLED="], cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert "ALIGNMENT_KIT_TRAINING=1" in dry.stdout and "--ip=0.0.0.0" in dry.stdout
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert "make workshop" in readme and "space=ana" in readme
