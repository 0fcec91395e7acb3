"""The coachee's recap: only shareable lines, only ticked lines, nothing off limits."""

from __future__ import annotations

import base64
import re
from datetime import date
from pathlib import Path

import pytest

from widgets.apps.summary.documents import render_html, render_markdown
from widgets.apps.summary.lines import (
    SummarySources,
    off_limits_terms,
    summary_lines,
)
from widgets.apps.summary.view import SummaryView, build_summary_view
from widgets.instrument.rules import NEVER_SHAREABLE
from widgets.instrument.yaml_loading import load_instrument
from widgets.store.drafts import DraftStore
from widgets.store.records import Answer
from widgets.store.registry import EngagementRegistry
from widgets.store.responses import ResponseStore

INSTRUMENT = load_instrument()
DAY = date(2026, 10, 21)


def mark(item_id: str) -> str:
    """A text naming its item (dots, as Markdown escapes underscores), to spot a leak."""
    return f"MARK-{item_id.replace('_', '.')}-END"


def marks_in(text: str) -> set[str]:
    return {m.replace(".", "_") for m in re.findall(r"MARK-([a-z.]+)-END", text)}


def marked(form: str, meeting_number: int) -> dict[str, str]:
    """Every item of a form answered with its mark."""
    values = {}
    for section in INSTRUMENT.form(form).sections_for(meeting_number):
        for item in section.items_for(meeting_number):
            values[item.id] = mark(item.id)
    return values


def every_answer(meeting_number: int) -> SummarySources:
    prep = marked("prep", meeting_number)
    prep["asks"] = "priorities;support"
    debrief = marked("debrief", meeting_number)
    debrief.update(feeling="2", priorities_change="yes", go_deeper="not_sure")
    return SummarySources(
        prep=prep,
        meeting=marked("meeting", meeting_number),
        debrief=debrief,
        # Screened by word, so a topic of its own: the marks share "mark" and "end".
        off_limits=("the zebra crossing",),
    )


def produce(lines, meeting_number: int = 1) -> tuple[str, str]:
    kwargs = dict(first_name="Amira", meeting_number=meeting_number, produced_on=DAY)
    return render_markdown(lines=lines, **kwargs), render_html(lines=lines, **kwargs)


ALLOWED_1 = {
    "success",
    "asks_other",
    "strengths_best",
    "strengths_impact",
    "strengths_values",
    "strengths_superpower",
    "use_of_info",
    "priorities_note",
}
ALLOWED_2 = {
    "success",
    "asks_other",
    "followup_progress",
    "followup_changes",
    "followup_plan",
    "use_of_info",
    "priorities_note",
}


@pytest.mark.parametrize(("meeting_number", "allowed"), [(1, ALLOWED_1), (2, ALLOWED_2)])
def test_only_shareable_items_reach_the_recap(meeting_number: int, allowed: set[str]):
    lines, withheld = summary_lines(INSTRUMENT, meeting_number, every_answer(meeting_number))
    assert withheld == 0
    markdown, page = produce(lines, meeting_number)
    for text in (markdown, page):
        assert marks_in(text) == allowed
    # Asks appear by their labels, one line each; decisions in plain words.
    assert "Alignment on your coaching priorities" in markdown
    assert "How your manager can support you during coaching" in markdown
    assert "we decide together whether to go deeper" in markdown
    for secret in ("off_limits", "concerns", "perception", "mindset", "insights_blindspot"):
        assert mark(secret) not in markdown + page


def test_the_list_of_shared_items_never_names_a_confidential_one():
    named = {line.item for _heading, line in INSTRUMENT.summary.lines()}
    assert not named & NEVER_SHAREABLE
    assert not named & {"insights_blindspot", "stood_out_coachee", "feeling", "goals_notes"}


