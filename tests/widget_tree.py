"""Read what a widget tree would show, the way a coach sees it (for tests)."""

from __future__ import annotations

import ipywidgets as w

__all__ = ["visible_text", "find_by_class"]


def _walk(widget: w.Widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def visible_text(widget: w.Widget) -> str:
    """HTML, labels and descriptions of every widget not hidden with display:none."""
    parts: list[str] = []

    def visit(node: w.Widget) -> None:
        layout = getattr(node, "layout", None)
        if layout is not None and layout.display == "none":
            return
        for attr in ("value", "description"):
            text = getattr(node, attr, None)
            if isinstance(text, str) and isinstance(node, (w.HTML, w.Label, w.Button, w.HTMLMath)):
                parts.append(text)
            elif attr == "description" and isinstance(text, str):
                parts.append(text)
        for child in getattr(node, "children", ()):
            visit(child)

    visit(widget)
    return "\n".join(parts)


def find_by_class(widget: w.Widget, css_class: str) -> list[w.Widget]:
    return [node for node in _walk(widget) if css_class in getattr(node, "_dom_classes", ())]
