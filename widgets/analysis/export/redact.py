"""What may leave the coach's machine: pseudonyms, consent, no names, no formulas.

A program export is shared across the program, so everything in it is made safe here:

* Ids are pseudonyms: HMAC-SHA256 of the kit's id under a key the program keeps. The
  same key gives the same pseudonyms in every export, so exports from many coaches
  and months join up; without the key nobody can go back to the coach's records.
* Nothing the instrument declares ``coachee_only`` (off limits, concerns, perception,
  mindset): those rows are dropped before anything else, consent or not, since the
  coachee was promised they stay between them and their coach
  (:func:`drop_coachee_only`).
* Free text only where the coachee's latest prep said yes to ``text_consent``;
  otherwise the value is empty and ``redacted_reason`` says why.
* Names are also removed from the free text that may be shared, since notes naturally
  say "Sam did ...": each engagement's own coachee, coach and manager (when the
  registry names one), whole and in parts, on word boundaries; names that are also
  words ("Will", "May") only as names. Other engagements' text is left alone, and text
  whose people are unknown (no registry) is withheld rather than guessed at.
* Text that a spreadsheet would run as a formula (starting with = + - @, tab or CR) gets
  a leading apostrophe (:func:`neutralise`, applied as cells are written).
"""

from __future__ import annotations

import hmac
import os
import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from widgets.analysis.sources import resolve_sources
from widgets.instrument.instrument import Instrument
from widgets.instrument.item_types import FREE_TEXT_TYPES
from widgets.instrument.visibility import COACHEE_ONLY
from widgets.store.tables import read_table

__all__ = [
    "REDACTED_REASONS",
    "pseudonym",
    "pseudonyms",
    "neutralise",
    "COMMON_WORD_NAMES",
    "registry_people",
    "name_pattern",
    "free_text_rows",
    "drop_coachee_only",
    "apply_consent",
    "redact_free_text",
    "pseudonymise",
]

