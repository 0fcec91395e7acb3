"""What may leave the coach's machine: pseudonyms, consent, no names, no formulas.

A program export is shared across the program, so everything in it is made safe here:

* Ids are pseudonyms: HMAC-SHA256 of the kit's id under a key the program keeps. The
  same key gives the same pseudonyms in every export, so exports from many coaches
  and months join up; without the key nobody can go back to the coach's records.
* Free text only where the coachee's latest prep said yes to ``text_consent``;
  otherwise the value is empty and ``redacted_reason`` says why.
* Names are also removed from the free text that may be shared, since notes naturally
  say "Sam did ...": every first name and coach in the sources' registries, whole and
  in parts.
* Text that a spreadsheet would run as a formula (starting with = + - @, tab or CR) gets
  a leading apostrophe (:func:`neutralise`, applied as cells are written).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from widgets.analysis.sources import resolve_sources
from widgets.instrument.model import FREE_TEXT_TYPES, Instrument
from widgets.store.tables import read_table

__all__ = [
    "REDACTED_REASONS",
    "pseudonym",
    "neutralise",
    "registry_names",
    "redact_free_text",
    "pseudonymise",
]

REDACTED_REASONS = ("no_text_consent", "names_removed")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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


def registry_names(sources: Sequence[str | os.PathLike[str]]) -> list[str]:
    """Every person name in the sources' registries: first names, coaches, their parts.

    Longest first, so that a full name is replaced whole before any of its parts.
    """
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


def _latest_consent(long: pd.DataFrame) -> dict[str, bool]:
    rows = long[(long["form"] == "prep") & (long["item_id"] == "text_consent")]
    rows = rows.sort_values(["recorded_at", "meeting_number"], kind="stable")
    latest = rows.drop_duplicates("engagement_id", keep="last")
    return {
        str(engagement): str(value).strip().lower() == "yes"
        for engagement, value in zip(latest["engagement_id"], latest["value"], strict=True)
    }


def redact_free_text(
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


def pseudonymise(long: pd.DataFrame, key: str) -> pd.DataFrame:
    """The long table with every id (engagement, session, superseded session, record)
    replaced by its :func:`pseudonym` under ``key``."""
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