def test_a_line_mentioning_an_off_limits_topic_is_held_back():
    sources = SummarySources(
        prep={"success": "Clarity on my role", "off_limits": "Team restructuring\nmy health"},
        meeting={
            "strengths_best": "Handled the team  RESTRUCTURING calmly",
            "strengths_impact": "Customers trust her",
        },
        debrief={"use_of_info": "Ask about My Health days", "go_deeper": "yes"},
        off_limits=("Team restructuring\nmy health",),
    )
    lines, withheld = summary_lines(INSTRUMENT, 1, sources)
    assert withheld == 2
    markdown, page = produce(lines)
    for text in (markdown, page):
        assert "restructuring" not in text.casefold()
        assert "health" not in text.casefold()
        assert "Customers trust her" in text


def test_off_limits_terms_split_lines_and_skip_stop_words():
    assert off_limits_terms(["Team  restructuring\n; my health ;the\n", ""]) == (
        "restructuring team",
        "health",
    )


def test_a_shared_word_is_enough_and_only_that_line_of_an_answer_is_held_back():
    sources = SummarySources(
        prep={"success": "Clarity on my role"},
        meeting={
            "strengths_best": "Led the launch calmly\nHandled the divorce with grace",
            "strengths_impact": "Customers trust her",
        },
        debrief={},
        off_limits=("my Divorce",),
    )
    lines, withheld = summary_lines(INSTRUMENT, 1, sources)
    assert withheld == 1
    texts = {line.key: line.text for line in lines}
    assert texts["strengths_best"] == "Led the launch calmly"
    assert "divorce" not in " ".join(texts.values()).casefold()


def test_text_is_escaped_in_markdown_and_html():
    sources = SummarySources(
        prep={"success": "<script>alert(1)</script> & *bold* # not a heading"},
        meeting={"strengths_superpower": "Line one\nLine two"},
        debrief={},
    )
    lines, _ = summary_lines(INSTRUMENT, 1, sources)
    markdown, page = produce(lines)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Line one<br>Line two" in page
    assert "\\<script\\>" in markdown and "\\*bold\\*" in markdown
    assert "Line one  \n  Line two" in markdown
    assert page.startswith("<!doctype html>") and "@media print" in page
    assert "<link" not in page and "<script" not in page


def view_for(
    tmp_path: Path,
    sources: SummarySources,
    meeting_number: int = 1,
    drafts: DraftStore | None = None,
) -> SummaryView:
    lines, withheld = summary_lines(INSTRUMENT, meeting_number, sources)
    return SummaryView(
        lines=lines,
        withheld=withheld,
        first_name="Amira",
        engagement_id="e-0123456789ab",
        meeting_number=meeting_number,
        folder=tmp_path / "summaries",
        produced_on=DAY,
        drafts=drafts,
    )


def link_content(downloads_html: str, css_class: str) -> tuple[str, str]:
    match = re.search(
        rf"<a class='{css_class}' download='([^']+)' href='data:[^;]+;charset=utf-8;base64,"
        r"([A-Za-z0-9+/=]+)'",
        downloads_html,
    )
    assert match, downloads_html
    return match.group(1), base64.b64decode(match.group(2)).decode("utf-8")


def test_an_unticked_line_is_gone_from_both_downloads_and_the_copies(tmp_path: Path):
    view = view_for(tmp_path, every_answer(1))
    assert all(box.value for box in view.checkboxes.values())
    name, markdown = link_content(view.downloads.value, "kit-action-download-md")
    assert name == "summary-e-0123456789ab.md"
    assert mark("strengths_superpower") in markdown

    view.checkboxes["strengths_superpower"].value = False
    view.checkboxes["asks-support"].value = False
    _, markdown = link_content(view.downloads.value, "kit-action-download-md")
    name, page = link_content(view.downloads.value, "kit-action-download-html")
    assert name == "summary-e-0123456789ab.html"
    for text in (markdown, page):
        assert mark("strengths_superpower") not in text
        assert "support you during coaching" not in text
        assert mark("strengths_best") in text
    assert markdown == view.markdown()
    copies = tmp_path / "summaries"
    assert (copies / "summary-e-0123456789ab.md").read_text(encoding="utf-8") == markdown
    assert (copies / "summary-e-0123456789ab.html").read_text(encoding="utf-8") == page
    assert f"{len(view.lines) - 2} of {len(view.lines)}" in view.downloads.value


