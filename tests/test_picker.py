"""The engagement picker speaks through one public method, and links go through it."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as w
import pytest

from widgets.shell.picker import EngagementPicker, meeting_number_toggle, open_from_link
from widgets.store.registry import EngagementRegistry


@pytest.fixture
def picker(exports: Path) -> EngagementPicker:
    return EngagementPicker(EngagementRegistry(exports))


def test_say_ok_is_polite_and_error_is_announced(picker: EngagementPicker):
    picker.say("Created <b>it</b>.")
    assert picker.message.value == (
        "<div class='kit-notice kit-notice-ok'>Created &lt;b&gt;it&lt;/b&gt;.</div>"
    )
    picker.say("Not created.", "error")
    assert picker.message.value == (
        "<div class='kit-notice kit-notice-error' role='alert'>Not created.</div>"
    )


def test_say_names_the_kinds_it_knows(picker: EngagementPicker):
    with pytest.raises(ValueError, match="'warning' is not one of ok, error"):
        picker.say("?", "warning")


def test_a_bad_meeting_number_in_a_link_is_said_under_the_picker(picker: EngagementPicker):
    toggle: w.ToggleButtons = meeting_number_toggle("Meeting", "prep")
    assert not open_from_link(picker, toggle, {"meeting": "7"})
    assert "Meeting number &#x27;7&#x27; is not 1 or 2." in picker.message.value
    assert "role='alert'" in picker.message.value
    assert toggle.value == 1


def test_the_picker_shows_no_ids_and_tells_same_names_apart(exports: Path) -> None:
    from datetime import date, datetime, timedelta, timezone

    moments = iter(
        datetime(2026, 9, 1, 9, tzinfo=timezone.utc) + timedelta(minutes=m) for m in (0, 5)
    )
    registry = EngagementRegistry(exports, clock=lambda: next(moments))
    first = registry.create(first_name="Noor", program="Leaders", start_date=date(2026, 9, 1))
    second = registry.create(first_name="Noor", program="Leaders", start_date=date(2026, 9, 1))
    picker = EngagementPicker(registry)
    options = [(label, value) for label, value in picker.dropdown.options if value]
    assert [value for _label, value in options] == [second.engagement_id, first.engagement_id]
    labels = {value: label for label, value in options}
    assert labels[first.engagement_id] == "Noor · Leaders · started 1 Sep 2026"
    assert labels[second.engagement_id] == "Noor · Leaders · started 1 Sep 2026 (2)"
    assert not any(engagement_id in label for label in labels.values() for engagement_id in labels)
