"""The recap as files the coachee keeps: Markdown, a printable page, private copies.

Only the lines the coachee left ticked reach these (see :mod:`widgets.apps.summary.lines`
for which lines are offered at all). Every typed text is escaped for its format, so a
note cannot turn into markup, a link or a script. Downloads are ``data:`` links:
ipywidgets has no download widget, and a ``data:`` URL needs no route on the server
that could be made to serve other files.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from widgets.apps.summary.lines import SummaryLine
from widgets.store.atomic_file import replace_file

__all__ = ["data_link", "keep_copies", "render_html", "render_markdown"]


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


def keep_copies(folder: Path, basename: str, *, markdown: str, page: str) -> str:
    """Replace the coach's private copies of the recap; say whether that worked."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        replace_file(folder / f"{basename}.md", markdown)
        replace_file(folder / f"{basename}.html", page)
    except OSError as exc:
        return f"Could not keep a private copy ({exc}); the downloads still work."
    return "A copy is kept in the coach's private summaries folder."