REDACTED_REASONS = ("no_text_consent", "names_removed", "text_withheld")
# Registry columns naming a person of the engagement; ``manager`` is optional.
_PERSON_FIELDS = ("first_name", "coach", "manager")
# Given names that are also everyday English words: matched only capitalised as names,
# so that scrubbing "May" does not turn "it may help" into "it [name] help".
COMMON_WORD_NAMES = frozenset(
    """
    april art august bill bob buck carol chance chase chip christian dawn dean drew
    faith frank gene grace guy hope iris ivy jack jade jay jewel joy june justice
    kit lily mark may miles minnie nick norm olive pat patience penny pearl rich
    river robin rose ruby rusty sage skip sky sonny summer sue sunny ted terry
    trinity victor violet wade ward will willow win winter
    """.split()
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def pseudonym(key: str, kind: str, identifier: str) -> str:
    """Keyed hash of one id: stable for one key, meaningless without it.

    ``kind`` (engagement, session, record) is hashed in, so equal text in two kinds of
    id never gives equal pseudonyms.
    """
    if not identifier:
        return ""
    # hmac.digest is the one-shot C path: a million record ids take a second, not four.
    digest = hmac.digest(key.encode("utf-8"), f"{kind}:{identifier}".encode(), "sha256")
    return f"{kind[0]}-{digest.hex()[:24]}"


def pseudonyms(key: str, kind: str, identifiers: Iterable[object]) -> list[str]:
    """:func:`pseudonym` of each of ``identifiers`` (as text), in one pass.

    The export's largest single step is a million record ids: the key and the kind are
    encoded once, and only the 12 bytes that make the pseudonym are turned into hex.
    """
    secret, prefix, tag = key.encode("utf-8"), f"{kind}:".encode(), f"{kind[0]}-"
    out = []
    for value in identifiers:
        identifier = str(value)
        if not identifier:
            out.append("")
            continue
        digest = hmac.digest(secret, prefix + identifier.encode(), "sha256")
        out.append(tag + digest[:12].hex())
    return out


def neutralise(text: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would read as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def registry_people(sources: Sequence[str | os.PathLike[str]]) -> dict[str, list[str]]:
    """Each engagement's own people, from its registry: coachee, coach and manager.

    Full names and their parts, longest first, so that a full name is replaced whole
    before any of its parts. A registry with a ``manager`` column (optional) adds the
    manager's name. Text is only ever scrubbed of its own engagement's people: the
    names of a whole program, matched everywhere, damage other engagements' notes
    ("Will", "May" and "Grace" are also words).
    """
    people: dict[str, list[str]] = {}
    for source in resolve_sources(sources):
        if source.registry is None:
            continue
        for row in read_table(source.registry):
            names: set[str] = set()
            for field in _PERSON_FIELDS:
                full = (row.get(field) or "").strip()
                if not full:
                    continue
                names.add(full)
                names.update(part for part in re.split(r"[\s\-]+", full) if len(part) >= 2)
            people[row.get("engagement_id", "")] = sorted(names, key=len, reverse=True)
    return people


def name_pattern(names: Sequence[str]) -> re.Pattern[str] | None:
    """One regex for a set of names, on word boundaries.

    A name that is also an ordinary word ("Will", "May", "Grace") matches only as
    written in the registry or in capitals, so "it may rain" keeps its "may"; any other
    name matches in any case ("samira" typed in lower case is still Samira).
    """
    alternatives = []
    for name in sorted(set(names), key=len, reverse=True):
        escaped = re.escape(name)
        if name.lower() in COMMON_WORD_NAMES:
            variants = dict.fromkeys([name[:1].upper() + name[1:], name.upper()])
            alternatives.append("|".join(re.escape(v) for v in variants))
        else:
            alternatives.append(f"(?i:{escaped})")
    if not alternatives:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


def _latest_consent(long: pd.DataFrame) -> dict[str, bool]:
    rows = long[(long["form"] == "prep") & (long["item_id"] == "text_consent")]
    rows = rows.sort_values(["recorded_at", "meeting_number"], kind="stable")
    latest = rows.drop_duplicates("engagement_id", keep="last")
    return {
        str(engagement): str(value).strip().lower() == "yes"
        for engagement, value in zip(latest["engagement_id"], latest["value"], strict=True)
    }


def drop_coachee_only(long: pd.DataFrame, instrument: Instrument) -> tuple[pd.DataFrame, int]:
    """The table without any row of an item whose visibility does not reach program data.

    Dropped, not emptied: an empty value with a reason would still tell an analyst that
    a coachee named off-limits topics or concerns. An item the instrument does not know
    (an older version's) is kept to the usual free-text rules. Returns the table and
    the number of rows dropped.
    """
    private = [e.item_id for e in instrument.codebook() if e.visibility == COACHEE_ONLY]
    drop = np.isin(long["item_id"].astype(object).to_numpy(), private)
    if not drop.any():
        return long, 0
    out = long.loc[~drop].reset_index(drop=True)
    for column in out.columns:
        if isinstance(out[column].dtype, pd.CategoricalDtype):
            out[column] = out[column].cat.remove_unused_categories()
    return out, int(drop.sum())


def free_text_rows(long: pd.DataFrame, instrument: Instrument) -> np.ndarray:
    """A mask of the rows holding free text (by item type, or the codebook's flag)."""
    free_items = {e.item_id for e in instrument.codebook() if e.free_text}
    item_type = long["item_type"].astype(object).to_numpy()
    item_id = long["item_id"].astype(object).to_numpy()
    return _isin(item_type, FREE_TEXT_TYPES) | _isin(item_id, free_items)


def _isin(values: np.ndarray, wanted: Iterable[str]) -> np.ndarray:
    """``np.isin`` by hashing: on text numpy sorts, which took seconds on a million rows."""
    return pd.Series(values, copy=False).isin(list(wanted)).to_numpy(dtype=bool)


def apply_consent(long: pd.DataFrame, instrument: Instrument) -> tuple[pd.DataFrame, int]:
    """Empty free text wherever the engagement's latest prep did not say yes to sharing it.

    Applied after merging sources, so that an older copy of a record that still holds
    text cannot outlive a newer prep that withdrew consent.
    """
    free = free_text_rows(long, instrument)
    consent = _latest_consent(long)
    engagements = long["engagement_id"]
    if isinstance(engagements.dtype, pd.CategoricalDtype):  # one look-up per engagement
        said_yes = np.array([consent.get(e, False) for e in engagements.cat.categories] + [False])
        consented = said_yes[engagements.cat.codes.to_numpy()]
    else:
        consented = engagements.astype(object).map(lambda e: consent.get(e, False))
        consented = consented.to_numpy(dtype=bool)
    values = long["value"].astype(object).to_numpy()
    withheld = free & ~consented & (values != "")
    if not withheld.any():
        return long, 0
    values = values.copy()
    reasons = long["redacted_reason"].astype(object).to_numpy().copy()
    values[withheld] = ""
    reasons[withheld] = "no_text_consent"
    out = long.copy()
    out["value"] = pd.Categorical(values)
    out["redacted_reason"] = pd.Categorical(reasons)
    return out, int(withheld.sum())


def redact_free_text(
    long: pd.DataFrame,
    people: dict[str, list[str]] | None,
    instrument: Instrument,
) -> tuple[pd.DataFrame, int]:
    """Empty free text without consent, take each engagement's own people out of the rest.

    ``people`` maps engagement ids to their names (:func:`registry_people`). Free text
    of an engagement it does not know is withheld (``text_withheld``): whose names to
    remove is unknown. ``None`` withholds every free text (the analyst asked for it).
    Returns the table and the number of values withheld.
    """
    long, withheld_count = apply_consent(long, instrument)
    free = free_text_rows(long, instrument)
    values = long["value"].astype(object).to_numpy().copy()
    reasons = long["redacted_reason"].astype(object).to_numpy().copy()
    candidates = free & (values != "")
    engagements = long["engagement_id"].astype(object).to_numpy()
    if people is None:
        unknown = candidates
    else:
        unknown = candidates & ~_isin(engagements, people)
    values[unknown] = ""
    reasons[unknown] = "text_withheld"
    if people:
        rows = np.flatnonzero(candidates & ~unknown)
        by_engagement = pd.Series(rows).groupby(engagements[rows], sort=False)
        for engagement, positions in by_engagement:
            pattern = name_pattern(people.get(str(engagement), []))
            if pattern is None:
                continue
            for index in positions.to_numpy():
                cleaned = pattern.sub("[name]", values[index])
                if cleaned != values[index]:
                    values[index] = cleaned
                    reasons[index] = "names_removed"
    out = long.copy()
    out["value"] = pd.Categorical(values)
    out["redacted_reason"] = pd.Categorical(reasons)
    return out, withheld_count + int(unknown.sum())


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
        mapped = pseudonyms(key, kind, categories)
        out[column] = (
            out[column].cat.rename_categories(mapped)
            if len(set(mapped)) == len(mapped)
            else out[column].astype(object).map(dict(zip(categories, mapped, strict=True)))
        )
    # As an object array: iterating the Arrow-backed column made a string per row slowly.
    out["record_id"] = pseudonyms(key, "record", out["record_id"].to_numpy(dtype=object))
    return out
