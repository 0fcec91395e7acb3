"""Coaches' responses (or program exports) as one typed long table: ``load_responses``.

Analysts receive folders from many coaches, sometimes overlapping copies of the same
folder, sometimes written by an older instrument version. ``load_responses`` turns any
mix of folders, files and globs into one long table with every column typed, keeping
each row once and each form's latest corrected submission. pandas stays here, in
analysis, out of the live apps (their kernels stay light).

What the steps rest on:

* each file is parsed once into the same columns (:mod:`widgets.analysis.long_columns`),
  through the Arrow parse cache (:mod:`widgets.analysis.cache`), under the store's
  lock when it is a kit store folder (:mod:`widgets.analysis.sources`);
* a row is the same row in every copy of a folder (its ``record_id``), so overlapping
  copies are kept once;
* a correction is a new session with a higher revision: the latest one of each
  (engagement, form, meeting) wins, whole;
* a coach's own folder has no program, cohort or meeting month in its rows: they come
  from its private registry, whose names are never read into the table.
"""

from __future__ import annotations

import os
import threading
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import pandas as pd

from widgets.analysis.cache import cache_dir, parse_with_cache, prepare_cache_folder
from widgets.analysis.categoricals import categorical, drop_unused_categories, first_rows
from widgets.analysis.long_columns import (
    CATEGORY_COLUMNS,
    LONG_COLUMNS,
    concat_long_frames,
    empty_long_frame,
)
from widgets.analysis.sources import (
    DataSource,
    LoaderError,
    is_program_export,
    recency,
    resolve_sources,
)
from widgets.analysis.validation import check_distinct_sources, drop_invalid_values
from widgets.instrument.instrument import Instrument
from widgets.instrument.yaml_loading import load_instrument
from widgets.store.responses import ResponseStore
from widgets.store.tables import read_table

__all__ = ["LONG_COLUMNS", "LoaderError", "load_responses", "load_engagements"]


def load_responses(
    *sources: str | os.PathLike[str],
    latest_only: bool = True,
    cache: bool | str | os.PathLike[str] = True,
    instrument: Instrument | None = None,
) -> pd.DataFrame:
    """Every response row of ``sources`` as one typed long table.

    ``sources`` are data folders (their ``responses.csv``; read under the store lock when
    the folder is a kit store), CSV files, or globs; none means the kit's data root.
    Rows present in several sources (overlapping copies) are kept once, by record_id.
    With ``latest_only`` each (engagement_id, form, meeting_number) keeps only its
    latest submission, whole. Columns: ``LONG_COLUMNS``; program, cohort and
    meeting_month come from the export itself or, for a coach's own folder, from its
    private registry (names are never read into the table). ``cache`` may be False or
    a folder of your own (default: :func:`~widgets.analysis.cache.cache_dir`:
    ``ALIGNMENT_KIT_CACHE``, else beside each file only in a folder that is yours).
    A source that cannot be read raises :class:`LoaderError`; a folder loaded with its
    own program export raises :class:`~widgets.analysis.validation.DuplicateSourceError`.
    Values that do not fit the codebook (a feeling of 9, "maybe" for a yes/no) are left
    out and listed by :func:`~widgets.analysis.validation.validation_report`.
    """
    instrument = instrument or load_instrument()
    if not sources:
        from widgets.paths import exports_dir

        sources = (exports_dir(),)
    resolved = resolve_sources(sources)
    # Cache entries are written by threads while the rows are worked on; all of them
    # are on disk when this returns.
    writes: list[threading.Thread] = []
    try:
        frames = _parse_sources(resolved, cache, instrument, writes)
        check_distinct_sources(frames, [source.path for source in resolved])
        frame = concat_long_frames(frames) if frames else empty_long_frame(instrument)
        if len(frames) > 1:
            frame = _newest_copies(frame, [len(part) for part in frames], resolved)
        if latest_only and len(frame):
            keep = _latest_sessions(frame)
            if not keep.all():
                # Column by column with the mask: a categorical filters its codes and
                # record_id filters in Arrow, where a frame-wide take gathered each.
                frame = pd.DataFrame(
                    {column: frame[column].array[keep] for column in frame.columns}, copy=False
                )
        else:
            frame = frame.copy()
        if any(source.registry is not None for source in resolved):
            _fill_from_registry(
                frame, load_engagements(*(s.path.parent for s in resolved if s.registry))
            )
        paths = [source.path for source in resolved]
        frame = drop_invalid_values(frame, instrument, frames, paths)
        if any(is_program_export(source) for source in resolved):
            # An older export may hold text a newer one withheld: consent is decided
            # again on the merged rows, from each engagement's latest prep.
            from widgets.analysis.export.redact import apply_consent

            frame = apply_consent(frame, instrument)[0]
        for column in CATEGORY_COLUMNS:
            frame[column] = drop_unused_categories(frame[column])
        return frame
    finally:
        for write in writes:
            write.join()


