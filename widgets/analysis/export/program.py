"""The program export: a redacted dataset an analyst may share across the program.

``export_program(out, *sources, key=...)``, or ``python -m widgets.analysis.export``
(:mod:`widgets.analysis.export.cli`). The key may also come from
``ALIGNMENT_KIT_EXPORT_KEY``. Sources are data folders, responses files or globs, as
for :func:`widgets.analysis.long_table.load_responses` (default: the kit's data root).
Written to ``out``: ``responses.csv`` (long), ``sessions.csv`` (one row per session),
``codebook.csv`` and a Frictionless ``datapackage.json`` describing every column.

What the export promises, and where each promise is kept:

* Nothing declared ``coachee_only`` leaves at all, consent or not: those rows are
  dropped before any other step.
* No registry field but program and cohort leaves the coach's machine: no first name,
  no coach, no start date; names are also removed from the free text that may be
  shared, ids are keyed pseudonyms, free text goes only where the coachee consented
  (:mod:`~widgets.analysis.export.redact`).
* Only each form's latest submission is exported: a superseded answer is not data.
* Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers
  stay numbers in their typed columns (:mod:`~widgets.analysis.export.cells`).
* The export describes itself (:mod:`~widgets.analysis.export.datapackage`).
* Folders marked ``TRAINING`` hold made-up practice data and are refused, so training
  never mixes with a program's figures; an export is never written into a source.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from widgets.analysis.export.cells import long_cells, wide_cells, write_cells_csv
from widgets.analysis.export.datapackage import write_codebook_csv, write_datapackage
from widgets.analysis.export.redact import (
    drop_coachee_only,
    pseudonymise,
    redact_free_text,
    registry_people,
)
from widgets.analysis.long_table import load_responses
from widgets.analysis.sources import resolve_sources
from widgets.analysis.wide_table import SESSION_COLUMNS, wide_sessions
from widgets.errors import DataError
from widgets.instrument.instrument import Instrument
from widgets.instrument.yaml_loading import load_instrument
from widgets.paths import TRAINING_MARKER, is_training_folder

__all__ = [
    "KEY_ENV",
    "TRAINING_MARKER",
    "ExportError",
    "ExportSummary",
    "export_program",
]

KEY_ENV = "ALIGNMENT_KIT_EXPORT_KEY"
MIN_KEY_LENGTH = 16
_KEY_HELP = (
    "Set a program export key of at least 16 characters, kept by the program (not in "
    f"the data folder): pass --key KEY or set {KEY_ENV}, e.g. "
    f'`export {KEY_ENV}="$(python -c "import secrets; print(secrets.token_hex(32))")"`. '
    "Use the same key for every export so pseudonyms match across exports."
)


class ExportError(DataError, RuntimeError):
    """The export cannot be made; the message says why and what to do."""


@dataclass(frozen=True)
class ExportSummary:
    """What was written where, for the caller to report (counts after redaction)."""

    out: Path
    rows: int
    sessions: int
    engagements: int
    redacted_values: int


def _check_key(key: str | None) -> str:
    if not key:
        raise ExportError(f"No export key given. {_KEY_HELP}")
    if len(key) < MIN_KEY_LENGTH:
        raise ExportError(f"The export key is only {len(key)} characters. {_KEY_HELP}")
    return key


def _source_folders(sources: Sequence[str | os.PathLike[str]]) -> list[Path]:
    return sorted({source.path.parent.resolve() for source in resolve_sources(sources)})


def _refuse_training(sources: Sequence[str | os.PathLike[str]]) -> None:
    for raw in sources:
        path = Path(raw).expanduser()
        candidates = [path] if path.is_dir() else []
        candidates += _source_folders([raw]) if path.exists() or "*" in str(raw) else []
        for folder in candidates:
            if is_training_folder(folder):
                raise ExportError(
                    f"{folder} is marked as training data (it holds a {TRAINING_MARKER} "
                    "file). Training engagements are made up and must never enter a "
                    "program export. Leave this folder out of the sources."
                )


def _refuse_without_registry(sources: Sequence[str | os.PathLike[str]]) -> None:
    for source in resolve_sources(sources):
        if source.registry is None:
            folder = source.path.parent
            raise ExportError(
                f"{folder} has no private/engagements.csv beside {source.path.name}, so "
                "the names of its coachees, coaches and managers cannot be removed from "
                "its free text. Export from the coach's whole data folder (with its "
                "private/ folder), or pass --withhold-text (withhold_text=True) to "
                "export it with every free-text answer withheld."
            )


def _without_dangling_supersedes(long: pd.DataFrame) -> pd.DataFrame:
    """``supersedes`` kept only where it names a session in the export, else blank.

    Only latest submissions are exported, so a pointer to the corrected save would
    name a session nobody can find.
    """
    exported = set(long["session_id"].astype(object))
    pointers = long["supersedes"].astype(object)
    dangling = (pointers != "") & ~pointers.isin(exported)
    if not dangling.any():
        return long
    out = long.copy()
    out["supersedes"] = pd.Categorical(pointers.where(~dangling, ""))
    return out


def export_program(
    out: Path | str,
    *sources: str | os.PathLike[str],
    key: str | None = None,
    instrument: Instrument | None = None,
    withhold_text: bool = False,
) -> ExportSummary:
    """Write the redacted program dataset for ``sources`` into ``out``.

    Every source needs its registry (to know whose names to remove from its text)
    unless ``withhold_text``, which exports no free text at all.
    """
    key = _check_key(key if key is not None else os.environ.get(KEY_ENV, ""))
    instrument = instrument or load_instrument()
    if not sources:
        from widgets.paths import exports_dir

        sources = (exports_dir(),)
    _refuse_training(sources)
    if not withhold_text:
        _refuse_without_registry(sources)
    out = Path(out).expanduser().resolve()
    if out in _source_folders(sources):
        raise ExportError(f"{out} is one of the sources; write the export to a new folder.")
    out.mkdir(parents=True, exist_ok=True)

    long = load_responses(*sources, latest_only=True, instrument=instrument)
    long, dropped = drop_coachee_only(long, instrument)
    people = None if withhold_text else registry_people(sources)
    long, withheld = redact_free_text(long, people, instrument)
    long = pseudonymise(_without_dangling_supersedes(long), key)
    wide = wide_sessions(long, instrument=instrument)
    # The wide table repeats the long one's session columns; both are written typed.
    assert tuple(wide.columns[: len(SESSION_COLUMNS)]) == SESSION_COLUMNS

    write_cells_csv(out / "responses.csv", long_cells(long))
    write_cells_csv(out / "sessions.csv", wide_cells(wide))
    write_codebook_csv(out, instrument)
    write_datapackage(out, long, wide, instrument)
    return ExportSummary(
        out=out,
        rows=len(long),
        sessions=len(wide),
        engagements=long["engagement_id"].nunique(),
        redacted_values=withheld + dropped,
    )
