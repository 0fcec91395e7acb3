"""The export's self-description: its codebook and a Frictionless ``datapackage.json``.

An export travels without the kit, so it says what it holds: ``codebook.csv`` (every
item id with its wording, type and choices, from the instrument) and a tabular data
package whose schema types every column of ``responses.csv`` and ``sessions.csv``,
with the constraints a validator can check (pseudonym patterns, enums of forms, items,
item types and choices, scale ranges), so ``frictionless validate`` catches a damaged
or hand-edited export.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from widgets.analysis.export.cells import write_export_csv
from widgets.analysis.export.redact import REDACTED_REASONS, neutralise
from widgets.analysis.sources import EXPORT_PACKAGE_NAME
from widgets.analysis.wide_table import item_kinds
from widgets.clock import stamp, utc_now
from widgets.instrument.codebook import CODEBOOK_COLUMNS, codebook_rows
from widgets.instrument.instrument import Instrument
from widgets.instrument.item_types import DERIVED_TYPES, ITEM_TYPES
from widgets.store.atomic_file import replace_file

__all__ = ["FORMULA_NOTE", "datapackage", "write_codebook_csv", "write_datapackage"]

_MISSING = [""]
# Said in the package, on every resource and on the value column: code reading the
# CSVs must know to strip the apostrophe a spreadsheet hides.
FORMULA_NOTE = (
    "Text cells that a spreadsheet would run as a formula (starting with =, +, -, @, a "
    "tab or a carriage return) are written with a leading apostrophe ('), which "
    "spreadsheets hide; code reading these files should remove one leading apostrophe "
    "from such cells. Numbers in numeric columns are never prefixed."
)


def write_codebook_csv(out: Path, instrument: Instrument) -> None:
    """``codebook.csv`` in ``out``, every cell neutralised like the data's own."""
    codebook = [{k: neutralise(v) for k, v in row.items()} for row in codebook_rows(instrument)]
    write_export_csv(out / "codebook.csv", CODEBOOK_COLUMNS, codebook)


def write_datapackage(
    out: Path, long: pd.DataFrame, wide: pd.DataFrame, instrument: Instrument
) -> None:
    """``datapackage.json`` in ``out``, describing the exported ``long`` and ``wide`` tables."""
    package = json.dumps(datapackage(long, wide, instrument), indent=2, ensure_ascii=False)
    replace_file(out / "datapackage.json", package + "\n", durable=True, mode=0o644)


def datapackage(long: pd.DataFrame, wide: pd.DataFrame, instrument: Instrument) -> dict[str, Any]:
    """The data package describing ``responses.csv``, ``sessions.csv`` and ``codebook.csv``."""
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
        _field(
            "value",
            "string",
            "Stored answer; see codebook.csv for its meaning. " + FORMULA_NOTE,
        ),
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
        "name": EXPORT_PACKAGE_NAME,
        # When the export was made: merged exports keep the newest copy of each record.
        "created": stamp(utc_now()),
        "title": "Alignment meeting program export (redacted)",
        "description": (
            "Responses of the manager alignment meeting kit with pseudonymous ids, free "
            "text only where the coachee consented, and no names. " + FORMULA_NOTE
        ),
        "formulaPrefix": "'",
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
        "description": FORMULA_NOTE,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "header": True},
        "schema": schema,
    }
