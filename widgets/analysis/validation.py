"""Every loaded answer checked against the codebook; what does not fit is reported apart.

A feeling of "9" or "3.5", or "maybe" where the codebook allows yes, no and not sure,
is not an answer the kit can have written: it came from a hand edit, another tool or a
damaged file. Counting it would quietly move a mean or a denominator, so the loader
takes such values out of the table and lists each one, with the file it came from, in
one report (:func:`validation_report`) that the analyst can read, fix and reload.

Loading a coach's raw folder together with that folder's own program export is the
other silent error: the export renames every id, so the same answers would be counted
twice. The saves still carry their times, so the two are recognised and refused
(:func:`check_distinct_sources`).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from pyarrow import compute as pc

from widgets.analysis.sources import LoaderError
from widgets.analysis.wide_table import item_kinds
from widgets.errors import DataError
from widgets.instrument.instrument import Instrument
from widgets.instrument.yaml_loading import load_instrument

__all__ = [
    "PROBLEM_COLUMNS",
    "DuplicateSourceError",
    "InvalidValuesWarning",
    "ValidationReport",
    "check_distinct_sources",
    "drop_invalid_values",
    "validation_report",
]

PROBLEM_COLUMNS = [
    "source",
    "engagement_id",
    "form",
    "meeting_number",
    "session_id",
    "item_id",
    "value",
    "problem",
]
_BOOLEAN = frozenset({"yes", "no", "true", "false", "1", "0"})
_WHOLE = re.compile(r"^[+-]?\d+$")


class DuplicateSourceError(LoaderError):
    """Two sources hold the same saves under different ids (a folder and its own export)."""


class InvalidValuesWarning(DataError, UserWarning):
    """Some loaded values do not fit the codebook and were left out of the table.

    A warning, not an error: the rest of the data is sound and the analysis goes on.
    It is in the kit's ``DataError`` family so that one ``except``/filter covers it.
    """


@dataclass(frozen=True, eq=False)
class ValidationReport:
    """The problems found while loading a table, kept in ``table.attrs["validation"]``.

    pandas copies ``attrs`` into every derived frame; this object is shared rather than
    copied (it is never changed), so carrying it costs nothing however large it is.
    """

    problems: pd.DataFrame

    def __deepcopy__(self, memo: dict[int, Any]) -> ValidationReport:
        return self


def validation_report(table: pd.DataFrame) -> pd.DataFrame:
    """The values left out of ``table`` because they do not fit the codebook.

    One row per left-out value, columns ``PROBLEM_COLUMNS``: the file it came from,
    where it was saved, the value as stored and what the codebook allows. Empty when
    everything fitted (or the table was not made by the loader).
    """
    report = table.attrs.get("validation")
    if isinstance(report, ValidationReport):
        return report.problems.copy()
    return pd.DataFrame(columns=PROBLEM_COLUMNS)


def _scale_ranges(instrument: Instrument) -> dict[str, tuple[int, int]]:
    ranges = {}
    for form in instrument.forms.values():
        for item in form.all_items:
            if item.type == "scale" and item.scale_min is not None and item.scale_max is not None:
                ranges[item.id] = (item.scale_min, item.scale_max)
    return ranges


def _is_timestamp(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text[:10])
    except ValueError:
        return False
    return len(text) == 10 or _is_timestamp(text)


def _problem(
    item_type: str, choices: tuple[str, ...], scale: tuple[int, int] | None, text: str
) -> str:
    """What is wrong with one stored value of an item ("" when it fits)."""
    value = text.strip()
    if value == "":
        return ""
    lowered = value.lower()
    if item_type == "scale":
        low, high = scale or (None, None)
        fits = bool(_WHOLE.match(value)) and (low is None or low <= int(value) <= (high or 0))
        return "" if fits else f"must be a whole number from {low} to {high}"
    if item_type == "seconds":
        try:
            fits = float(value) >= 0
        except ValueError:
            fits = False
        return "" if fits else "must be a number of seconds, 0 or more"
    if item_type in ("yes_no", "tick"):
        return "" if lowered in _BOOLEAN else "must be yes or no"
    if item_type == "choice" and choices:
        return "" if value in choices else f"must be one of {', '.join(choices)}"
    if item_type == "several" and choices:
        unknown = [part for part in value.split(";") if part.strip() not in (*choices, "")]
        return "" if not unknown else f"each choice must be one of {', '.join(choices)}"
    if item_type == "date":
        return "" if _is_date(value) else "must be a date (YYYY-MM-DD)"
    if item_type == "timestamp":
        return "" if _is_timestamp(value) else "must be a date and time (ISO 8601)"
    if item_type == "checkpoint":
        fits = _is_timestamp(value) or lowered in _BOOLEAN
        return "" if fits else "must be the time of the tick (ISO 8601) or yes/no"
    return ""


# The types _problem can find fault with; any other item's values are kept as they are.
_CHECKED_TYPES = frozenset(
    {"scale", "seconds", "yes_no", "tick", "date", "timestamp", "checkpoint"}
)
# A date and time as the kit writes it (isoformat), from the year 1000, on a day every
# year has (29 February is left out): every such text is one datetime.fromisoformat
# accepts, in every supported Python. Any other text is checked one by one.
_PLAIN_TIMESTAMP = (
    r"^[1-9][0-9]{3}-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)"
    r"|(0[13578]|1[02])-31)T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{3}|\.[0-9]{6})?"
    r"([+-]([01][0-9]|2[0-3]):[0-5][0-9])?$"
)


def _is_checked(item_type: str, choices: tuple[str, ...]) -> bool:
    """Whether :func:`_problem` may find fault with a value of this item."""
    return item_type in _CHECKED_TYPES or (item_type in ("choice", "several") and bool(choices))


def _plain_timestamps(texts: np.ndarray) -> np.ndarray:
    """Which texts are dates and times as the kit writes them (all of them valid)."""
    if not len(texts):
        return np.zeros(0, dtype=bool)
    matched = pc.match_substring_regex(pa.array(texts, type=pa.string()), _PLAIN_TIMESTAMP)
    return matched.to_numpy(zero_copy_only=False).astype(bool)


def _sources_of(record_ids: pd.Series, frames: Sequence[pd.DataFrame], paths: Sequence[Path]):
    """The file each record id was first read from (only called for the few bad rows)."""
    found = pd.Series("", index=record_ids.index, dtype=object)
    for frame, path in zip(frames, paths, strict=True):
        inside = record_ids.isin(frame["record_id"]) & (found == "")
        found[inside] = str(path)
    return found


def drop_invalid_values(
    long: pd.DataFrame,
    instrument: Instrument | None = None,
    frames: Sequence[pd.DataFrame] = (),
    paths: Sequence[Path] = (),
) -> pd.DataFrame:
    """``long`` without the values that do not fit the codebook, the report attached.

    Types, scale ranges and choices come from the instrument; items the codebook does
    not know (an older instrument's) and free text are kept as they are. Each distinct
    (item, value) pair is checked once, so a million rows cost a few thousand checks.
    ``frames`` and ``paths`` (the sources as read) name the file of each bad value.
    Warns with :class:`InvalidValuesWarning` when anything was left out.
    """
    instrument = instrument or load_instrument()
    kinds = {entry.item_id: entry.type for entry in instrument.codebook()}  # item types, by id
    choices = {item_id: allowed for item_id, (_, allowed) in item_kinds(instrument).items()}
    scales = _scale_ranges(instrument)
    problems = pd.DataFrame(columns=PROBLEM_COLUMNS)
    if len(long):
        items = [str(item) for item in long["item_id"].cat.categories]
        types = np.array([kinds.get(item, "") for item in items] + [""], dtype=object)
        item_codes = long["item_id"].cat.codes.to_numpy().astype(np.int64)
        value_codes = long["value"].cat.codes.to_numpy().astype(np.int64)
        # Only rows whose item has a type to check and that hold a value: free text,
        # items the codebook does not know and blanks always fit.
        checkable = [_is_checked(kinds.get(item, ""), choices.get(item, ())) for item in items]
        checked = np.array([*checkable, False], dtype=bool)[item_codes] & (value_codes >= 0)
        width = max(len(long["value"].cat.categories), 1)
        pair_codes, pairs = pd.factorize(item_codes[checked] * width + value_codes[checked])
        pair_items, pair_values = np.divmod(np.asarray(pairs, dtype=np.int64), width)
        texts = np.asarray(long["value"].cat.categories, dtype=object)[pair_values]
        # Most distinct values are times (every agenda part's start and end): those
        # written as the kit writes them are recognised all at once, the rest one by one.
        fits = np.isin(types[pair_items], ("timestamp", "checkpoint")) & _plain_timestamps(texts)
        messages = np.full(len(pairs), "", dtype=object)
        for index in np.flatnonzero(~fits):
            item = items[pair_items[index]]
            messages[index] = _problem(
                kinds.get(item, ""), choices.get(item, ()), scales.get(item), str(texts[index])
            )
        bad = np.zeros(len(long), dtype=bool)
        bad[checked] = (messages != "")[pair_codes]
        if bad.any():
            rows = long.loc[bad, PROBLEM_COLUMNS[1:-1]].astype(object)
            rows.insert(0, "source", _sources_of(long.loc[bad, "record_id"], frames, paths))
            rows["problem"] = messages[pair_codes[bad[checked]]]
            rows["problem"] = [
                f"{item} {message}"
                for item, message in zip(rows["item_id"], rows["problem"], strict=True)
            ]
            problems = rows.reset_index(drop=True)
            long = long.loc[~bad].reset_index(drop=True)
            warnings.warn(
                f"{len(problems)} loaded values do not fit the codebook (for example "
                f"{problems['item_id'].iloc[0]} = {problems['value'].iloc[0]!r}) and were "
                "left out of the table and every metric. validation_report(table) lists "
                "each one with its file; correct them there and load again.",
                InvalidValuesWarning,
                stacklevel=3,
            )
    long.attrs["validation"] = ValidationReport(problems)
    return long


# Item types whose values a program export keeps as saved (free text may be redacted).
_STRUCTURED = ("scale", "seconds", "yes_no", "tick", "choice", "several", "date", "timestamp")


def _category_hashes(values: pd.Series) -> np.ndarray:
    """A stable hash per row of a categorical, computed once per category."""
    categories = pd.Index(values.cat.categories.astype(str))
    hashes = pd.util.hash_array(categories.to_numpy(dtype=object))
    codes = values.cat.codes.to_numpy()
    return np.where(codes >= 0, hashes[np.maximum(codes, 0)], np.uint64(0))


def _save_keys(frame: pd.DataFrame) -> pd.MultiIndex:
    """What identifies a save whatever its ids: form, meeting, saved second and answers.

    The answers are a hash of the structured ones (choices, numbers, dates), which an
    export keeps as saved, so two coaches saving the same form in the same second are
    still told apart.
    """
    structured = frame["item_type"].astype(object).isin(_STRUCTURED).to_numpy()
    row_hash = (
        _category_hashes(frame["item_id"]) * np.uint64(31) + _category_hashes(frame["value"])
    ) * structured.astype(np.uint64)
    answers = (
        pd.Series(row_hash, dtype="uint64").groupby(frame["session_id"].cat.codes.to_numpy()).sum()
    )
    heads = frame.drop_duplicates("session_id")
    return pd.MultiIndex.from_arrays(
        [
            heads["form"].astype(object).to_numpy(),
            heads["meeting_number"].astype("float64").to_numpy(),
            heads["recorded_at"].dt.floor("s").to_numpy(),
            answers.reindex(heads["session_id"].cat.codes.to_numpy()).to_numpy(),
        ]
    ).drop_duplicates()


def check_distinct_sources(frames: Sequence[pd.DataFrame], paths: Sequence[Path]) -> None:
    """Refuse sources where one holds the other's saves under other ids.

    A coach's folder and its program export (or two exports of one folder under
    different keys) share no ids but keep each save's form, meeting and time. When at
    least half of the smaller source's saves appear in another source with no shared
    record, loading both would count those answers twice: the error names both files.
    Two saves at least must match, so two tiny folders never look alike by chance.
    """
    if len(frames) < 2:
        return
    keys = [_save_keys(frame) if len(frame) else None for frame in frames]
    for i in range(len(frames)):
        for j in range(i + 1, len(frames)):
            left, right = keys[i], keys[j]
            if left is None or right is None:
                continue
            shared = len(left.intersection(right))
            if shared < 2 or shared * 2 < min(len(left), len(right)):
                continue
            if frames[i]["record_id"].isin(frames[j]["record_id"]).any():
                continue  # overlapping copies of one folder: kept once by record_id
            raise DuplicateSourceError(
                f"{paths[i]} and {paths[j]} hold the same saves under different ids "
                f"({shared} saves match by form, meeting, time and answers): one is probably the "
                "program export of the other, and loading both would count every answer "
                "twice. Load only one of them."
            )
