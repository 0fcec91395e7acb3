"""One row per meeting of an engagement, everything about it side by side: ``meetings_table``.

The wide table has one row per saved form, so "did feeling differ when goals were
skipped?" needs the prep, the meeting and the debrief of one meeting joined by hand.
This table does that join once: one row per (engagement_id, meeting_number), with the
checklist's, prep's, meeting's and debrief's answers as columns, the asks of the
manager as one boolean column per choice, and choice columns labelled with the words
the coachee saw (from the codebook), so a groupby reads as plain language.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from widgets.analysis.categoricals import first_rows
from widgets.analysis.filters import MEETING_KEY
from widgets.instrument.instrument import Instrument
from widgets.instrument.yaml_loading import load_instrument

__all__ = ["FORMS", "MEETING_COLUMNS", "meetings_table"]

# The forms of one meeting, in the order they are filled in.
FORMS: tuple[str, ...] = ("checklist", "prep", "meeting", "debrief")
# The first columns of the table, before the forms' answers.
MEETING_COLUMNS: tuple[str, ...] = (
    "engagement_id",
    "meeting_number",
    "program",
    "cohort",
    "meeting_month",
    "held",
)


def _choice_labels(instrument: Instrument) -> dict[str, dict[str, str]]:
    """item_id -> {stored value: label} for every choice item of the codebook."""
    labels: dict[str, dict[str, str]] = {}
    for entry in instrument.codebook():
        if entry.type not in ("choice", "several"):
            continue
        pairs = [part.split("=", 1) for part in entry.choices.split(";") if part.strip()]
        labels.setdefault(
            entry.item_id,
            {p[0].strip(): (p[1].strip() if len(p) > 1 else p[0].strip()) for p in pairs},
        )
    return labels


def _form_items(instrument: Instrument, sessions: pd.DataFrame) -> dict[str, list[str]]:
    """The wide-table columns that belong to each form (checkpoint ticks with the meeting)."""
    items: dict[str, list[str]] = {form: [] for form in FORMS}
    taken: set[str] = set()
    for entry in instrument.codebook():
        if entry.form not in items or entry.item_id in taken or entry.item_id not in sessions:
            continue
        taken.add(entry.item_id)
        items[entry.form].append(entry.item_id)
        if f"{entry.item_id}_ticked" in sessions:
            items[entry.form].append(f"{entry.item_id}_ticked")
    return items


def meetings_table(
    sessions: pd.DataFrame, *, instrument: Instrument | None = None, labels: bool = True
) -> pd.DataFrame:
    """One row per (engagement_id, meeting_number): its checklist, prep, meeting, debrief.

    ``sessions`` is the wide table (:func:`~widgets.analysis.wide_table.wide_sessions`,
    perhaps filtered). Columns: ``MEETING_COLUMNS`` (``held``: the meeting form was
    saved), then per form ``<form>_recorded_at`` and its items, typed as in the wide
    table. ``asks`` becomes ``asks_<choice>`` booleans (missing where no prep answered
    it); with ``labels`` every choice column shows the codebook's labels instead of
    the stored values. A form saved more than once counts by its latest save.
    """
    instrument = instrument or load_instrument()
    # Each session's meeting, numbered by first appearance: the table is built by
    # position, one take per column, in its final order, instead of four merges that
    # each copied every column so far and a sort that copied them all again.
    meeting = (
        sessions.groupby(MEETING_KEY, observed=True, sort=False, dropna=False).ngroup().to_numpy()
    )
    first = first_rows(meeting, numbered=True)
    base = sessions.iloc[first, _positions(sessions, MEETING_COLUMNS[:-1])].reset_index(drop=True)
    base["meeting_month"] = (
        sessions["meeting_month"].reset_index(drop=True).groupby(meeting).first().to_numpy()
    )
    held = np.zeros(len(first), dtype=bool)
    held[meeting[(sessions["form"] == "meeting").to_numpy()]] = True
    base["held"] = held
    order = base[MEETING_KEY].sort_values(MEETING_KEY, kind="stable").index.to_numpy()
    parts = [base.take(order).reset_index(drop=True)]
    choice_labels = _choice_labels(instrument)
    recorded = sessions["recorded_at"].reset_index(drop=True)
    for form, columns in _form_items(instrument, sessions).items():
        rows = np.flatnonzero((sessions["form"] == form).to_numpy())
        # A form saved more than once counts by its latest save (a missing time last).
        saves = pd.DataFrame({"at": recorded.take(rows), "meeting": meeting[rows], "row": rows})
        latest = saves.sort_values("at", kind="stable").drop_duplicates("meeting", keep="last")
        part = sessions.iloc[
            latest["row"].to_numpy(), _positions(sessions, ["recorded_at", *columns])
        ]
        part.index = pd.Index(latest["meeting"].to_numpy())
        part = part.reindex(order).reset_index(drop=True)
        parts.append(part.rename(columns={"recorded_at": f"{form}_recorded_at"}))
    table = pd.concat(parts, axis=1)
    if "asks" in table:
        table = _split_asks(table, choice_labels.get("asks", {}))
    if labels:
        for item_id, mapping in choice_labels.items():
            if item_id in table and isinstance(table[item_id].dtype, pd.CategoricalDtype):
                table[item_id] = table[item_id].cat.rename_categories(
                    lambda value, m=mapping: m.get(value, value)
                )
    return table


def _positions(frame: pd.DataFrame, columns: Sequence[str]) -> list[int]:
    return [frame.columns.get_loc(column) for column in columns]


def _split_asks(table: pd.DataFrame, choices: dict[str, str]) -> pd.DataFrame:
    """``asks`` ("a;b") -> one boolean column per choice, in place of the text column.

    Each distinct answer is split once (a program has a handful), not once per meeting.
    """
    answered = table["asks"].notna().to_numpy()
    codes, texts = pd.factorize(table["asks"].fillna("").astype(str).to_numpy(dtype=object))
    chosen = [{c.strip() for c in str(text).split(";")} for text in texts]
    position = table.columns.get_loc("asks")
    assert isinstance(position, int)
    extra = sorted(set().union(*chosen) - {""} - set(choices))
    for offset, value in enumerate([*choices, *extra]):
        picked = np.array([value in parts for parts in chosen], dtype=bool)
        column = pd.array(picked[codes], dtype="boolean")
        column[~answered] = pd.NA
        table.insert(position + 1 + offset, f"asks_{value}", column)
    return table.drop(columns="asks")
