"""The columnar CSV writer gives the csv module's exact bytes, on awkward cells."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from widgets.analysis.export import cells


def test_columnar_cells_match_the_csv_module_byte_for_byte(tmp_path: Path) -> None:
    awkward = ["plain", 'say "hi"', "a,b", "line\nbreak", "cr\rhere", "=SUM(A1)", "", None, "é ✓"]
    frame = pd.DataFrame(
        {
            "text": pd.Series(awkward, dtype=object),
            "category": pd.Categorical(["x", "+1", None, "x", "y,z", "x", "-2", "@a", "x"]),
            "number": pd.array([1, None, 3, 4, 5, 6, 7, 8, 9], dtype="Int64"),
            "share": [0.5, None, 1.0, 0.25, 0.1, 2.0, 0.0, 3.5, 1e-7],
            "flag": pd.array([True, False, None, True, True, False, True, True, False]),
            "at": pd.to_datetime(["2025-03-01T10:00:00.123+01:00"] * 8 + [None], utc=True),
        }
    )
    path = tmp_path / "sessions.csv"
    cells.write_cells_csv(path, cells.wide_cells(frame))

    def text(value: object, kind: str) -> str:
        if (
            value is None
            or value is pd.NA
            or value is pd.NaT
            or (isinstance(value, float) and pd.isna(value))
        ):
            return ""
        if kind == "flag":
            return "yes" if value else "no"
        if kind == "number":
            return str(int(value))  # type: ignore[call-overload]
        if kind == "share":
            return repr(float(value))  # type: ignore[arg-type]
        if kind == "at":
            return pd.Timestamp(value).tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%S+00:00")
        raw = str(value)
        return "'" + raw if raw.startswith(("=", "+", "-", "@", "\t", "\r")) else raw

    expected = io.StringIO(newline="")
    writer = csv.writer(expected, lineterminator="\r\n")
    writer.writerow(list(frame.columns))
    for row in frame.astype(object).itertuples(index=False):
        writer.writerow([text(v, k) for v, k in zip(row, frame.columns, strict=True)])
    assert path.read_bytes() == expected.getvalue().encode("utf-8")
