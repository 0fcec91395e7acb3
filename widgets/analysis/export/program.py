"""The program export: a redacted dataset an analyst may share across the program.

    python -m widgets.analysis.export --out DIR [sources...] [--key KEY]

The key may also come from ``ALIGNMENT_KIT_EXPORT_KEY``. Sources are data folders,
responses files or globs, as for :func:`widgets.analysis.reading.load_responses` (default: the
kit's data root). Written to DIR: ``responses.csv`` (long), ``sessions.csv`` (one row per
session), ``codebook.csv`` and a Frictionless ``datapackage.json`` describing every
column.

What the export promises, and why:

* No registry field but program and cohort leaves the coach's machine: no first name,
  no coach, no start date. Names are also removed from the free text that may be
  shared, since notes naturally say "Sam did ...".
* Ids are pseudonyms: HMAC-SHA256 of the kit's id under a key the program keeps. The
  same key gives the same pseudonyms in every export, so exports from many coaches
  and months join up; without the key nobody can go back to the coach's records.
* Free text only where the coachee's latest prep said yes to ``text_consent``;
  otherwise the value is empty and ``redacted_reason`` says why.
* Only each form's latest submission is exported: a superseded answer is not data.
* Text that a spreadsheet would run as a formula (starting with = + - @, tab or CR) gets
  a leading apostrophe; numbers stay numbers in their typed columns.
* Folders marked ``TRAINING`` hold made-up practice data and are refused, so training
  never mixes with a program's figures.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from widgets.analysis.reading import (
    LONG_COLUMNS,
    SESSION_COLUMNS,
    item_kinds,
    load_responses,
    resolve_sources,
    wide_sessions,
)
from widgets.instrument.codebook import CODEBOOK_COLUMNS, codebook_rows
from widgets.instrument.instrument import Instrument
from widgets.instrument.item_types import (
    DERIVED_TYPES,
    FREE_TEXT_TYPES,
    ITEM_TYPES,
    types_exported_as,
)
from widgets.instrument.yaml_loading import load_instrument
from widgets.paths import TRAINING_MARKER, is_training_folder
from widgets.store.atomic_file import replace_file
from widgets.store.responses import read_table, write_table

__all__ = [
    "KEY_ENV",
    "TRAINING_MARKER",
    "ExportError",
    "ExportSummary",
    "pseudonym",
    "neutralise",
    "export_program",
    "main",
]

KEY_ENV = "ALIGNMENT_KIT_EXPORT_KEY"
MIN_KEY_LENGTH = 16
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_NUMERIC_TYPES = types_exported_as("number")
REDACTED_REASONS = ("no_text_consent", "names_removed")
_MISSING = [""]
_KEY_HELP = (
    "Set a program export key of at least 16 characters, kept by the program (not in "
    f"the data folder): pass --key KEY or set {KEY_ENV}, e.g. "
    f'`export {KEY_ENV}="$(python -c "import secrets; print(secrets.token_hex(32))")"`. '
    "Use the same key for every export so pseudonyms match across exports."
)


class ExportError(RuntimeError):
    """The export cannot be made; the message says why and what to do."""


@dataclass(frozen=True)
class ExportSummary:
    out: Path
    rows: int
    sessions: int
    engagements: int
    redacted_values: int


def pseudonym(key: str, kind: str, identifier: str) -> str:
    """Keyed hash of one id: stable for one key, meaningless without it.

    ``kind`` (engagement, session, record) is hashed in, so equal text in two kinds of
    id never gives equal pseudonyms.
    """
    if not identifier:
        return ""
    digest = hmac.new(key.encode("utf-8"), f"{kind}:{identifier}".encode(), hashlib.sha256)
    return f"{kind[0]}-{digest.hexdigest()[:24]}"


def neutralise(text: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would read as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


# ------------------------------------------------------------------ checks


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


def _names(sources: Sequence[str | os.PathLike[str]]) -> list[str]:
    """Every person name in the sources' registries: first names, coaches, their parts."""
    names: set[str] = set()
    for source in resolve_sources(sources):
        if source.registry is None:
            continue
        for row in read_table(source.registry):
            for field in ("first_name", "coach"):
                full = (row.get(field) or "").strip()
                if not full:
                    continue
                names.add(full)
                names.update(part for part in re.split(r"[\s\-]+", full) if len(part) >= 2)
    return sorted(names, key=len, reverse=True)


# ----------------------------------------------------------------- redaction


