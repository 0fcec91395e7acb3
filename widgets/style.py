"""The kit's look, shipped as one stylesheet inside the package."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import ipywidgets as w

__all__ = ["stylesheet"]

_CSS = Path(__file__).with_name("assets") / "kit.css"


@lru_cache(maxsize=1)
def _css_text() -> str:
    return _CSS.read_text(encoding="utf-8")


def stylesheet() -> w.HTML:
    """An invisible widget carrying the stylesheet; include it once per app."""
    sheet = w.HTML(f"<style>{_css_text()}</style>", layout=w.Layout(display="none"))
    sheet.add_class("kit-style")
    return sheet
