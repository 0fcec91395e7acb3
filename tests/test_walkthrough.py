"""The guided tour: one coachee through every step, links into the same space, seeded once."""

from __future__ import annotations

import gc

import pytest

from tests.widget_tree import find_by_class, visible_text
from widgets.shell.context import app_context
from widgets.store.registry import EngagementRegistry
from widgets.training.samples import TOUR_STAGE, saved_samples
from widgets.training.walkthrough import STEPS, Walkthrough, build_walkthrough


@pytest.fixture
def no_program(monkeypatch: pytest.MonkeyPatch):
    """The made-up program for the analysis step takes long to write; not needed here."""
    monkeypatch.setattr("widgets.training.walkthrough._write_tour_program", lambda root: None)


def open_tour(space: str = "presenter") -> Walkthrough:
    context = app_context({"training": "1", "space": space})
    return Walkthrough(context)


def test_every_step_links_to_the_same_coachee_in_the_same_space(training, no_program):
    tour = open_tour()
    coachee = tour.samples[TOUR_STAGE]
    name = EngagementRegistry(tour.root).get(coachee).first_name
    for step in STEPS[1:-1]:
        link = tour.link(step)
        assert f"engagement={coachee}" in link and "training=1&space=presenter" in link
        tour.chooser.value = step.key
        shown = visible_text(tour.step_box)
        assert name in shown, step.key
        assert "not in this kit" not in shown and "could not open" not in shown
    assert tour.link(STEPS[0]) == "home.ipynb?training=1&space=presenter"


def test_the_off_limits_topic_is_named_in_prep_and_absent_from_the_meeting(training, no_program):
    tour = open_tour()
    off_limits = tour._off_limits()
    assert off_limits  # the tour's coachee has one, by construction
    tour.chooser.value = "prep"
    typed = [field.value for field in find_by_class(tour._built["prep"], "kit-prep-off_limits")]
    assert off_limits in typed  # the prep shows it, as the coachee typed it
    tour.chooser.value = "meeting"
    meeting_screen = visible_text(tour._built["meeting"].children[1])
    assert off_limits not in meeting_screen and "Meeting with" in meeting_screen


def test_the_tour_is_seeded_once_and_a_second_viewer_changes_nothing(training, no_program):
    first = open_tour()
    before = saved_samples(first.root)
    registry = (first.root / "private" / "engagements.csv").read_bytes()
    second = open_tour()
    assert saved_samples(second.root) == before
    assert (first.root / "private" / "engagements.csv").read_bytes() == registry


def test_controls_appear_once_and_the_page_defaults_to_the_tour_space(training, no_program):
    page = build_walkthrough(params={})
    [tour] = [o for o in gc.get_objects() if isinstance(o, Walkthrough) and o.widget is page]
    assert tour.context.space == "tour"
    for step in STEPS[:-1]:
        tour.chooser.value = step.key
    text = visible_text(tour.widget) + "".join(visible_text(b) for b in tour._built.values())
    assert text.count("Load sample engagements") == 1
