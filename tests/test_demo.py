"""The synthetic program: schema-true, realistic in shape, same answers for a seed."""

from __future__ import annotations

from pathlib import Path

import pytest

from widgets.analysis.reading import load_responses, wide_sessions
from widgets.instrument.yaml_loading import load_instrument
from widgets.store.registry import EngagementRegistry
from widgets.store.responses import ResponseStore
from widgets.training.demo import FIRST_NAMES, generate_program, main


def answers(seed: int, count: int = 25) -> list:
    return [
        (
            e.first_name,
            e.program,
            e.start_date,
            [(s.form, s.meeting_number, s.recorded_at, s.answers) for s in e.submissions],
        )
        for e in generate_program(count, seed)
    ]


def test_same_seed_same_answers_other_seed_other_answers() -> None:
    assert answers(1) == answers(1)
    assert answers(1) != answers(2)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    assert main(["--engagements", "120", "--seed", "3", "--out", str(out)]) == 0
    return out


def test_writes_through_the_store_and_registry(written: Path) -> None:
    registry = EngagementRegistry(written).all()
    assert len(registry) == 120
    assert {e.first_name for e in registry} <= set(FIRST_NAMES)
    rows = ResponseStore(written).read_rows()
    codebook = {(e.form, e.item_id): (e.section, e.type) for e in load_instrument().codebook()}
    for row in rows:
        assert codebook[(row["form"], row["item_id"])] == (row["section"], row["item_type"]), row
    assert (written / "codebook.csv").exists()


def test_program_has_realistic_variety(written: Path) -> None:
    long = load_responses(written, latest_only=False, cache=False)
    assert long["revision"].max() >= 2  # some corrected forms
    wide = wide_sessions(load_responses(written, cache=False))
    meetings = wide[wide["form"] == "meeting"]
    over = meetings["strengths_seconds"] > meetings["strengths_budget_seconds"]
    assert 0.2 < over.mean() < 0.9
    consent = wide.loc[wide["form"] == "prep", "text_consent"].astype(bool)
    assert 0.5 < consent.mean() < 0.9
    second = set(meetings.loc[meetings["meeting_number"] == 2, "engagement_id"])
    first = set(meetings.loc[meetings["meeting_number"] == 1, "engagement_id"])
    assert 0.15 < len(second) / len(first) < 0.45
    assert meetings["opening_thanks_ticked"].fillna(False).mean() > 0.8
    assert set(wide["meeting_month"].dropna()) >= {1, 2, 3}


def test_refuses_a_folder_with_data(written: Path, capsys) -> None:
    with pytest.raises(SystemExit):
        main(["--out", str(written)])
    assert "already holds responses.csv" in capsys.readouterr().err