def _latest_consent(long: pd.DataFrame) -> dict[str, bool]:
    rows = long[(long["form"] == "prep") & (long["item_id"] == "text_consent")]
    rows = rows.sort_values(["recorded_at", "meeting_number"], kind="stable")
    latest = rows.drop_duplicates("engagement_id", keep="last")
    return {
        str(engagement): str(value).strip().lower() == "yes"
        for engagement, value in zip(latest["engagement_id"], latest["value"], strict=True)
    }


def _redact(
    long: pd.DataFrame, names: list[str], instrument: Instrument
) -> tuple[pd.DataFrame, int]:
    """Empty free text without consent, take names out of the rest; mark each change."""
    free_items = {e.item_id for e in instrument.codebook() if e.free_text}
    item_type = long["item_type"].astype(object).to_numpy()
    item_id = long["item_id"].astype(object).to_numpy()
    free = np.isin(item_type, list(FREE_TEXT_TYPES)) | np.isin(item_id, list(free_items))
    consent = _latest_consent(long)
    consented = (
        long["engagement_id"]
        .astype(object)
        .map(lambda e: consent.get(e, False))
        .to_numpy(dtype=bool)
    )
    values = long["value"].astype(object).to_numpy().copy()
    reasons = long["redacted_reason"].astype(object).to_numpy().copy()
    has_text = values != ""
    withheld = free & ~consented & has_text
    values[withheld] = ""
    reasons[withheld] = "no_text_consent"
    if names:
        pattern = re.compile(
            r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)", re.IGNORECASE
        )
        for index in np.flatnonzero(free & consented & has_text):
            cleaned = pattern.sub("[name]", values[index])
            if cleaned != values[index]:
                values[index] = cleaned
                reasons[index] = "names_removed"
    out = long.copy()
    out["value"] = pd.Categorical(values)
    out["redacted_reason"] = pd.Categorical(reasons)
    return out, int(withheld.sum())


def _pseudonymise(long: pd.DataFrame, key: str) -> pd.DataFrame:
    out = long.copy()
    for column, kind in (
        ("engagement_id", "engagement"),
        ("session_id", "session"),
        ("supersedes", "session"),
    ):
        categories = out[column].cat.categories
        mapped = [pseudonym(key, kind, str(value)) for value in categories]
        out[column] = (
            out[column].cat.rename_categories(mapped)
            if len(set(mapped)) == len(mapped)
            else out[column].astype(object).map(dict(zip(categories, mapped, strict=True)))
        )
    out["record_id"] = [pseudonym(key, "record", str(v)) for v in out["record_id"]]
    return out


# ------------------------------------------------------------------ writing


def _text_cells(values: Iterable[Any]) -> list[str]:
    return ["" if _missing(value) else neutralise(str(value)) for value in values]


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def _timestamp_cells(values: pd.Series) -> list[str]:
    iso = values.dt.tz_convert("UTC").dt.strftime("%Y-%m-%dT%H:%M:%S%z")
    return ["" if pd.isna(v) else f"{v[:-2]}:{v[-2:]}" for v in iso.astype(object)]


def _long_rows(long: pd.DataFrame) -> list[dict[str, str]]:
    columns: dict[str, list[str]] = {}
    for column in LONG_COLUMNS:
        series = long[column]
        if column == "recorded_at":
            columns[column] = _timestamp_cells(series)
        elif column in ("meeting_number", "revision", "meeting_month"):
            columns[column] = ["" if pd.isna(v) else str(int(v)) for v in series]
        elif column == "value":
            kinds = long["item_type"].astype(object).to_numpy()
            raw = series.astype(object).to_numpy()
            columns[column] = [
                value if kind in _NUMERIC_TYPES and _NUMBER.match(value) else neutralise(value)
                for value, kind in zip(raw, kinds, strict=True)
            ]
        else:
            columns[column] = _text_cells(series.astype(object))
    return [dict(zip(columns, cells, strict=True)) for cells in zip(*columns.values(), strict=True)]


def _wide_rows(wide: pd.DataFrame) -> list[dict[str, str]]:
    columns: dict[str, list[str]] = {}
    for column in wide.columns:
        series = wide[column]
        dtype = series.dtype
        if isinstance(dtype, pd.DatetimeTZDtype):
            columns[column] = _timestamp_cells(series)
        elif pd.api.types.is_datetime64_dtype(dtype):
            columns[column] = [
                "" if pd.isna(v) else v for v in series.dt.strftime("%Y-%m-%d").astype(object)
            ]
        elif pd.api.types.is_bool_dtype(dtype):
            columns[column] = ["" if pd.isna(v) else ("yes" if v else "no") for v in series]
        elif pd.api.types.is_integer_dtype(dtype):
            columns[column] = ["" if pd.isna(v) else str(int(v)) for v in series]
        elif pd.api.types.is_float_dtype(dtype):
            columns[column] = ["" if pd.isna(v) else repr(float(v)) for v in series]
        else:
            columns[column] = _text_cells(series.astype(object))
    return [dict(zip(columns, cells, strict=True)) for cells in zip(*columns.values(), strict=True)]


