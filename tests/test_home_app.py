"""The home page without a browser: statuses, links, search, filters, creating."""

from __future__ import annotations

import html
import re
import time
from datetime import date
from pathlib import Path

from widgets.apps.home import HomeApp, build_home_app
from widgets.paths import mark_training_folder
from widgets.store.drafts import DraftStore
from widgets.store.records import Answer
from widgets.store.registry import EngagementRegistry
from widgets.store.responses import ResponseStore


def save(root: Path, eid: str, form: str, n: int = 1, **values: str) -> None:
    ResponseStore(root).submit(
        engagement_id=eid,
        form=form,
        meeting_number=n,
        answers=[Answer(form, k, "text", v) for k, v in values.items()],
        instrument_version="1.0.0",
    )


def row_of(app: HomeApp, eid: str) -> str:
    match = re.search(
        rf"<tr class='kit-home-row' data-engagement='{eid}'>.*?</tr>", app.table.value
    )
    assert match, app.table.value
    return match.group(0)


def cell(row: str, step: str) -> str:
    match = re.search(rf"<td class='kit-step [^']*kit-step-{step}( [^']*)?'[^>]*>.*?</td>", row)
    assert match, row
    return match.group(0)


def shown_ids(app: HomeApp) -> list[str]:
    return re.findall(r"data-engagement='(e-[0-9a-f]{12})'", app.table.value)


def everything_shown(widget) -> str:
    """Every value, label and option text in a widget tree."""
    parts = [str(getattr(widget, name, "")) for name in ("value", "description", "placeholder")]
    parts += [str(option) for option in getattr(widget, "options", ())]
    for child in getattr(widget, "children", ()):
        parts.append(everything_shown(child))
    return "\n".join(parts)


def test_empty_home_invites_the_first_engagement(exports: Path):
    app = HomeApp(root=exports)
    assert "No engagements yet" in app.count.value
    assert "Each engagement you create gets a row here" in app.table.value
    assert "No engagement matches" not in app.table.value


def test_creating_an_engagement_here_adds_its_row(exports: Path):
    app = HomeApp(root=exports)
    inputs = app.picker.inputs
    inputs["first_name"].value = "Amira"
    inputs["program"].value = "Leaders 2026"
    inputs["cohort"].value = "B"
    inputs["start_date"].value = date(2026, 9, 1)
    app.search.value = "nobody"
    app.picker.create_button.click()
    assert "Created an engagement for Amira." in app.picker.message.value
    (eid,) = shown_ids(app)
    assert eid not in app.picker.message.value  # an ID means nothing to a coachee
    assert app.search.value == ""
    row = row_of(app, eid)
    assert "Amira" in row and "Leaders 2026 · B" in row
    shown = re.sub(r"<[^>]+>", " ", row)  # what is read on screen, links' targets aside
    assert eid not in shown
    assert "not started" in cell(row, "checklist")
    assert "kit-step-next" in cell(row, "checklist")
    assert app.picker.dropdown not in app.picker.chooser.children  # home creates only


def test_create_refuses_missing_fields_and_adds_nothing(exports: Path):
    app = HomeApp(root=exports)
    app.picker.inputs["program"].value = "Leaders"
    app.picker.create_button.click()
    assert "first name: required" in app.picker.message.value
    assert shown_ids(app) == []


def test_create_refuses_a_start_date_that_is_surely_mistyped(exports: Path):
    app = HomeApp(root=exports)
    app.picker.inputs["first_name"].value = "Amira"
    app.picker.inputs["start_date"].value = date(1900, 1, 1)
    app.picker.create_button.click()
    assert "01 Jan 1900 looks mistyped" in app.picker.message.value
    assert shown_ids(app) == []
    assert app.picker.inputs["first_name"].value == "Amira"  # nothing typed is lost
    app.picker.inputs["start_date"].value = date.today()
    app.picker.create_button.click()
    assert len(shown_ids(app)) == 1


def test_each_step_links_to_its_page_for_that_engagement(exports: Path):
    eid = EngagementRegistry(exports).create(first_name="Noor", start_date=date(2026, 9, 1))
    eid_text = eid.engagement_id
    row = row_of(HomeApp(root=exports), eid_text)
    expected = {
        "checklist": f"prep.ipynb?engagement={eid_text}&meeting=1",
        "prep": f"prep.ipynb?engagement={eid_text}&meeting=1",
        "meeting-1": f"meeting.ipynb?engagement={eid_text}&meeting=1",
        "debrief-1": f"debrief.ipynb?engagement={eid_text}&meeting=1",
        "prep-2": f"prep.ipynb?engagement={eid_text}&meeting=2",
        "meeting-2": f"meeting.ipynb?engagement={eid_text}&meeting=2",
        "debrief-2": f"debrief.ipynb?engagement={eid_text}&meeting=2",
    }
    for step, link in expected.items():
        found = re.search(rf"<a class='kit-action-open-{step}' href='([^']+)'", row)
        assert found and html.unescape(found.group(1)) == link


