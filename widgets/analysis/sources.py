"""Which files an analyst's sources stand for: folders, responses CSVs and globs.

Analysts receive folders from many coaches, sometimes overlapping copies of the same
folder. Every loader and the program export accept the same mix of folders, files and
globs, so they all resolve it here, once, in the order given, each file once.

A source also says what else sits beside its file, because reading it depends on it:

* a kit store folder is read under the store's lock (``ResponseStore.reading``), so a
  save in progress or the torn tail of a killed one is never mistaken for data;
* ``private/engagements.csv`` beside a coach's ``responses.csv`` is the registry that
  gives program, cohort and start date (a program export carries those itself).
"""

from __future__ import annotations

import glob
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from widgets.errors import DataError

__all__ = ["LoaderError", "DataSource", "resolve_sources", "is_program_export", "recency"]

# The name a program export gives itself in its datapackage.json.
EXPORT_PACKAGE_NAME = "alignment-meeting-program-export"


class LoaderError(DataError, ValueError):
    """A source cannot be read; the message names it and says what to do."""


@dataclass(frozen=True)
class DataSource:
    """One responses CSV to read, with the store folder and registry that go with it."""

    path: Path  # a responses CSV
    store: Path | None  # the store folder to lock while reading, if it is one
    registry: Path | None  # private/engagements.csv beside it, if present


def _is_store_folder(folder: Path) -> bool:
    return (folder / ".store.lock").exists() or (folder / "index").is_dir()


def _registry_beside(folder: Path) -> Path | None:
    path = folder / "private" / "engagements.csv"
    return path if path.is_file() else None


def _as_source(path: Path) -> DataSource | None:
    if path.is_dir():
        csv_path = path / "responses.csv"
        if not csv_path.is_file():
            return None  # a data folder with nothing saved yet
        store = path if _is_store_folder(path) else None
        return DataSource(csv_path, store, _registry_beside(path))
    if path.is_file():
        folder = path.parent
        store = folder if path.name == "responses.csv" and _is_store_folder(folder) else None
        registry = _registry_beside(folder) if path.name == "responses.csv" else None
        return DataSource(path, store, registry)
    raise LoaderError(f"{path} does not exist. Give a data folder, a responses CSV or a glob.")


def resolve_sources(sources: Iterable[str | os.PathLike[str]]) -> list[DataSource]:
    """Folders, files and globs -> the CSV files to read, each once, in the given order."""
    found: list[DataSource] = []
    seen: set[Path] = set()
    for raw in sources:
        text = os.fspath(raw)
        if any(char in text for char in "*?["):
            matches = sorted(glob.glob(os.path.expanduser(text), recursive=True))
            if not matches:
                raise LoaderError(f"The pattern {text!r} matches no file or folder.")
            paths = [Path(match) for match in matches]
        else:
            paths = [Path(text).expanduser()]
        for path in paths:
            source = _as_source(path)
            if source is None:
                continue
            key = source.path.resolve()
            if key not in seen:
                seen.add(key)
                found.append(source)
    return found


def _export_package(source: DataSource) -> dict[str, object] | None:
    path = source.path.parent / "datapackage.json"
    try:
        package = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(package, dict) and package.get("name") == EXPORT_PACKAGE_NAME:
        return package
    return None


def is_program_export(source: DataSource) -> bool:
    """Whether ``source`` is a program export (its datapackage.json says so)."""
    return _export_package(source) is not None


def recency(source: DataSource) -> tuple[float, int]:
    """How recent a source's copy of its records is, for ordering overlapping copies.

    A program export is as recent as the moment it was made (``created`` in its
    datapackage.json, which survives copying); any other file as its last save (its
    modification time). The modification time breaks ties.
    """
    modified = source.path.stat().st_mtime_ns
    package = _export_package(source)
    created = package.get("created") if package else None
    if isinstance(created, str):
        try:
            return datetime.fromisoformat(created).timestamp(), modified
        except ValueError:
            pass
    return modified / 1e9, modified