def _field(name: str, kind: str, description: str = "", **extra: Any) -> dict[str, Any]:
    field: dict[str, Any] = {"name": name, "type": kind}
    if description:
        field["description"] = description
    constraints = {
        k: v
        for k, v in extra.items()
        if k in ("required", "enum", "minimum", "maximum", "pattern", "unique")
    }
    if constraints:
        field["constraints"] = constraints
    field.update({k: v for k, v in extra.items() if k not in constraints})
    return field


def _wide_field(
    column: str, dtype: Any, kinds: dict[str, tuple[str, tuple[str, ...]]], wide: pd.DataFrame
) -> dict[str, Any]:
    kind, choices = kinds.get(column, ("", ()))
    if isinstance(dtype, pd.DatetimeTZDtype):
        return _field(column, "datetime")
    if pd.api.types.is_datetime64_dtype(dtype):
        return _field(column, "date")
    if pd.api.types.is_bool_dtype(dtype):
        return _field(column, "boolean", trueValues=["yes"], falseValues=["no"])
    if pd.api.types.is_integer_dtype(dtype):
        extra: dict[str, Any] = {}
        if column in ("meeting_number", "revision", "meeting_month"):
            extra["minimum"] = 1
        if kind == "number" and choices:
            numbers = [int(c) for c in choices if c.isdigit()]
            if numbers:
                extra.update(minimum=min(numbers), maximum=max(numbers))
        return _field(column, "integer", **extra)
    if pd.api.types.is_float_dtype(dtype):
        return _field(column, "number")
    if isinstance(dtype, pd.CategoricalDtype) and kind == "category":
        present = [str(c) for c in dtype.categories]
        return _field(column, "string", enum=list(dict.fromkeys([*choices, *present])))
    if column == "form":
        return _field(
            column,
            "string",
            required=True,
            enum=sorted(
                {str(v) for v in wide[column].dropna()}
                | {"checklist", "prep", "meeting", "debrief"}
            ),
        )
    if column == "redacted_reason":
        return _field(column, "string", enum=list(REDACTED_REASONS))
    if kind == "text" and choices:  # several: values joined by ";"
        options = "|".join(re.escape(c) for c in choices)
        return _field(column, "string", pattern=f"^({options})(;({options}))*$")
    return _field(column, "string")


def _schema(fields: list[dict[str, Any]], key: list[str] | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"fields": fields, "missingValues": _MISSING}
    if key:
        schema["primaryKey"] = key
    return schema


def _resource(name: str, path: str, title: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "path": path,
        "title": title,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "header": True},
        "schema": schema,
    }