def test_every_line_has_a_tick_box_with_automation_hooks(tmp_path: Path):
    view = view_for(tmp_path, every_answer(2), meeting_number=2)
    assert "followup_progress" in view.checkboxes
    assert "strengths_best" not in view.checkboxes
    for key, box in view.checkboxes.items():
        assert "kit-summary-line" in box._dom_classes
        assert f"kit-summary-line-{key}" in box._dom_classes
    assert "summary-e-0123456789ab-m2.md" in view.downloads.value


def test_nothing_ticked_still_produces_an_honest_page(tmp_path: Path):
    view = view_for(tmp_path, every_answer(1))
    for box in view.checkboxes.values():
        box.value = False
    assert "Nothing was chosen for this recap." in view.markdown()
    assert "MARK-" not in view.markdown() + view.html()


def test_built_from_the_store_for_one_engagement_and_meeting(exports: Path):
    registry = EngagementRegistry(exports)
    amira = registry.create(first_name="Amira", start_date=date(2026, 9, 1))
    eid = amira.engagement_id
    store = ResponseStore(exports)

    def save(form: str, n: int, **values: str) -> None:
        store.submit(
            engagement_id=eid,
            form=form,
            meeting_number=n,
            answers=[Answer(form, k, "text", v) for k, v in values.items()],
            instrument_version=INSTRUMENT.version,
        )

    save("prep", 1, success="Old outcome", off_limits="The merger")
    save("prep", 1, success="Know how I am seen", off_limits="The merger")
    save("meeting", 1, strengths_best="Calm in the merger talks", strengths_impact="Mentoring")
    save("debrief", 1, use_of_info="Share with the team", go_deeper="yes")
    view = build_summary_view(
        root=exports,
        store=store,
        instrument=INSTRUMENT,
        engagement_id=eid,
        first_name="Amira",
        meeting_number=1,
        produced_on=DAY,
    )
    markdown = view.markdown()
    assert "Know how I am seen" in markdown and "Old outcome" not in markdown
    assert "Mentoring" in markdown and "merger" not in markdown.casefold()
    assert "1 line was held back" in view.notes.value
    assert (exports / "private" / "summaries" / f"summary-{eid}.md").exists()


def test_unticked_lines_stay_unticked_after_a_reload(tmp_path: Path):
    drafts = DraftStore(tmp_path)
    view = view_for(tmp_path, every_answer(1), drafts=drafts)
    view.checkboxes["strengths_superpower"].value = False
    view.checkboxes["asks-support"].value = False
    view.checkboxes["asks-support"].value = True  # changed their mind

    reopened = view_for(tmp_path, every_answer(1), drafts=drafts)
    assert reopened.checkboxes["strengths_superpower"].value is False
    assert reopened.checkboxes["asks-support"].value is True
    assert mark("strengths_superpower") not in reopened.markdown()
    assert f"{len(reopened.lines) - 1} of {len(reopened.lines)}" in reopened.downloads.value
    # The other meeting's recap keeps its own choices.
    assert all(
        box.value for box in view_for(tmp_path, every_answer(2), 2, drafts).checkboxes.values()
    )


def test_a_line_added_since_starts_ticked(tmp_path: Path):
    drafts = DraftStore(tmp_path)
    without = SummarySources(prep=every_answer(1).prep, meeting={}, debrief={})
    view_for(tmp_path, without, drafts=drafts).checkboxes["success"].value = False
    reopened = view_for(tmp_path, every_answer(1), drafts=drafts)
    assert reopened.checkboxes["success"].value is False
    assert reopened.checkboxes["strengths_superpower"].value is True


def test_choices_that_cannot_be_remembered_are_said_and_the_downloads_still_follow(
    tmp_path: Path,
):
    drafts = DraftStore(tmp_path)
    view = view_for(tmp_path, every_answer(1), drafts=drafts)
    drafts.folder.mkdir(parents=True)
    (drafts.folder / "e-0123456789ab").write_text("a file where the folder should be")
    view.checkboxes["strengths_superpower"].value = False
    assert "Could not remember these choices" in view.downloads.value
    assert mark("strengths_superpower") not in view.markdown()