def _parse_sources(
    resolved: list[DataSource],
    cache: bool | str | os.PathLike[str],
    instrument: Instrument,
    writes: list[threading.Thread],
) -> list[pd.DataFrame]:
    """Each source's typed rows, through its parse cache, read under its store's lock."""
    frames = []
    for source in resolved:
        cache_folder: Path | None
        if cache is True:
            cache_folder = cache_dir(source.path)
        elif cache is False:
            cache_folder = None
        else:
            cache_folder = Path(cache)
        if cache_folder is not None:
            cache_folder = prepare_cache_folder(cache_folder)
        lock = ResponseStore(source.store).reading() if source.store else nullcontext()
        with lock:
            frames.append(parse_with_cache(source.path, instrument, cache_folder, writes))
    return frames


def _newest_copies(
    frame: pd.DataFrame, lengths: list[int], sources: list[DataSource]
) -> pd.DataFrame:
    """Each record once, from the most recent source holding it (not the first loaded).

    A newer export or save may have withdrawn text an older copy still holds.
    """
    ids = pd.Series(frame["record_id"])
    if not ids.duplicated().any():
        return frame
    newest_last = sorted(range(len(sources)), key=lambda i: recency(sources[i]))
    source_rank = np.empty(len(sources), dtype="int64")
    source_rank[newest_last] = np.arange(len(sources))
    ranks = np.repeat(source_rank, lengths)
    order = np.argsort(ranks, kind="stable")
    older = ids.iloc[order].duplicated(keep="last").to_numpy()
    drop = np.zeros(len(frame), dtype=bool)
    drop[order[older]] = True
    return frame.loc[~drop].reset_index(drop=True)


def load_engagements(*sources: str | os.PathLike[str]) -> pd.DataFrame:
    """Program, cohort and start date per engagement, from each folder's private registry.

    Names are read (the registry holds them) but never returned: analysis only needs
    the grouping labels and the start date that places a meeting in the engagement.
    """
    rows: dict[str, dict[str, str]] = {}
    for source in resolve_sources(sources):
        if source.registry is None:
            continue
        for row in read_table(source.registry):
            rows[row.get("engagement_id", "")] = {
                "engagement_id": row.get("engagement_id", ""),
                "program": row.get("program", ""),
                "cohort": row.get("cohort", ""),
                "start_date": row.get("start_date", ""),
            }
    frame = pd.DataFrame(
        list(rows.values()), columns=["engagement_id", "program", "cohort", "start_date"]
    )
    frame["start_date"] = pd.to_datetime(frame["start_date"], format="%Y-%m-%d", errors="coerce")
    return frame


def _latest_sessions(frame: pd.DataFrame) -> np.ndarray:
    """A row mask keeping only each (engagement, form, meeting) latest submission."""
    session_codes = frame["session_id"].cat.codes.to_numpy()
    first = first_rows(session_codes)
    heads = frame[
        ["engagement_id", "form", "meeting_number", "revision", "recorded_at", "session_id"]
    ].iloc[first]
    heads = heads.sort_values(["revision", "recorded_at"], na_position="first", kind="stable")
    winners = heads.drop_duplicates(["engagement_id", "form", "meeting_number"], keep="last")
    keep = np.zeros(len(frame["session_id"].cat.categories), dtype=bool)
    keep[winners["session_id"].cat.codes.to_numpy()] = True
    return keep[session_codes]


