"""Names are scrubbed per engagement; a source without its registry shares no free text."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import pytest

from tests.test_loader import engagement, save
from widgets.analysis.export.cli import main
from widgets.analysis.export.program import ExportError, export_program
from widgets.analysis.export.redact import pseudonym
from widgets.store.tables import read_table, write_table

KEY = "test-key-0123456789abcdef"
START = date(2024, 12, 7)
WORDS = "I will ask what may help, and take it with grace. Will it? May be. Grace too."


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def shared(root: Path, name: str, coach: str, note: str) -> str:
    """One engagement that consented to sharing text, with one debrief note."""
    e = engagement(root, name, START, coach=coach, program="P1", cohort="C1")
    save(root, e.engagement_id, "prep", 1, {"success": note, "text_consent": "yes"})
    save(root, e.engagement_id, "debrief", 1, {"feeling": "4", "feeling_note": note})
    return e.engagement_id


def exported_text(out: Path, engagement_id: str, item: str = "feeling_note") -> dict[str, str]:
    wanted = pseudonym(KEY, "engagement", engagement_id)
    (row,) = [
        r
        for r in rows(out / "responses.csv")
        if r["engagement_id"] == wanted and r["item_id"] == item
    ]
    return row


def test_names_that_are_words_leave_other_engagements_intact(tmp_path: Path) -> None:
    root = tmp_path / "coach"
    will = shared(root, "Will", "Ada Lind", "Will said he will ask Willa. ada agreed.")
    may = shared(root, "May", "Ada Lind", "May may go first; MAY decides.")
    grace = shared(root, "Grace", "Ada Lind", "Grace showed grace under pressure.")
    other = shared(root, "Samira", "Ada Lind", WORDS)
    out = tmp_path / "out"
    export_program(out, root, key=KEY)

    # Each engagement loses its own people: the name as a name (on word boundaries, so
    # "Willa" stays), the coach's name in any case.
    assert exported_text(out, will)["value"] == "[name] said he will ask Willa. [name] agreed."
    assert exported_text(out, may)["value"] == "[name] may go first; [name] decides."
    assert exported_text(out, grace)["value"] == "[name] showed grace under pressure."
    assert exported_text(out, will)["redacted_reason"] == "names_removed"
    # Another engagement's text keeps every "will", "may" and "grace", even capitalised.
    untouched = exported_text(out, other)
    assert untouched["value"] == WORDS and untouched["redacted_reason"] == ""
    assert exported_text(out, other, "success")["value"] == WORDS


def test_a_manager_named_in_the_registry_is_removed(tmp_path: Path) -> None:
    root = tmp_path / "coach"
    eid = shared(root, "Samira", "Ada Lind", "Samira wants Jonas Berg to hear it; jonas agreed.")
    registry = root / "private" / "engagements.csv"
    people = read_table(registry)
    columns = [*people[0].keys(), "manager"]
    write_table(registry, columns, [{**row, "manager": "Jonas Berg"} for row in people])
    out = tmp_path / "out"
    export_program(out, root, key=KEY)
    assert exported_text(out, eid)["value"] == "[name] wants [name] to hear it; [name] agreed."


def test_a_copy_without_its_registry_is_refused_or_shared_without_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "coach"
    eid = shared(root, "Samira", "Ada Lind", "Samira wants Jonas to hear it")
    received = tmp_path / "received"
    received.mkdir()
    shutil.copy(root / "responses.csv", received / "responses.csv")
    out = tmp_path / "out"

    with pytest.raises(ExportError, match=r"received has no private/engagements\.csv") as error:
        export_program(out, received, key=KEY)
    assert "--withhold-text" in str(error.value)
    assert main(["--out", str(out), "--key", KEY, str(received / "responses.csv")]) == 2
    assert "received" in capsys.readouterr().err
    assert not (out / "responses.csv").exists()

    assert main(["--out", str(out), "--key", KEY, "--withhold-text", str(received)]) == 0
    everything = (out / "responses.csv").read_text(encoding="utf-8")
    assert "Samira" not in everything and "Jonas" not in everything
    note = exported_text(out, eid)
    assert note["value"] == "" and note["redacted_reason"] == "text_withheld"
    assert exported_text(out, eid, "feeling")["value"] == "4"  # structured answers kept
    # The summary counts both withheld texts (the prep's and the debrief's).
    assert "2 free-text answers withheld" in capsys.readouterr().out
