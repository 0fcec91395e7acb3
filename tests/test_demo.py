"""The synthetic program: schema-true, realistic in shape, same answers for a seed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from widgets.analysis.long_table import load_responses
from widgets.analysis.wide_table import wide_sessions
from widgets.instrument.item_types import ITEM_TYPES, item_type
from widgets.instrument.yaml_loading import DEFAULT_INSTRUMENT_DIR, load_instrument
from widgets.store.registry import EngagementRegistry
from widgets.store.responses import ResponseStore
from widgets.training.demo import FIRST_NAMES, generate_program, main
from widgets.training.sample_answers import load_sample_answers


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


class NoOptions:
    """What a check needs for a value the kit records itself (no choices, no limit)."""

    max_length = None

    def choice_values(self) -> tuple[str, ...]:
        return ()


def test_every_made_up_answer_is_valid_for_its_item() -> None:
    instrument = load_instrument()
    types = {(e.form, e.item_id): e.type for e in instrument.codebook()}
    for demo in generate_program(60, 4):
        for save in demo.submissions:
            form = instrument.form(save.form)
            for answer in save.answers:
                assert types[(save.form, answer.item_id)] == answer.item_type
                if form.has_item(answer.item_id):
                    problem = form.item(answer.item_id).problem(answer.value)
                else:
                    problem = item_type(answer.item_type).check(NoOptions(), answer.value)
                assert problem is None, (answer, problem)


def test_sample_answers_fit_the_instrument() -> None:
    instrument = load_instrument()
    samples = load_sample_answers()
    items = {item.id: item for form in instrument.forms.values() for item in form.all_items}
    assert set(samples.items) <= set(items), "sample answers for items the instrument lacks"
    assert set(samples.types) == set(ITEM_TYPES)
    assert set(samples.sections) <= {s.id for s in instrument.form("meeting").sections}
    for item_id, sample in samples.items.items():
        item = items[item_id]
        assert set(sample.weights) | set(sample.chances) <= set(item.choice_values()), item_id
        assert not sample.texts or item.free_text, item_id
        for text in sample.texts:
            assert "{" not in text.replace("{name}", ""), (item_id, text)
        for other, value in sample.only_if.items():
            assert value in items[other].choice_values(), item_id


def test_free_text_pools_fit_the_field() -> None:
    samples = load_sample_answers()
    # Off-limits topics must never be offered as shareable ones, and the other way round.
    shareable = set(samples.items["share_topics"].texts)
    assert shareable and not shareable & set(samples.items["off_limits"].texts)
    for item_id in ("success", "opening_plan", "closing_plan", "use_of_info"):
        assert samples.items[item_id].texts, item_id


def test_a_new_question_gets_made_up_answers_without_code(tmp_path: Path) -> None:
    folder = tmp_path / "instrument"
    shutil.copytree(DEFAULT_INSTRUMENT_DIR, folder)
    prep = yaml.safe_load((folder / "prep.yaml").read_text(encoding="utf-8"))
    prep["sections"][0]["items"] += [
        {"id": "first_step", "type": "long_text", "wording": "First step?", "tip": "One."},
        {
            "id": "meeting_mode",
            "type": "choice",
            "required": True,
            "wording": "Where do we meet?",
            "tip": "Either works.",
            "choices": [{"value": "room", "label": "A room"}, {"value": "video", "label": "Video"}],
        },
    ]
    (folder / "prep.yaml").write_text(yaml.safe_dump(prep, sort_keys=False), encoding="utf-8")
    instrument = load_instrument(folder)
    seen: dict[str, set[str]] = {"first_step": set(), "meeting_mode": set()}
    for demo in generate_program(40, 2, instrument=instrument):
        for save in demo.submissions:
            for answer in save.answers:
                if answer.item_id in seen:
                    seen[answer.item_id].add(answer.value)
    assert seen["meeting_mode"] == {"room", "video"}
    assert seen["first_step"] and all(seen["first_step"])