def _fill_from_registry(frame: pd.DataFrame, engagements: pd.DataFrame) -> None:
    """Fill program, cohort and meeting_month from the registry where the rows lack them."""
    if engagements.empty or frame.empty:
        return
    info = engagements.set_index("engagement_id")
    eng = frame["engagement_id"]
    categories = eng.cat.categories
    # int64 before any arithmetic: pandas keeps codes as small as the categories allow
    # (one byte up to 127), and code * width would overflow and mix up engagements.
    codes = eng.cat.codes.to_numpy().astype(np.int64)
    for column in ("program", "cohort"):
        labels = categorical(info[column].reindex(categories).fillna("").to_numpy(dtype=object))
        from_registry = pd.Categorical.from_codes(
            np.asarray(labels.codes)[codes], categories=labels.categories
        )
        present = frame[column]
        if (present.cat.categories == "").all():
            frame[column] = from_registry
        else:
            merged = np.where(
                present.astype(object).to_numpy() == "",
                np.asarray(from_registry, dtype=object),
                present.astype(object).to_numpy(),
            )
            frame[column] = categorical(merged)

    # The meeting's date: the day it started (when held), else the checklist's planned date.
    item_categories = list(frame["item_id"].cat.categories)
    item_codes = frame["item_id"].cat.codes.to_numpy()
    wanted = np.zeros(len(item_codes), dtype=bool)
    for item_id in ("meeting_date", "meeting_started_at"):
        if item_id in item_categories:
            wanted |= item_codes == item_categories.index(item_id)
    picked = frame.loc[wanted, ["engagement_id", "form", "meeting_number", "item_id", "value"]]
    picked = picked[(picked["item_id"] == "meeting_started_at") | (picked["form"] == "checklist")]
    if picked.empty:
        return
    picked = picked.assign(
        day=pd.to_datetime(
            picked["value"].astype(str).str[:10], format="%Y-%m-%d", errors="coerce"
        ),
        rank=(picked["item_id"] == "meeting_started_at").astype(int),
        start=info["start_date"].reindex(picked["engagement_id"].astype(object)).to_numpy(),
    ).dropna(subset=["day", "start"])
    picked = picked[picked["day"] >= picked["start"]]
    picked = picked.sort_values("rank").drop_duplicates(
        ["engagement_id", "meeting_number"], keep="last"
    )
    if picked.empty:
        return
    months = _months_between(
        picked["start"].to_numpy().astype("datetime64[D]"),
        picked["day"].to_numpy().astype("datetime64[D]"),
    )
    # Place each (engagement, meeting) month on its rows through a small lookup table.
    width = int(frame["meeting_number"].max()) + 1
    lookup = np.full(len(categories) * width, -1, dtype="int64")
    positions = picked["engagement_id"].cat.codes.to_numpy().astype(np.int64) * width + picked[
        "meeting_number"
    ].to_numpy(dtype="int64")
    lookup[positions] = months
    row_numbers = frame["meeting_number"].to_numpy(dtype="int64", na_value=0)
    derived = lookup[codes * width + row_numbers]
    current = frame["meeting_month"].array
    fill = current.isna() & (derived > 0)
    if fill.any():
        updated = current.copy()
        updated[fill] = derived[fill]
        frame["meeting_month"] = updated


def _months_between(starts: np.ndarray, days: np.ndarray) -> np.ndarray:
    """``timing.engagement_month`` for arrays of dates (datetime64[D]), vectorised.

    relativedelta counts whole months from the start; a month is whole once the
    start's day of month (clamped to the month's length) has been reached.
    """
    start_month = starts.astype("datetime64[M]")
    day_month = days.astype("datetime64[M]")
    months = (day_month - start_month).astype("int64")
    start_day = (starts - start_month.astype("datetime64[D]")).astype("int64") + 1
    day_of_month = (days - day_month.astype("datetime64[D]")).astype("int64") + 1
    month_length = (
        (day_month + 1).astype("datetime64[D]") - day_month.astype("datetime64[D]")
    ).astype("int64")
    not_reached = np.minimum(start_day, month_length) > day_of_month
    return months + 1 - not_reached.astype("int64")
