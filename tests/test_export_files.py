"""The export folder holds only the export: no lock file, no pointer to a missing session."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path

from tests.test_loader import T0, engagement, save
from widgets.analysis.export.program import export_program

KEY = "test-key-0123456789abcdef"


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_export_folder_has_no_lock_and_no_dangling_supersedes(tmp_path: Path) -> None:
    root = tmp_path / "coach"
    e = engagement(root, "Quorvelle")
    save(root, e.engagement_id, "debrief", 1, {"feeling": "2"}, T0)
    save(root, e.engagement_id, "debrief", 1, {"feeling": "4"}, T0 + timedelta(hours=1))
    raw = _rows(root / "responses.csv")
    assert any(row["supersedes"] for row in raw)  # the correction points at the first save

    out = tmp_path / "out"
    export_program(out, root, key=KEY)
    assert sorted(p.name for p in out.iterdir()) == [
        "codebook.csv",
        "datapackage.json",
        "responses.csv",
        "sessions.csv",
    ]
    for name in ("responses.csv", "sessions.csv"):
        exported = _rows(out / name)
        sessions = {row["session_id"] for row in exported}
        assert [row["feeling"] if "feeling" in row else row["value"] for row in exported] == ["4"]
        assert all(row.get("supersedes", "") in sessions | {""} for row in exported)


def test_datapackage_documents_the_formula_prefix(tmp_path: Path) -> None:
    root = tmp_path / "coach"
    e = engagement(root, "Quorvelle")
    save(root, e.engagement_id, "prep", 1, {"asks_other": "=1+1", "text_consent": "yes"})
    out = tmp_path / "out"
    export_program(out, root, key=KEY)
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert package["formulaPrefix"] == "'"
    (value,) = [
        field for field in package["resources"][0]["schema"]["fields"] if field["name"] == "value"
    ]
    assert "leading apostrophe (')" in value["description"]
    assert all("apostrophe" in resource["description"] for resource in package["resources"])
    cells = {row["item_id"]: row["value"] for row in _rows(out / "responses.csv")}
    assert cells["asks_other"] == "'=1+1"