def test_training_mode_links_stay_in_training(tmp_path: Path):
    training = tmp_path / "training"
    training.mkdir()
    mark_training_folder(training)  # as the kit does when it sets a training folder up
    eid = EngagementRegistry(training).create(first_name="Test", start_date=date(2026, 9, 1))
    app = HomeApp(root=training, params={"training": "1"})
    row = html.unescape(row_of(app, eid.engagement_id))
    assert "debrief.ipynb?engagement=" in row and "&meeting=1&training=1" in row


def test_statuses_drafts_revisions_timing_and_summary_link(exports: Path):
    registry = EngagementRegistry(exports)
    eid = registry.create(first_name="Amira", start_date=date(2026, 9, 1)).engagement_id
    save(exports, eid, "checklist", meeting_date="2026-12-10")
    save(exports, eid, "prep", success="SECRET OUTCOME", off_limits="SECRET TOPIC")
    save(exports, eid, "prep", success="SECRET OUTCOME 2")
    save(exports, eid, "meeting", strengths_best="SECRET NOTE")
    save(exports, eid, "debrief", go_deeper="yes")
    DraftStore(exports).save(eid, "debrief-2", {"debrief": {"feeling": "3"}})
    app = HomeApp(root=exports)
    row = row_of(app, eid)
    assert ">done<" in cell(row, "checklist")
    assert ">done<" in cell(row, "prep")
    assert ">done<" in cell(row, "meeting-1")
    assert "rev" not in row
    assert "kit-action-open-summary-1" in cell(row, "debrief-1")
    assert "not started" in cell(row, "prep-2") and "kit-step-next" in cell(row, "prep-2")
    assert "in progress" in cell(row, "debrief-2")
    assert "kit-timing-late" in row and "later than the window" in row
    assert "Meeting 1 planned 10 Dec 2026" in row
    # What the coachee said never reaches a screen that may be shared.
    assert "SECRET" not in everything_shown(app.widget)


def test_search_and_filters_find_one_of_many_quickly(exports: Path):
    registry = EngagementRegistry(exports)
    names = ["Amira", "Noor", "Tomás", "Kai", "Lena", "Ravi", "Sofia", "Jon", "Mei"]
    ids = []
    for index in range(45):
        engagement = registry.create(
            first_name=f"{names[index % len(names)]}{index}",
            start_date=date(2026, 9, 1),
            program=["Leaders 2026", "New managers"][index % 2],
            cohort=f"C{index % 3}",
        )
        ids.append(engagement.engagement_id)
        if index % 4 == 0:
            save(exports, engagement.engagement_id, "checklist", meeting_date="2026-10-14")
            save(exports, engagement.engagement_id, "prep", success="x")
    started = time.perf_counter()
    app = HomeApp(root=exports)
    assert time.perf_counter() - started < 5
    assert "Showing 45 of 45" in app.count.value

    started = time.perf_counter()
    app.search.value = "tomás11"
    assert time.perf_counter() - started < 0.5
    assert shown_ids(app) == [ids[11]]
    app.search.value = "TOMÁS"
    assert len(shown_ids(app)) == 5
    app.search.value = ids[7]
    assert shown_ids(app) == [ids[7]]
    app.search.value = ""

    app.program.value = "New managers"
    assert len(shown_ids(app)) == 22
    assert [label for label, _ in app.cohort.options] == ["All cohorts", "C0", "C1", "C2"]
    app.cohort.value = "C1"
    assert set(shown_ids(app)) == {ids[i] for i in range(45) if i % 2 == 1 and i % 3 == 1}
    app.search.value = "leaders"
    assert shown_ids(app) == [] and "No engagement matches" in app.table.value
    assert "Showing 0 of 45" in app.count.value


def test_refresh_picks_up_work_saved_in_another_tab(exports: Path):
    eid = EngagementRegistry(exports).create(first_name="Kai", start_date=date(2026, 9, 1))
    app = HomeApp(root=exports)
    assert "not started" in cell(row_of(app, eid.engagement_id), "debrief-1")
    save(exports, eid.engagement_id, "debrief", go_deeper="no")
    app.refresh_button.click()
    assert ">done<" in cell(row_of(app, eid.engagement_id), "debrief-1")


def test_a_broken_program_window_is_reported_and_the_default_used(exports: Path):
    (exports / "program.yaml").write_text("recommended_window: [", encoding="utf-8")
    app = HomeApp(root=exports)
    assert "not valid YAML" in app.message.value


def test_build_home_app_returns_the_widget(exports: Path):
    assert "kit-home-app" in build_home_app(root=exports, params={})._dom_classes
