"""Small pieces of on-screen text that every app shows the same way."""

from __future__ import annotations

import html

__all__ = ["counted", "status_html"]


def counted(number: int, noun: str, plural: str = "") -> str:
    """``1 answer``, ``3 answers``: a count in words, never "answer(s)" on a shared screen."""
    return f"{number} {noun}" if number == 1 else f"{number} {plural or noun + 's'}"


def status_html(text: str, kind: str = "") -> str:
    """A status line; ``kind`` "error" is announced at once to screen readers, "ok"
    (saved) is green and announced politely. Plain progress ("kept as you type")
    stays silent: announced on every keystroke it would drown the coach's own typing."""
    cls = f"kit-status-{kind}" if kind else ""
    role = {"error": " role='alert'", "ok": " role='status'"}.get(kind, "")
    return f"<div class='{cls}'{role}>{html.escape(text)}</div>"
