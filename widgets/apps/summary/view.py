"""The one-page recap the coachee approves after a debrief.

Coaching is confidential, so the recap is built from an explicit list of items that are
meant to be shared, never from "everything except the private ones": a new item added to
the instrument stays out until someone decides it belongs here. What goes in:

* from the prep of that meeting: what success looks like (``success``), the asks of the
  manager (``asks``, one line per ask, by its label) and ``asks_other``;
* from the meeting: the strengths the manager described (meeting 1, the strengths
  prompts) or, in a second meeting, the progress, changes and plan the manager described
  (``followup_progress``, ``followup_changes``, ``followup_plan``);
* from the debrief, the agreed next steps: ``use_of_info``, the decision on coaching
  priorities with ``priorities_note``, and ``go_deeper``.

Left out on purpose, even though some were said in the room:

* ``off_limits``, ``concerns``, ``concern_plan``, ``perception``, ``mindset``,
  ``text_consent`` (private by nature, see ``NEVER_SHAREABLE``);
* the deeper insights (``insights_*``), in particular ``insights_blindspot``: what the
  coachee does not see about themself is material for a coaching conversation, not for
  a page that may be forwarded; ``goals_notes`` likewise;
* ``followup_challenges``: issues to clear up can name people or conflicts;
* the debrief's pulse (``feeling``, ``feeling_note``) and what stood out to each of
  them (``stood_out_*``): the coachee's first reactions, said in confidence.

As a last guard, a line that repeats an off-limits topic the coachee named in prep (any
line of ``off_limits``, meeting 1 or 2) is held back and never offered. The coachee can
then untick any offered line; only ticked lines reach the Markdown and HTML downloads
and the copies kept under ``<root>/private/summaries/``.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import ipywidgets as w

from widgets.instrument.model import NEVER_SHAREABLE, Instrument
from widgets.paths import private_dir
from widgets.store.atomic_file import replace_file
from widgets.store.drafts import DraftStore
from widgets.store.responses import ResponseStore

__all__ = [
    "SHARED_ITEMS",
    "SummaryLine",
    "SummarySources",
    "SummaryView",
    "build_summary_view",
    "data_link",
    "load_sources",
    "off_limits_terms",
    "render_html",
    "render_markdown",
    "summary_lines",
]

HEADINGS = {
    "wanted": "What you wanted from this meeting",
    "heard_1": "Strengths your manager described",
    "heard_2": "What your manager has seen since the first meeting",
    "next": "Agreed next steps",
}

# (form, item_id, meetings, heading key, lead-in). The only items a recap may use.
SHARED_ITEMS: tuple[tuple[str, str, tuple[int, ...], str, str], ...] = (
    ("prep", "success", (1, 2), "wanted", "Success for you"),
    ("prep", "asks", (1, 2), "wanted", "You asked your manager for"),
    ("prep", "asks_other", (1, 2), "wanted", "You also asked"),
    ("meeting", "strengths_best", (1,), "heard_1", "You at your very best"),
    ("meeting", "strengths_impact", (1,), "heard_1", "Where you have the most impact"),
    ("meeting", "strengths_values", (1,), "heard_1", "How you live the values"),
    ("meeting", "strengths_superpower", (1,), "heard_1", "Your superpower"),
    ("meeting", "followup_progress", (2,), "heard_2", "Progress seen"),
    ("meeting", "followup_changes", (2,), "heard_2", "Changes noticed"),
    ("meeting", "followup_plan", (2,), "heard_2", "Keeping it going after coaching"),
    ("debrief", "use_of_info", (1, 2), "next", "What you will do with it"),
    ("debrief", "priorities_note", (1, 2), "next", "Coaching priorities"),
    ("debrief", "go_deeper", (1, 2), "next", "Next coaching session"),
)

_NEVER_IN_A_RECAP = NEVER_SHAREABLE | {
    "insights_value",
    "insights_gift",
    "insights_blindspot",
    "insights_handover",
    "goals_notes",
    "followup_challenges",
    "feeling",
    "feeling_note",
    "stood_out_coachee",
    "stood_out_coach",
}
# Checked at import, so an edit to the list above cannot ship a leak.
_LEAKS = {item for _f, item, *_rest in SHARED_ITEMS} & _NEVER_IN_A_RECAP
if _LEAKS:  # pragma: no cover - a programming error, caught by any test run
    raise RuntimeError(f"summary.SHARED_ITEMS names confidential items: {sorted(_LEAKS)}")

_GO_DEEPER = {
    "yes": "we go deeper on what we heard.",
    "no": "we carry on with the current coaching plan.",
    "not_sure": "we decide together whether to go deeper on it.",
}
_PRIORITIES = {
    "no": "they stay as they are.",
    "not_sure": "we decide in the next session whether they change.",
    "yes": "they change.",
}
# An off-limits "topic" shorter than this would hold back lines for a common word.
_MIN_TERM = 4


@dataclass(frozen=True)
class SummaryLine:
    """One line the coachee can keep or untick; ``key`` is stable (item id, or
    ``asks-<value>`` for one ask) and names its tick box for automation."""

    key: str
    heading: str
    lead: str
    text: str

    def plain(self) -> str:
        return f"{self.lead}: {self.text}"


@dataclass(frozen=True)
class SummarySources:
    """The saved answers a recap may draw on, plus the off-limits text to screen with."""

    prep: Mapping[str, str]
    meeting: Mapping[str, str]
    debrief: Mapping[str, str]
    off_limits: tuple[str, ...] = ()


def off_limits_terms(off_limits: Iterable[str]) -> tuple[str, ...]:
    """Each topic the coachee named as off limits (one per line, or split by ';')."""
    terms = []
    for text in off_limits:
        for part in re.split(r"[\n;]+", text or ""):
            term = " ".join(part.split()).casefold()
            if len(term) >= _MIN_TERM:
                terms.append(term)
    return tuple(dict.fromkeys(terms))


def _mentions(text: str, terms: Iterable[str]) -> bool:
    flat = " ".join(text.split()).casefold()
    return any(term in flat for term in terms)


def summary_lines(
    instrument: Instrument, meeting_number: int, sources: SummarySources
) -> tuple[tuple[SummaryLine, ...], int]:
    """The lines a recap may offer, in order, and how many were held back as off limits."""
    asks_item = next(
        (i for i in instrument.form("prep").all_items if i.id == "asks"),
        None,
    )
    ask_labels = {c.value: c.label for c in asks_item.choices} if asks_item else {}
    by_form = {"prep": sources.prep, "meeting": sources.meeting, "debrief": sources.debrief}
    terms = off_limits_terms(sources.off_limits)
    candidates: list[SummaryLine] = []
    for form, item_id, meetings, heading_key, lead in SHARED_ITEMS:
        if meeting_number not in meetings:
            continue
        heading = HEADINGS[heading_key]
        value = (by_form[form].get(item_id) or "").strip()
        if item_id == "asks":
            for ask in filter(None, value.split(";")):
                label = ask_labels.get(ask, ask)
                candidates.append(SummaryLine(f"asks-{ask}", heading, lead, label))
            continue
        if item_id == "priorities_note":
            change = sources.debrief.get("priorities_change", "")
            text = value or _PRIORITIES.get(change, "")
            if text:
                candidates.append(SummaryLine(item_id, heading, lead, text))
            continue
        if item_id == "go_deeper":
            value = _GO_DEEPER.get(value, "")
        if value:
            candidates.append(SummaryLine(item_id, heading, lead, value))
    offered = tuple(line for line in candidates if not _mentions(line.plain(), terms))
    return offered, len(candidates) - len(offered)


# ---------------------------------------------------------------------- rendering


def _title(first_name: str, meeting_number: int) -> str:
    which = "first" if meeting_number == 1 else "second"
    whose = f"{first_name}'s" if first_name else "Your"
    return f"{whose} {which} alignment meeting: recap"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def _md_escape(text: str) -> str:
    """Backslash the characters Markdown would read as markup (or raw HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _grouped(lines: Iterable[SummaryLine]) -> dict[str, list[SummaryLine]]:
    groups: dict[str, list[SummaryLine]] = {}
    for line in lines:
        groups.setdefault(line.heading, []).append(line)
    return groups


def render_markdown(
    *, first_name: str, meeting_number: int, lines: Iterable[SummaryLine], produced_on: date
) -> str:
    """The recap as Markdown; every typed text is escaped, line breaks kept."""
    out = [
        f"# {_md_escape(_title(first_name, meeting_number))}",
        "",
        f"Prepared on {produced_on:%d %B %Y}, with only the lines you chose to keep.",
    ]
    groups = _grouped(lines)
    if not groups:
        out += ["", "Nothing was chosen for this recap."]
    for heading, items in groups.items():
        out += ["", f"## {_md_escape(heading)}", ""]
        for line in items:
            body = "  \n  ".join(_md_escape(part) for part in line.text.splitlines() or [""])
            out.append(f"- **{_md_escape(line.lead)}:** {body}")
    return "\n".join(out) + "\n"


_PAGE_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2933;
  max-width: 42em; margin: 2.5em auto; padding: 0 1em; line-height: 1.5; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 1px solid #d9e2ec; }
.meta { color: #52606d; }
li { margin: 0.4em 0; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  h2 { break-after: avoid; }
  li { break-inside: avoid; }
  @page { margin: 2cm; }
}
"""


def render_html(
    *, first_name: str, meeting_number: int, lines: Iterable[SummaryLine], produced_on: date
) -> str:
    """A self-contained printable page (no scripts, no outside resources)."""
    title = html.escape(_title(first_name, meeting_number))
    parts = [
        "<!doctype html>",
        "<html lang='en'><head><meta charset='utf-8'>",
        f"<title>{title}</title><style>{_PAGE_CSS}</style></head><body>",
        f"<h1>{title}</h1>",
        f"<p class='meta'>Prepared on {produced_on:%d %B %Y}, with only the lines you "
        "chose to keep.</p>",
    ]
    groups = _grouped(lines)
    if not groups:
        parts.append("<p>Nothing was chosen for this recap.</p>")
    for heading, items in groups.items():
        parts.append(f"<h2>{html.escape(heading)}</h2><ul>")
        for line in items:
            body = "<br>".join(html.escape(p) for p in line.text.splitlines())
            parts.append(f"<li><strong>{html.escape(line.lead)}:</strong> {body}</li>")
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def data_link(content: str, *, mime: str, filename: str, css_class: str, text: str) -> str:
    """An <a download> carrying the file in a data: URL (ipywidgets has no download
    widget, and a data: URL needs no route on the server that could serve other files)."""
    payload = base64.b64encode(content.encode("utf-8")).decode("ascii")
    return (
        f"<a class='{css_class}' download='{html.escape(filename)}' "
        f"href='data:{mime};charset=utf-8;base64,{payload}'>{html.escape(text)}</a>"
    )


# ---------------------------------------------------------------------- on screen


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
                f"{withheld} line(s) were held back because they mention a topic the coachee "
                "set as off limits."
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
        saved = ""
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            replace_file(self.folder / f"{self.basename}.md", markdown)
            replace_file(self.folder / f"{self.basename}.html", page)
            saved = "A copy is kept in the coach's private summaries folder."
        except OSError as exc:
            saved = f"Could not keep a private copy ({exc}); the downloads still work."
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
            f"<p class='kit-summary-note'>{count} of {len(self.lines)} line(s) included. "
            f"{html.escape(saved)}</p>{problem}"
        )


def load_sources(store: ResponseStore, engagement_id: str, meeting_number: int) -> SummarySources:
    """The latest saved prep, meeting and debrief of that meeting, and every off-limits
    answer of the engagement (both meetings: a topic closed once stays closed)."""

    def values(form: str, number: int) -> dict[str, str]:
        saved = store.latest(engagement_id, form, number)
        return saved.values() if saved else {}

    preps = {n: values("prep", n) for n in (1, 2)}
    return SummarySources(
        prep=preps.get(meeting_number, {}),
        meeting=values("meeting", meeting_number),
        debrief=values("debrief", meeting_number),
        off_limits=tuple(p.get("off_limits", "") for p in preps.values()),
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
