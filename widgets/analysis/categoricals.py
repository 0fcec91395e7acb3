"""Categorical columns built, grouped and trimmed without sorting a million codes.

Every text column of the long table is a categorical, and most of the loader's work is
on their integer codes. pandas' own ways (``pd.Categorical(values)``,
``remove_unused_categories``, ``groupby().head(1)``) sort every code or category first;
on a million rows that sort costs more than the rest of the step. These do the same
with a hash (``factorize``) or a count (``bincount``) instead.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["categorical", "first_rows", "drop_unused_categories"]


def categorical(values: pd.Series | np.ndarray) -> pd.Categorical:
    """Categorical without sorting the categories (sorting a million ids is slow)."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    return pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=object))


def first_rows(codes: np.ndarray, *, numbered: bool = False) -> np.ndarray:
    """The position of each distinct code's first row, in order of first appearance.

    factorize (a hash, not a sort) numbers the codes as they first appear, so the first
    rows are exactly where the running maximum of those numbers steps up. ``numbered``
    says the codes are such numbers already (from ``pd.factorize``): no second hash.
    """
    if not len(codes):
        return np.array([], dtype=np.int64)
    numbers = codes if numbered else pd.factorize(codes)[0]
    running = np.maximum.accumulate(numbers)
    return np.flatnonzero(np.concatenate(([True], running[1:] > running[:-1])))


def drop_unused_categories(values: pd.Series) -> pd.Series:
    """remove_unused_categories without its sort of every code (bincount instead).

    The codes are renumbered with one take through a small table whose extra last
    slot keeps a missing value's -1, and are not checked again: they come from a
    valid categorical.
    """
    codes = values.cat.codes.to_numpy()
    n = len(values.cat.categories)
    present = codes if not len(codes) or codes.min() >= 0 else codes[codes >= 0]
    counts = np.bincount(present, minlength=n)
    if counts.all():
        return values
    used = np.flatnonzero(counts)
    remap = np.full(n + 1, -1, dtype=np.int32)
    remap[used] = np.arange(len(used))
    return pd.Series(
        pd.Categorical.from_codes(
            remap[codes], categories=values.cat.categories[used], validate=False
        ),
        index=values.index,
    )
