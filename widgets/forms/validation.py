"""Checks on what a coach types, with messages meant for the coach.

Every check returns a message (or ``None``) instead of raising, so a form can show it
beside the field and keep everything already typed.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["control_characters", "text_problem", "length_label"]

# Tabs and line breaks are ordinary typing; every other control character is either a
# paste accident or an attempt to smuggle something into the CSV.
_ALLOWED_CONTROLS = {"\t", "\n", "\r"}
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_characters(text: str) -> list[str]:
    """Return the distinct unprintable characters in ``text``, as ``U+XXXX`` codes."""
    found = {
        ch
        for ch in _CONTROL_RE.findall(text)
        if ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) == "Cc"
    }
    return sorted(f"U+{ord(ch):04X}" for ch in found)


def text_problem(text: str, *, max_length: int | None, required: bool) -> str | None:
    """Say what is wrong with a free-text answer, or ``None`` when it can be saved."""
    if required and not text.strip():
        return "This answer is required."
    if max_length is not None and len(text) > max_length:
        over = len(text) - max_length
        return (
            f"{len(text)} characters: {over} over the limit of {max_length}. "
            "Shorten it before saving; nothing has been cut."
        )
    bad = control_characters(text)
    if bad:
        return (
            "Contains invisible control characters (" + ", ".join(bad) + "), "
            "probably from a paste. Retype or remove them."
        )
    return None


def length_label(text: str, max_length: int | None) -> str:
    """Return the visible counter shown under a free-text field."""
    if max_length is None:
        return f"{len(text)} characters"
    return f"{len(text)} / {max_length}"
