"""The kit's look, shipped as stylesheets inside the package (``assets/*.css``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import ipywidgets as w

__all__ = ["stylesheet"]

_ASSETS = Path(__file__).with_name("assets")


@lru_cache(maxsize=1)
def _css_text() -> str:
    # kit.css first (the base), then each app's own sheet in name order.
    sheets = sorted(_ASSETS.glob("*.css"), key=lambda p: (p.name != "kit.css", p.name))
    return "\n".join(p.read_text(encoding="utf-8") for p in sheets)


def stylesheet() -> w.HTML:
    """An invisible widget carrying the stylesheets; include it once per app."""
    sheet = w.HTML(f"<style>{_css_text()}</style>", layout=w.Layout(display="none"))
    sheet.add_class("kit-style")
    return sheet
