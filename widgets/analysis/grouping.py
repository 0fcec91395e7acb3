"""Any metric per program, per cohort, or per both: the ``by=`` of every metric.

A program manager compares programs and cohorts side by side, so every metric answers
per group with the group's columns first. Grouping is by whole sessions: a meeting's
checklist, prep, meeting and debrief share an engagement, hence a program and cohort,
so they stay together in one group.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from widgets.errors import InputError

__all__ = ["GROUP_COLUMNS", "GroupingError", "group_columns", "per_group"]

# The columns an analyst groups by; any other session column works too.
GROUP_COLUMNS: tuple[str, ...] = ("program", "cohort")


class GroupingError(InputError, ValueError):
    """``by=`` names a column the table does not have; the message lists those it has."""


def group_columns(by: str | Sequence[str] | None, table: pd.DataFrame) -> list[str]:
    """``by`` as a list of columns of ``table`` (empty for no grouping)."""
    if by is None:
        return []
    columns = [by] if isinstance(by, str) else list(by)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise GroupingError(
            f"Cannot group by {', '.join(map(repr, missing))}: the table has no such column. "
            f"Group by {' or '.join(GROUP_COLUMNS)} (or both, as a list)."
        )
    return columns


def per_group(
    metric: Callable[[pd.DataFrame], pd.DataFrame],
    sessions: pd.DataFrame,
    by: str | Sequence[str] | None,
) -> pd.DataFrame:
    """``metric`` run on each group of ``sessions``, the group's values as first columns.

    Groups with no rows are left out; with no groups at all the result is the metric's
    empty table with the group columns in front, so the columns never depend on the data.
    """
    columns = group_columns(by, sessions)
    parts = []
    for keys, group in sessions.groupby(columns, observed=True, sort=True):
        values = keys if isinstance(keys, tuple) else (keys,)
        table = metric(group)
        for position, (column, value) in enumerate(zip(columns, values, strict=True)):
            table.insert(position, column, value)
        parts.append(table)
    if not parts:
        empty = metric(sessions.iloc[:0])
        for position, column in enumerate(columns):
            empty.insert(position, column, pd.Series([], dtype=object))
        return empty
    return pd.concat(parts, ignore_index=True)
