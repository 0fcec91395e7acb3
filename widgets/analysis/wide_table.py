"""One row per session, one typed column per item: ``wide_sessions``.

Most program questions are asked of sessions (one save of one form), not of single
answers, so the long table is turned into one row per session with one column per item,
typed by what the item stores: numbers for scales and seconds, booleans for yes/no and
ticks, timestamps, dates, categoricals for choices, strings for text.

The wide table is one pivot: a grid of value codes by (item, session), each item typed
from its distinct values and laid out with one take, with sessions put in their final
order before any column is built.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from widgets.analysis.categoricals import categorical, first_rows
from widgets.instrument.instrument import Instrument
from widgets.instrument.item_types import loader_kinds
from widgets.instrument.yaml_loading import load_instrument

__all__ = ["SESSION_COLUMNS", "item_kinds", "wide_sessions"]

# The per-session columns of the wide table, before one column per item.
SESSION_COLUMNS: tuple[str, ...] = (
    "engagement_id",
    "session_id",
    "form",
    "meeting_number",
    "revision",
    "recorded_at",
    "instrument_version",
    "program",
    "cohort",
    "meeting_month",
    "redacted_reason",
)

_YES = frozenset({"yes", "true", "1"})
_NO = frozenset({"no", "false", "0"})

# How a stored value is typed in the wide table, by item type.
_KIND = loader_kinds()
# The column types, made once: looking "Int64" up by name costs more than typing a
# small column. ("string" stays a name: its storage follows pandas' option when used.)
_INT64, _FLOAT64, _BOOLEAN = pd.Int64Dtype(), pd.Float64Dtype(), pd.BooleanDtype()


def item_kinds(instrument: Instrument | None = None) -> dict[str, tuple[str, tuple[str, ...]]]:
    """item_id -> (how the wide table types it, allowed choice values), from the codebook."""
    instrument = instrument or load_instrument()
    kinds: dict[str, tuple[str, tuple[str, ...]]] = {}
    for entry in instrument.codebook():
        choices = tuple(
            part.split("=", 1)[0].strip() for part in entry.choices.split(";") if part.strip()
        )
        kinds.setdefault(entry.item_id, (_KIND.get(entry.type, "text"), choices))
    return kinds


def _convert(kind: str, choices: tuple[str, ...], values: pd.Index) -> Any:
    """Distinct stored strings -> typed values (called once per item, on its distinct values)."""
    text = pd.Series(values, dtype=object).fillna("")
    if kind == "number":
        numbers = pd.to_numeric(text.where(text != ""), errors="coerce")
        if numbers.dropna().mod(1).eq(0).all():
            return pd.array(numbers.round(), dtype=_INT64)
        return pd.array(numbers, dtype=_FLOAT64)
    if kind == "bool":
        lowered = text.str.strip().str.lower()
        out = pd.array([pd.NA] * len(text), dtype=_BOOLEAN)
        out[lowered.isin(_YES).to_numpy()] = True
        out[lowered.isin(_NO).to_numpy()] = False
        return out
    if kind == "datetime":
        # One fixed unit (microseconds): pandas infers seconds from an all-blank column,
        # and casting every column to that blank's unit used to drop the milliseconds.
        parsed = pd.to_datetime(text.where(text != ""), utc=True, format="ISO8601", errors="coerce")
        return parsed.astype("datetime64[us, UTC]").array
    if kind == "date":
        return pd.to_datetime(
            text.str[:10].where(text != ""), format="%Y-%m-%d", errors="coerce"
        ).array
    if kind == "category":
        extra = sorted(set(text) - set(choices) - {""})
        return pd.Categorical(text.where(text != ""), categories=[*choices, *extra])
    return pd.array(text.where(text != ""), dtype="string")


def wide_sessions(long: pd.DataFrame, *, instrument: Instrument | None = None) -> pd.DataFrame:
    """One row per session (one save of one form), one typed column per item.

    Columns: ``SESSION_COLUMNS``, then every codebook item in instrument order, then any
    item only older files carry. Types: Int64 for scales and seconds, boolean for
    yes/no, ticks and ``*_asked``, UTC datetimes for timestamps and checkpoints, dates
    for dates, categoricals for choices, strings for text and ``several`` ("a;b").
    Each checkpoint also gets ``<id>_ticked`` (boolean): the meeting stores the time of
    the tick, an older form "yes"/"no". From
    :func:`~widgets.analysis.long_table.load_responses` (latest only) this is one row
    per (engagement_id, form, meeting_number).
    """
    kinds = item_kinds(instrument)
    checkpoints = _checkpoint_ids(instrument)
    session_codes, session_uniques = pd.factorize(long["session_id"].cat.codes.to_numpy())
    n = len(session_uniques)
    first = first_rows(session_codes, numbered=True)
    # Sessions are put in their final order now, on the few key columns, so the wide
    # table is built sorted instead of being sorted (all of its columns copied) at the end.
    keys = ["engagement_id", "meeting_number", "form", "recorded_at"]
    key_positions = [long.columns.get_loc(column) for column in keys]
    order = (
        long.iloc[first, key_positions]
        .reset_index(drop=True)
        .sort_values(keys, kind="stable")
        .index
    ).to_numpy()
    first = first[order]
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    session_codes = rank[session_codes]
    heads = long.iloc[first, [long.columns.get_loc(column) for column in SESSION_COLUMNS]]
    out: dict[str, Any] = {}
    for column in SESSION_COLUMNS:
        out[column] = heads[column].reset_index(drop=True)
    if "redacted_reason" in long:
        # A session is marked if any of its rows lost its text.
        # Worked out per category; the extra last slot is a missing value's (code -1).
        reason = long["redacted_reason"]
        texts = np.array([*reason.cat.categories, np.nan], dtype=object)
        reason_codes = reason.cat.codes.to_numpy()
        marked = np.array([text != "" for text in texts], dtype=bool)[reason_codes]
        if marked.any():
            per_session = np.full(n, "", dtype=object)
            per_session[session_codes[marked]] = texts[reason_codes[marked]]
            out["redacted_reason"] = pd.Series(categorical(per_session))

    # One pivot for every item at once: a (item, session) grid of value codes, -1 where
    # a session has no row for the item. Each item is then typed from its distinct
    # values only and laid out with a single take.
    item_cat = long["item_id"]
    item_codes = item_cat.cat.codes.to_numpy()
    value_codes = long["value"].cat.codes.to_numpy()
    value_categories = long["value"].cat.categories
    item_categories = [str(item) for item in item_cat.cat.categories]
    # int32 codes: the grid is items x sessions, the largest array the pivot makes.
    grid = np.full((len(item_categories), n), -1, dtype=np.int32)
    if not len(item_codes) or item_codes.min() >= 0:  # every row names its item
        counts = np.bincount(item_codes, minlength=len(item_categories))
        grid[item_codes, session_codes] = value_codes
    else:
        known = item_codes >= 0
        counts = np.bincount(item_codes[known], minlength=len(item_categories))
        grid[item_codes[known], session_codes[known]] = value_codes[known]
    present = {item: index for index, item in enumerate(item_categories) if counts[index]}
    fallback = (
        dict(zip(long["item_id"].astype(object), long["item_type"].astype(object), strict=False))
        if any(item not in kinds for item in present)
        else {}
    )
    names = [item for item in kinds] + [item for item in present if item not in kinds]
    blanks: dict[tuple[str, tuple[str, ...]], Any] = {}
    for item_id in names:
        kind, choices = kinds.get(item_id, (_KIND.get(fallback.get(item_id, ""), "text"), ()))
        if (kind, choices) not in blanks:
            blanks[kind, choices] = _convert(kind, choices, pd.Index([""], dtype=object))
        blank = blanks[kind, choices]
        index = present.get(item_id)
        if index is None:
            out[item_id] = blank.take(np.zeros(n, dtype=np.int64))
            if kind == "datetime" and item_id in checkpoints:
                out[f"{item_id}_ticked"] = pd.arrays.BooleanArray(
                    np.zeros(n, dtype=bool), np.ones(n, dtype=bool)
                )
            continue
        codes = grid[index]
        has = codes >= 0
        # Distinct codes by a hash, in order of appearance (typing does not depend on it).
        inverse, distinct = pd.factorize(codes[has])
        positions = np.full(n, -1, dtype=np.int64)
        positions[has] = inverse
        typed = _convert(kind, choices, value_categories.take(distinct))
        column = typed.take(positions, allow_fill=True)
        if kind in ("datetime", "date") and column.dtype != blank.dtype:
            column = column.astype(blank.dtype)
        out[item_id] = column
        if kind == "datetime" and item_id in checkpoints:
            stored = pd.Series(value_categories.take(distinct), dtype=object).astype(str)
            stored = stored.str.strip().str.lower()
            ticked = pd.array(((stored != "") & ~stored.isin(_NO)).to_numpy(), dtype=_BOOLEAN)
            out[f"{item_id}_ticked"] = ticked.take(positions, allow_fill=True)
    table = pd.DataFrame(out, copy=False)
    # The loader's validation report travels with the table (see validation_report).
    table.attrs.update(long.attrs)
    return table


def _checkpoint_ids(instrument: Instrument | None) -> frozenset[str]:
    instrument = instrument or load_instrument()
    return frozenset(e.item_id for e in instrument.codebook() if e.type == "checkpoint")
