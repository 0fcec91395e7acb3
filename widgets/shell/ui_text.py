"""Small pieces of on-screen text that every app shows the same way."""

from __future__ import annotations

import html

__all__ = ["status_html"]


def status_html(text: str, kind: str = "") -> str:
    """A status line; ``kind`` "error" is announced to screen readers, "ok" is green."""
    cls = f"kit-status-{kind}" if kind else ""
    role = " role='alert'" if kind == "error" else ""
    return f"<div class='{cls}'{role}>{html.escape(text)}</div>"
