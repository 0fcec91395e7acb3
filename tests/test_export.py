"""The program export: no names, keyed pseudonyms, consent, formula safety, datapackage."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import frictionless
import pytest

from tests.test_loader import engagement, save
from widgets.analysis.export.cli import main
from widgets.analysis.export.program import KEY_ENV, ExportError, export_program
from widgets.analysis.export.redact import pseudonym

KEY = "test-key-0123456789abcdef"
FORMULAS = ['=HYPERLINK("x")', "+1+1", "@SUM(A1)", "-2+3", "\tTAB", "\rCR"]
NAMES = ["Quorvelle", "Brannoch Vey", "Ysoldra", "Maddrick Soll"]
START = date(2024, 12, 7)


@pytest.fixture
def source(tmp_path: Path) -> tuple[Path, str, str]:
    root = tmp_path / "coach"
    root.mkdir()
    yes = engagement(root, "Quorvelle", START, coach="Brannoch Vey", program="P1", cohort="C1")
    no = engagement(root, "Ysoldra", START, coach="Maddrick Soll", program="P1", cohort="C2")
    for e, consent in ((yes, "yes"), (no, "no")):
        eid = e.engagement_id
        save(root, eid, "checklist", 1, {"meeting_date": "2025-01-20", "prep_booked": "yes"})
        save(
            root,
            eid,
            "prep",
            1,
            {
                "success": f"{e.first_name} wants clarity; Brannoch agrees",
                "asks": "feedback",
                "asks_other": FORMULAS[0],
                "off_limits": "private matter only the coachee knows",
                "text_consent": consent,
            },
        )
        meeting = {
            f"{p}": text
            for p, text in zip(
                [
                    "strengths_best",
                    "strengths_impact",
                    "strengths_values",
                    "strengths_superpower",
                    "insights_value",
                    "insights_gift",
                ],
                FORMULAS,
                strict=True,
            )
        }
        meeting.update({"opening_seconds": "-1", "opening_budget_seconds": "180"})
        save(root, eid, "meeting", 1, meeting)
        save(
            root,
            eid,
            "debrief",
            1,
            {"feeling": "4", "feeling_note": f"{e.coach.split()[0]} and {e.first_name}"},
        )
    return root, yes.engagement_id, no.engagement_id


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_refuses_without_a_key(source, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    assert main(["--out", str(tmp_path / "out"), str(source[0])]) == 2
    message = capsys.readouterr().err
    assert KEY_ENV in message and "--key" in message
    with pytest.raises(ExportError, match="only 5 characters"):
        export_program(tmp_path / "out", source[0], key="short")
    assert not (tmp_path / "out" / "responses.csv").exists()


def test_refuses_training_folders(source, tmp_path: Path) -> None:
    (source[0] / "TRAINING").write_text("made-up engagements\n", encoding="utf-8")
    with pytest.raises(ExportError, match="training"):
        export_program(tmp_path / "out", source[0], key=KEY)
    with pytest.raises(ExportError, match="training"):
        export_program(tmp_path / "out", str(source[0] / "responses.csv"), key=KEY)


def test_export_is_redacted(source, tmp_path: Path, monkeypatch) -> None:
    root, yes, no = source
    out = tmp_path / "out"
    monkeypatch.setenv(KEY_ENV, KEY)
    assert main(["--out", str(out), str(root)]) == 0
    files = sorted(p for p in out.iterdir() if p.is_file())
    assert {p.name for p in files} >= {
        "responses.csv",
        "sessions.csv",
        "codebook.csv",
        "datapackage.json",
    }
    everything = b"".join(p.read_bytes() for p in files)
    for name in [*NAMES, *(part for n in NAMES for part in n.split())]:
        assert name.encode().lower() not in everything.lower(), name
    assert yes.encode() not in everything and no.encode() not in everything
    assert START.isoformat().encode() not in everything  # never the start date

    responses = rows(out / "responses.csv")
    assert {r["engagement_id"] for r in responses} == {
        pseudonym(KEY, "engagement", yes),
        pseudonym(KEY, "engagement", no),
    }
    assert {r["program"] for r in responses} == {"P1"} and {
        r["meeting_month"] for r in responses
    } == {"2"}
    by_engagement = {
        eid: {
            r["item_id"]: r
            for r in responses
            if r["engagement_id"] == pseudonym(KEY, "engagement", eid)
        }
        for eid in (yes, no)
    }
    # Without consent: free text empty, the reason given; structured answers kept.
    withheld = by_engagement[no]
    for item in ("success", "asks_other", "strengths_best", "feeling_note"):
        assert (
            withheld[item]["value"] == "" and withheld[item]["redacted_reason"] == "no_text_consent"
        )
    assert withheld["asks"]["value"] == "feedback" and withheld["feeling"]["value"] == "4"
    # With consent: text kept, names taken out.
    shared = by_engagement[yes]
    assert shared["success"]["value"] == "[name] wants clarity; [name] agrees"
    assert shared["success"]["redacted_reason"] == "names_removed"
    # Coachee-only answers never leave, consent or not: not even an empty row.
    for answers in by_engagement.values():
        assert not {"off_limits", "concerns", "perception", "mindset"} & set(answers)
    assert shared["text_consent"]["value"] == "yes"


def test_coachee_only_text_never_leaves_even_with_consent(source, tmp_path: Path) -> None:
    root, yes, _no = source
    private = {
        "off_limits": "my divorce",
        "concerns": "CONCERN-TEXT about the reorganisation",
        "concern_plan": "PLAN-TEXT we pause",
        "perception": "PERCEPTION-TEXT as a leader",
        "mindset": "MINDSET-TEXT curious",
    }
    save(root, yes, "prep", 1, {"success": "clarity", "text_consent": "yes", **private})
    out = tmp_path / "out"
    export_program(out, root, key=KEY)
    for name in ("responses.csv", "sessions.csv"):
        written = (out / name).read_text(encoding="utf-8")
        for text in private.values():
            assert text not in written, (name, text)
    shared = {r["item_id"]: r["value"] for r in rows(out / "responses.csv")}
    assert shared["success"] == "clarity" and not set(private) & set(shared)


def test_no_cell_can_run_as_a_formula(source, tmp_path: Path) -> None:
    out = tmp_path / "out"
    export_program(out, source[0], key=KEY)
    numeric = {"meeting_number", "revision", "meeting_month", "opening_seconds", "feeling"}
    for name in ("responses.csv", "sessions.csv", "codebook.csv"):
        for row in rows(out / name):
            for column, cell in row.items():
                if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                    typed_number = column in numeric or (
                        column == "value" and row.get("item_type") in ("seconds", "scale")
                    )
                    assert typed_number and cell == "-1", (name, column, cell)
    shared = {r["item_id"]: r["value"] for r in rows(out / "responses.csv") if r["value"]}
    assert shared["strengths_best"] == "'" + '=HYPERLINK("x")'
    assert shared["strengths_impact"] == "'+1+1"
    assert shared["strengths_values"] == "'@SUM(A1)"
    # -1 s does not fit the codebook (seconds are 0 or more): left out, not exported.
    assert "opening_seconds" not in shared
    sessions = [r for r in rows(out / "sessions.csv") if r["form"] == "meeting"]
    assert {r["opening_seconds"] for r in sessions} == {""}


def test_datapackage_validates_and_matches_the_files(source, tmp_path: Path) -> None:
    out = tmp_path / "out"
    export_program(out, source[0], key=KEY)
    report = frictionless.validate(out / "datapackage.json")
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "note"])
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in package["resources"]] == ["responses", "sessions", "codebook"]
    for resource in package["resources"]:
        text = (out / resource["path"]).read_text(encoding="utf-8")
        header = next(csv.reader(io.StringIO(text)))
        assert header == [f["name"] for f in resource["schema"]["fields"]]
        assert resource["schema"]["missingValues"] == [""]
        assert text.count(text.splitlines()[0]) == 1  # one header row
    sessions = {f["name"]: f for f in package["resources"][1]["schema"]["fields"]}
    assert sessions["feeling"]["type"] == "integer"
    assert sessions["feeling"]["constraints"] == {"minimum": 1, "maximum": 5}
    assert sessions["go_deeper"]["constraints"]["enum"][:3] == ["yes", "no", "not_sure"]
    assert sessions["goal_alignment_ok"]["type"] == "boolean"
    assert sessions["meeting_started_at"]["type"] == "datetime"


def test_pseudonyms_are_stable_for_a_key(source, tmp_path: Path) -> None:
    export_program(tmp_path / "a", source[0], key=KEY)
    export_program(tmp_path / "b", source[0], key=KEY)
    export_program(tmp_path / "c", source[0], key=KEY + "-other")
    ids = {
        name: sorted({r["engagement_id"] for r in rows(tmp_path / name / "responses.csv")})
        for name in "abc"
    }
    assert ids["a"] == ids["b"] and not set(ids["a"]) & set(ids["c"])
    assert (tmp_path / "a" / "responses.csv").read_bytes() == (
        tmp_path / "b" / "responses.csv"
    ).read_bytes()