def _datapackage(long: pd.DataFrame, wide: pd.DataFrame, instrument: Instrument) -> dict[str, Any]:
    item_ids = sorted(
        {e.item_id for e in instrument.codebook()}
        | {str(v) for v in long["item_id"].cat.categories}
    )
    item_types = sorted(
        set(ITEM_TYPES) | set(DERIVED_TYPES) | {str(v) for v in long["item_type"].cat.categories}
    )
    pseudonym_pattern = "^[ers]-[0-9a-f]{24}$"
    responses = [
        _field(
            "record_id",
            "string",
            "Pseudonymous row id",
            required=True,
            unique=True,
            pattern=pseudonym_pattern,
        ),
        _field("recorded_at", "datetime", "When the form was saved (UTC)", required=True),
        _field(
            "engagement_id",
            "string",
            "Pseudonymous engagement id",
            required=True,
            pattern=pseudonym_pattern,
        ),
        _field(
            "session_id",
            "string",
            "Pseudonymous id of one save",
            required=True,
            pattern=pseudonym_pattern,
        ),
        _field(
            "form",
            "string",
            "Form",
            required=True,
            enum=["checklist", "prep", "meeting", "debrief"],
        ),
        _field(
            "meeting_number",
            "integer",
            "1 = first alignment meeting, 2 = second",
            required=True,
            minimum=1,
        ),
        _field("section", "string", "Section of the form"),
        _field(
            "item_id", "string", "Stable item id (see codebook.csv)", required=True, enum=item_ids
        ),
        _field("item_type", "string", "Item type", enum=item_types),
        _field("value", "string", "Stored answer; see codebook.csv for its meaning"),
        _field("instrument_version", "string", "Instrument version that wrote the row"),
        _field(
            "revision",
            "integer",
            "Revision of this form (latest exported)",
            required=True,
            minimum=1,
        ),
        _field(
            "supersedes",
            "string",
            "Pseudonymous id of the save this one corrected",
            pattern=pseudonym_pattern,
        ),
        _field("program", "string", "Program (grouping label)"),
        _field("cohort", "string", "Cohort (grouping label)"),
        _field(
            "meeting_month", "integer", "Engagement month of the meeting (1 = first)", minimum=1
        ),
        _field(
            "redacted_reason",
            "string",
            "Why the value was emptied or changed",
            enum=list(REDACTED_REASONS),
        ),
    ]
    kinds = item_kinds(instrument)
    sessions = [_wide_field(column, wide[column].dtype, kinds, wide) for column in wide.columns]
    codebook = [_field(column, "string") for column in CODEBOOK_COLUMNS]
    return {
        "profile": "tabular-data-package",
        "name": "alignment-meeting-program-export",
        "title": "Alignment meeting program export (redacted)",
        "description": (
            "Responses of the manager alignment meeting kit with pseudonymous ids, free "
            "text only where the coachee consented, and no names."
        ),
        "resources": [
            _resource(
                "responses",
                "responses.csv",
                "One row per stored answer",
                _schema(responses, ["record_id"]),
            ),
            _resource(
                "sessions",
                "sessions.csv",
                "One row per session (one save of one form)",
                _schema(sessions),
            ),
            _resource("codebook", "codebook.csv", "What every item id means", _schema(codebook)),
        ],
    }


def export_program(
    out: Path | str,
    *sources: str | os.PathLike[str],
    key: str | None = None,
    instrument: Instrument | None = None,
) -> ExportSummary:
    """Write the redacted program dataset for ``sources`` into ``out``."""
    key = _check_key(key if key is not None else os.environ.get(KEY_ENV, ""))
    instrument = instrument or load_instrument()
    if not sources:
        from widgets.paths import exports_dir

        sources = (exports_dir(),)
    _refuse_training(sources)
    out = Path(out).expanduser().resolve()
    if out in _source_folders(sources):
        raise ExportError(f"{out} is one of the sources; write the export to a new folder.")
    out.mkdir(parents=True, exist_ok=True)

    long = load_responses(*sources, latest_only=True, instrument=instrument)
    long, withheld = _redact(long, _names(sources), instrument)
    long = _pseudonymise(long, key)
    wide = wide_sessions(long, instrument=instrument)
    # The wide table repeats the long one's session columns; both are written typed.
    assert tuple(wide.columns[: len(SESSION_COLUMNS)]) == SESSION_COLUMNS

    write_table(out / "responses.csv", LONG_COLUMNS, _long_rows(long))
    write_table(out / "sessions.csv", list(wide.columns), _wide_rows(wide))
    codebook = [{k: neutralise(v) for k, v in row.items()} for row in codebook_rows(instrument)]
    write_table(out / "codebook.csv", CODEBOOK_COLUMNS, codebook)
    package = json.dumps(_datapackage(long, wide, instrument), indent=2, ensure_ascii=False)
    replace_file(out / "datapackage.json", package + "\n", durable=True, mode=0o644)
    return ExportSummary(
        out=out,
        rows=len(long),
        sessions=len(wide),
        engagements=long["engagement_id"].nunique(),
        redacted_values=withheld,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m widgets.analysis.export",
        description="Write a redacted program dataset (no names, pseudonymous ids, free "
        "text only with consent) with its codebook and datapackage.json.",
    )
    parser.add_argument("--out", required=True, type=Path, help="folder to write the export to")
    parser.add_argument("sources", nargs="*", help="data folders, responses files or globs")
    parser.add_argument("--key", help=f"export key (default: ${KEY_ENV})")
    args = parser.parse_args(argv)
    try:
        summary = export_program(args.out, *args.sources, key=args.key)
    except (ExportError, ValueError, OSError) as exc:
        print(f"Export refused: {exc}", file=sys.stderr)
        return 2
    print(
        f"Exported {summary.rows} rows ({summary.sessions} sessions, {summary.engagements} "
        f"engagements) to {summary.out}; {summary.redacted_values} free-text answers "
        "withheld for lack of consent."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
