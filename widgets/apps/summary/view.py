"""The recap on screen: a tick box per offered line, downloads that follow the ticks.

The coachee goes through the recap with the coach after the debrief and unticks
whatever they do not want in it; what downloads is always exactly what is ticked.
Which lines are offered, and why most of a meeting never is, is
:mod:`widgets.apps.summary.lines`; the files are :mod:`widgets.apps.summary.documents`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import ipywidgets as w

from widgets.apps.summary.documents import data_link, keep_copies, render_html, render_markdown
from widgets.apps.summary.lines import SummaryLine, load_sources, summary_lines
from widgets.instrument.instrument import Instrument
from widgets.paths import private_dir
from widgets.shell.ui_text import counted
from widgets.store.drafts import DraftStore
from widgets.store.responses import ResponseStore

__all__ = ["SummaryView", "build_summary_view"]


class SummaryView:
    """Tick boxes for the offered lines, download links, and private copies.

    The links and copies are regenerated on every tick change, so what downloads is
    always exactly what is ticked on screen. With ``drafts``, the lines the coachee
    unticked are remembered (by line key), so a reload or a later visit offers the
    recap as they left it; a line added since starts ticked.
    """

    def __init__(
        self,
        *,
        lines: Iterable[SummaryLine],
        withheld: int,
        first_name: str,
        engagement_id: str,
        meeting_number: int,
        folder: Path,
        produced_on: date,
        drafts: DraftStore | None = None,
    ):
        self.lines = tuple(lines)
        self.first_name = first_name
        self.engagement_id = engagement_id
        self.meeting_number = meeting_number
        self.folder = folder
        self.produced_on = produced_on
        suffix = "" if meeting_number == 1 else f"-m{meeting_number}"
        self.basename = f"summary-{engagement_id}{suffix}"
        self._drafts = drafts
        self._draft_key = f"summary-{meeting_number}"
        self._remember_problem = ""
        unticked = self._unticked_before()
        self.checkboxes: dict[str, w.Checkbox] = {}
        rows: list[w.Widget] = []
        heading = None
        for line in self.lines:
            if line.heading != heading:
                heading = line.heading
                rows.append(w.HTML(f"<h4 class='kit-summary-heading'>{html.escape(heading)}</h4>"))
            box = w.Checkbox(
                value=line.key not in unticked,
                description=line.plain(),
                indent=False,
                layout=w.Layout(width="100%"),
            )
            box.add_class("kit-summary-line")
            box.add_class(f"kit-summary-line-{line.key}")
            box.observe(self._ticked, names="value")
            self.checkboxes[line.key] = box
            rows.append(box)
        notes = []
        if not self.lines:
            notes.append("Nothing shareable was saved yet for this meeting.")
        if withheld:
            notes.append(
                f"{counted(withheld, 'line')} {'was' if withheld == 1 else 'were'} held back "
                "as touching a topic the coachee set as off limits."
            )
        self.notes = w.HTML(
            "".join(f"<p class='kit-summary-note'>{html.escape(n)}</p>" for n in notes)
        )
        self.downloads = w.HTML()
        self.downloads.add_class("kit-summary-downloads")
        self.widget = w.VBox(
            [
                w.HTML(
                    "<h3 class='kit-section-title'>Summary for the coachee</h3>"
                    "<p class='kit-intro'>Go through it together. Untick anything the coachee "
                    "does not want in the recap, then download it.</p>"
                ),
                self.notes,
                w.VBox(rows),
                self.downloads,
            ]
        )
        self.widget.add_class("kit-summary")
        self.refresh()

    def _unticked_before(self) -> set[str]:
        saved = self._drafts.load(self.engagement_id, self._draft_key) if self._drafts else None
        if saved is None:
            return set()
        keys = saved[1].get("unticked", [])
        return {str(key) for key in keys} if isinstance(keys, list) else set()

    def _ticked(self, _change: object) -> None:
        if self._drafts is not None:
            unticked = [key for key, box in self.checkboxes.items() if not box.value]
            try:
                self._drafts.save(self.engagement_id, self._draft_key, {"unticked": unticked})
                self._remember_problem = ""
            except OSError as exc:
                self._remember_problem = (
                    f"Could not remember these choices for next time ({exc}); "
                    "the downloads below follow what is ticked."
                )
        self.refresh()

    def chosen(self) -> list[SummaryLine]:
        return [line for line in self.lines if self.checkboxes[line.key].value]

    def markdown(self) -> str:
        return render_markdown(
            first_name=self.first_name,
            meeting_number=self.meeting_number,
            lines=self.chosen(),
            produced_on=self.produced_on,
        )

    def html(self) -> str:
        return render_html(
            first_name=self.first_name,
            meeting_number=self.meeting_number,
            lines=self.chosen(),
            produced_on=self.produced_on,
        )

    def refresh(self) -> None:
        """Rebuild both downloads from the ticked lines and keep private copies."""
        markdown, page = self.markdown(), self.html()
        saved = keep_copies(self.folder, self.basename, markdown=markdown, page=page)
        md_link = data_link(
            markdown,
            mime="text/markdown",
            filename=f"{self.basename}.md",
            css_class="kit-action-download-md",
            text="Download as Markdown",
        )
        html_link = data_link(
            page,
            mime="text/html",
            filename=f"{self.basename}.html",
            css_class="kit-action-download-html",
            text="Download printable page (HTML)",
        )
        count = len(self.chosen())
        problem = (
            f"<p class='kit-notice kit-notice-error' role='alert'>"
            f"{html.escape(self._remember_problem)}</p>"
            if self._remember_problem
            else ""
        )
        self.downloads.value = (
            f"<div class='kit-summary-links'>{md_link} {html_link}</div>"
            f"<p class='kit-summary-note'>{count} of {counted(len(self.lines), 'line')} included. "
            f"{html.escape(saved)}</p>{problem}"
        )


def build_summary_view(
    *,
    root: Path,
    store: ResponseStore,
    instrument: Instrument,
    engagement_id: str,
    first_name: str,
    meeting_number: int,
    produced_on: date | None = None,
) -> SummaryView:
    """Read what was saved for that meeting and offer the shareable lines."""
    sources = load_sources(store, engagement_id, meeting_number)
    lines, withheld = summary_lines(instrument, meeting_number, sources)
    return SummaryView(
        lines=lines,
        withheld=withheld,
        first_name=first_name,
        engagement_id=engagement_id,
        meeting_number=meeting_number,
        folder=private_dir(root) / "summaries",
        produced_on=produced_on or date.today(),
        drafts=DraftStore(root),
    )
