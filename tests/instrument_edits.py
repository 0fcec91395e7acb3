"""Edits of a copied instrument folder, for tests that check how broken files are refused.

Each helper returns an ``Edit``: a function that changes one file of the copy, through
its parsed YAML where it can, through its text where only text can express the mistake
(a syntax error, a repeated key).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

DELETE = object()
Edit = Callable[[Path], None]


def read(folder: Path, form_id: str) -> dict[str, Any]:
    data = yaml.safe_load((folder / f"{form_id}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def write(folder: Path, form_id: str, data: dict[str, Any]) -> None:
    (folder / f"{form_id}.yaml").write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")


def find_item(data: dict[str, Any], item_id: str) -> dict[str, Any]:
    for section in data["sections"]:
        for item in section["items"]:
            if item["id"] == item_id:
                return item
    raise AssertionError(item_id)


def find_section(data: dict[str, Any], section_id: str) -> dict[str, Any]:
    for section in data["sections"]:
        if section["id"] == section_id:
            return section
    raise AssertionError(section_id)


def update(target: dict[str, Any], changes: dict[str, Any]) -> None:
    for key, value in changes.items():
        if value is DELETE:
            del target[key]
        else:
            target[key] = value


def in_form(form_id: str, change: Callable[[dict[str, Any]], None]) -> Edit:
    """An edit of one form file, through its parsed YAML."""

    def edit(folder: Path) -> None:
        data = read(folder, form_id)
        change(data)
        write(folder, form_id, data)

    return edit


def item_edit(form_id: str, item_id: str, **changes: Any) -> Edit:
    return in_form(form_id, lambda data: update(find_item(data, item_id), changes))


def section_edit(form_id: str, section_id: str, **changes: Any) -> Edit:
    return in_form(form_id, lambda data: update(find_section(data, section_id), changes))


def form_edit(form_id: str, **changes: Any) -> Edit:
    return in_form(form_id, lambda data: update(data, changes))


def text_edit(file_name: str, old: str, new: str) -> Edit:
    """An edit of a file's text, for what parsed YAML cannot express (syntax, repeats)."""

    def edit(folder: Path) -> None:
        path = folder / file_name
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def remove(file_name: str) -> Edit:
    return lambda folder: (folder / file_name).unlink()


def both(*edits: Edit) -> Edit:
    def edit(folder: Path) -> None:
        for one in edits:
            one(folder)

    return edit


def line_of(folder: Path, text: str = "id: prep_booked") -> int:
    """The line of checklist.yaml holding ``text``, counted from 1."""
    lines = (folder / "checklist.yaml").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def card_row(heading: str, *items: Any) -> dict[str, Any]:
    return {"heading": heading, "hook": "extra", "items": list(items)}


def add_card_row(row: dict[str, Any]) -> Edit:
    return in_form("meeting", lambda data: data["card"].append(row))


def add_summary_line(line: dict[str, Any]) -> Edit:
    return in_form("debrief", lambda data: data["summary"]["parts"][0]["lines"].append(line))
