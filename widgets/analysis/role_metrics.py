"""How often coachees choose each role for their coach in the meeting (``coach_role``).

Its own module so the question reads in one place; :func:`widgets.analysis.metrics.
all_metrics` includes it. Preps saved before the item existed (instrument 1.0.0) have no
answer and are counted apart as ``not_chosen``, so a program's early meetings do not
look as if every coachee chose to have the coach facilitate.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from widgets.analysis.grouping import per_group
from widgets.instrument.instrument import Instrument
from widgets.instrument.yaml_loading import load_instrument

__all__ = ["NOT_CHOSEN", "coach_role_choices"]

NOT_CHOSEN = "not_chosen"
_ITEM = "coach_role"
_COLUMNS = ["meeting_number", "coach_role", "label", "preps", "share"]


def coach_role_choices(
    sessions: pd.DataFrame,
    instrument: Instrument | None = None,
    *,
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Per meeting number, how many preps chose each role, and their share of all preps.

    Every role of the instrument is listed, chosen or not, in the instrument's order,
    then ``not_chosen``. Columns: meeting_number, coach_role, label, preps, share.
    """
    instrument = instrument or load_instrument()
    if by is not None:
        return per_group(lambda part: coach_role_choices(part, instrument), sessions, by)
    labels = {c.value: c.label for c in instrument.form("prep").item(_ITEM).options()}
    labels[NOT_CHOSEN] = "Not chosen in prep"
    preps = sessions.loc[(sessions["form"] == "prep").to_numpy()]
    if _ITEM in preps.columns:
        chosen = preps[_ITEM].astype(object).where(preps[_ITEM].notna(), NOT_CHOSEN)
    else:
        chosen = pd.Series(NOT_CHOSEN, index=preps.index, dtype=object)
    chosen = chosen.replace("", NOT_CHOSEN)
    rows = []
    for number in sorted(set(preps["meeting_number"].dropna())):
        in_meeting = chosen[(preps["meeting_number"] == number).to_numpy()]
        counts = in_meeting.value_counts()
        for value in [*labels, *sorted(set(counts.index) - set(labels))]:
            count = int(counts.get(value, 0))
            rows.append(
                {
                    "meeting_number": int(number),
                    "coach_role": value,
                    "label": labels.get(value, value),
                    "preps": count,
                    "share": count / len(in_meeting) if len(in_meeting) else float("nan"),
                }
            )
    return pd.DataFrame(rows, columns=_COLUMNS)
