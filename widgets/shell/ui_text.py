"""Small pieces of on-screen text that every app shows the same way."""

from __future__ import annotations

import html
from datetime import datetime

__all__ = ["local_time", "status_html"]


def local_time(stamp: str, fmt: str = "%d %b %H:%M:%S") -> str:
    """Show a stored UTC timestamp in the coach's local time, briefly."""
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime(fmt)
    except ValueError:
        return stamp


def status_html(text: str, kind: str = "") -> str:
    """A status line; ``kind`` "error" is announced to screen readers, "ok" is green."""
    cls = f"kit-status-{kind}" if kind else ""
    role = " role='alert'" if kind == "error" else ""
    return f"<div class='{cls}'{role}>{html.escape(text)}</div>"
