"""The store: exact round trips, the clock, revisions, refusals, the data root, crash recovery."""

from __future__ import annotations

import ast
import csv
import importlib
import json
import shutil
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest
from filelock import FileLock

import widgets.store
import widgets.store.journal as journal_module
from tests.fake_clock import FakeClock
from widgets.errors import StoreError
from widgets.ids import InvalidEngagementId
from widgets.store.drafts import DraftStore
from widgets.store.records import RESPONSE_COLUMNS, Answer, Submission
from widgets.store.registry import EngagementRegistry
from widgets.store.responses import ResponseStore
from widgets.store.tables import append_table, read_table, write_table

EID = "e-0123456789ab"
OTHER = "e-ba9876543210"
HEADER = ",".join(RESPONSE_COLUMNS)

TRICKY = [
    "plain",
    "commas, in, the, middle",
    'she said "quote" and ""double""',
    '"starts and ends with quotes"',
    "line one\nline two",
    "windows\r\nline ends\r\n",
    "a lone\rcarriage return",
    "trailing newline\n",
    "\n",
    "emoji 😀👍🏽 and a flag 🇳🇱",
    "Arabic: مرحبا بالعالم",
    "Hebrew: שלום עולם",
    "tab\tinside\tand\ttrailing\t",
    "   leading spaces",
    "trailing spaces   ",
    " ",
    "NA",
    "null",
    "#not a comment",
    "=SUM(A1:A2)",
    "0012",
    "",
]


def tricky_answers() -> list[Answer]:
    return [
        Answer(section="notes", item_id=f"item_{n:02d}", item_type="long_text", value=text)
        for n, text in enumerate(TRICKY)
    ]


def save(
    store: ResponseStore,
    *,
    engagement_id: str = EID,
    form: str = "prep",
    meeting: int = 1,
    answers: list[Answer] | None = None,
) -> Submission:
    return store.submit(
        engagement_id=engagement_id,
        form=form,
        meeting_number=meeting,
        answers=answers if answers is not None else tricky_answers(),
        instrument_version="1.0",
    )


def read_with_pandas(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture
def store(tmp_path: Path) -> ResponseStore:
    return ResponseStore(tmp_path)


# ------------------------------------------------------------------ round trips


def test_tricky_text_round_trips_exactly_through_every_reader(store: ResponseStore) -> None:
    saved = save(store)

    assert [row["value"] for row in store.read_rows()] == TRICKY
    latest = store.latest(EID, "prep", 1)
    assert latest == saved
    assert latest is not None and [a.value for a in latest.answers] == TRICKY
    frame = read_with_pandas(store.responses_path)
    assert list(frame.columns) == list(RESPONSE_COLUMNS)
    assert list(frame["value"]) == TRICKY
    assert list(frame["item_id"]) == [a.item_id for a in tricky_answers()]


def test_each_row_carries_its_context(tmp_path: Path) -> None:
    moment = datetime(2025, 3, 4, 10, 11, 12, 345678, tzinfo=timezone(timedelta(hours=2)))
    store = ResponseStore(tmp_path, clock=lambda: moment)
    saved = save(store, answers=tricky_answers()[:3])

    rows = store.read_rows()
    assert [set(row) for row in rows] == [set(RESPONSE_COLUMNS)] * 3
    assert {row["recorded_at"] for row in rows} == {"2025-03-04T08:11:12.345+00:00"}
    assert saved.recorded_at == "2025-03-04T08:11:12.345+00:00"
    assert {row["session_id"] for row in rows} == {saved.session_id}
    assert len({row["record_id"] for row in rows}) == 3
    assert {(r["engagement_id"], r["form"], r["meeting_number"]) for r in rows} == {
        (EID, "prep", "1")
    }
    assert {(r["revision"], r["supersedes"], r["instrument_version"]) for r in rows} == {
        ("1", "", "1.0")
    }
    assert saved.values() == {a.item_id: a.value for a in tricky_answers()[:3]}


def test_header_is_written_once(tmp_path: Path) -> None:
    for _ in range(3):
        save(ResponseStore(tmp_path), answers=tricky_answers()[:2])
        save(ResponseStore(tmp_path), engagement_id=OTHER, answers=tricky_answers()[:2])

    text = (tmp_path / "responses.csv").read_bytes().decode("utf-8")
    assert text.startswith(HEADER + "\r\n")
    assert text.count(HEADER) == 1
    assert len(read_with_pandas(tmp_path / "responses.csv")) == 12


def test_naive_clock_is_refused(tmp_path: Path) -> None:
    store = ResponseStore(tmp_path, clock=lambda: datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="without a timezone"):
        save(store)
    assert not store.responses_path.exists()


# ------------------------------------------------------------------ the clock

T0 = datetime(2025, 3, 4, 9, 0, tzinfo=timezone.utc)


def test_the_clocks_time_lands_in_each_saved_record(tmp_path: Path) -> None:
    clock = FakeClock(T0)
    store = ResponseStore(tmp_path, clock=clock)
    first = save(store, answers=tricky_answers()[:2])
    clock.advance(minutes=13, seconds=5)
    second = save(store, answers=tricky_answers()[:2])

    assert first.recorded_at == "2025-03-04T09:00:00.000+00:00"
    assert second.recorded_at == "2025-03-04T09:13:05.000+00:00"
    assert [row["recorded_at"] for row in store.read_rows()] == (
        [first.recorded_at] * 2 + [second.recorded_at] * 2
    )
    assert [s.recorded_at for s in store.history(EID)] == [first.recorded_at, second.recorded_at]


def test_the_clocks_time_lands_in_the_draft(tmp_path: Path) -> None:
    clock = FakeClock(T0)
    drafts = DraftStore(tmp_path, clock=clock)
    assert drafts.save(EID, "prep-1", {"success": "x"}) == "2025-03-04T09:00:00.000+00:00"
    clock.advance(seconds=2.5)
    drafts.save(EID, "prep-1", {"success": "xy"})
    assert drafts.load(EID, "prep-1") == ("2025-03-04T09:00:02.500+00:00", {"success": "xy"})


def test_the_clocks_time_lands_in_the_registry_row(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2025, 3, 4, 11, 0, 30, 900000, tzinfo=timezone(timedelta(hours=2))))
    registry = EngagementRegistry(tmp_path, clock=clock)
    made = registry.create(first_name="Ana", start_date=date(2025, 2, 1))
    clock.advance(days=1)
    later = registry.create(first_name="Ben", start_date=date(2025, 2, 1))

    assert made.created_at == "2025-03-04T09:00:30+00:00"
    assert [row["created_at"] for row in read_table(registry.path)] == [
        "2025-03-04T09:00:30+00:00",
        "2025-03-05T09:00:30+00:00",
    ]
    assert registry.all() == [later, made]  # newest first, as the clock says


# ------------------------------------------------------------------ revisions


def test_second_save_supersedes_the_first_and_history_keeps_both(store: ResponseStore) -> None:
    first = save(store, answers=[Answer("s", "success", "text", "first draft")])
    second = save(store, answers=[Answer("s", "success", "text", "corrected")])

    assert (first.revision, first.supersedes) == (1, "")
    assert (second.revision, second.supersedes) == (2, first.session_id)
    latest = store.latest(EID, "prep", 1)
    assert latest is not None and latest.values() == {"success": "corrected"}
    assert store.history(EID) == [first, second]
    assert store.submitted(EID) == {("prep", 1): 2}
    assert [row["value"] for row in store.read_rows()] == ["first draft", "corrected"]


def test_revisions_count_per_form_and_meeting(store: ResponseStore) -> None:
    answers = [Answer("s", "x", "text", "v")]
    save(store, form="prep", answers=answers)
    save(store, form="prep", answers=answers)
    save(store, form="debrief", answers=answers)
    meeting_two = save(store, form="prep", meeting=2, answers=answers)
    save(store, engagement_id=OTHER, form="prep", answers=answers)

    assert meeting_two.revision == 1
    assert store.submitted(EID) == {("prep", 1): 2, ("debrief", 1): 1, ("prep", 2): 1}
    assert store.submitted(OTHER) == {("prep", 1): 1}
    assert store.latest(EID, "meeting", 1) is None
    assert store.latest("e-000000000000", "prep", 1) is None
    assert store.history("e-000000000000") == []
    assert [s.form for s in store.history(EID)] == ["prep", "prep", "debrief", "prep"]


# ------------------------------------------------------------------ refusals


@pytest.mark.parametrize("bad", ["../x", "e-1/../../etc", "e-0123456789AB", "", " e-0123456789ab"])
def test_engagement_ids_the_kit_did_not_issue_are_refused(store: ResponseStore, bad: str) -> None:
    with pytest.raises(InvalidEngagementId, match="not an engagement ID issued by this kit"):
        save(store, engagement_id=bad)
    for read in (lambda: store.latest(bad, "prep", 1), lambda: store.history(bad)):
        with pytest.raises(InvalidEngagementId):
            read()
    assert sorted(p.name for p in store.root.iterdir()) == []


def test_nothing_to_save_is_refused_with_a_message(store: ResponseStore) -> None:
    with pytest.raises(StoreError, match="nothing to save for the 'prep' form"):
        save(store, answers=[])
    assert not store.responses_path.exists()


def test_the_same_item_twice_is_refused(store: ResponseStore) -> None:
    twice = [Answer("s", "success", "text", "a"), Answer("s", "success", "text", "b")]
    with pytest.raises(ValueError, match="'success' is answered twice"):
        save(store, answers=twice)


def test_text_utf8_cannot_hold_is_refused_before_writing(store: ResponseStore) -> None:
    save(store, answers=[Answer("s", "ok", "text", "fine")])
    before = store.responses_path.read_bytes()
    with pytest.raises(StoreError, match="cannot be saved"):
        save(store, answers=[Answer("s", "bad", "text", "half a pair \ud83d")])
    assert store.responses_path.read_bytes() == before


def test_a_file_with_other_columns_is_not_appended_to(store: ResponseStore) -> None:
    store.responses_path.write_bytes(b"who,what\r\nx,y\r\n")
    with pytest.raises(StoreError, match="does not have the kit's columns"):
        save(store)
    assert store.responses_path.read_bytes() == b"who,what\r\nx,y\r\n"


def test_a_held_lock_times_out_with_a_message(
    store: ResponseStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal_module, "LOCK_TIMEOUT_SECONDS", 0.2)
    with FileLock(str(store.root / ".store.lock")), pytest.raises(StoreError, match="locked"):
        save(store)
    assert not store.responses_path.exists()


# ------------------------------------------------------------------ data root


def test_the_environment_decides_the_root_whatever_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "kit-data"
    data.mkdir()
    elsewhere = tmp_path / "notebooks"
    elsewhere.mkdir()
    monkeypatch.setenv("ALIGNMENT_KIT_EXPORTS", str(data))
    monkeypatch.chdir(elsewhere)

    store = ResponseStore()
    save(store)

    assert store.responses_path == data.resolve() / "responses.csv"
    assert store.responses_path.exists()
    assert list(elsewhere.iterdir()) == []
    assert ResponseStore().latest(EID, "prep", 1) is not None


# ------------------------------------------------------------------ crash recovery


class _Killed(BaseException):
    """Stands in for SIGKILL: nothing after it runs, not even an except clause."""


def is_marker(data: bytes) -> bool:
    return data.startswith(b'{"appends"')


def kill_mid_write(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the next data write stop half way, as a process killed inside write() does."""
    real_write_all = journal_module._write_all

    def half_then_die(fd: int, data: bytes) -> None:
        if is_marker(data):
            real_write_all(fd, data)
            return
        real_write_all(fd, data[: len(data) // 2])
        raise _Killed

    monkeypatch.setattr(journal_module, "_write_all", half_then_die, raising=True)


def test_a_write_killed_half_way_is_rolled_back_by_the_next_save(
    store: ResponseStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = save(store)
    second = save(store, form="debrief")
    intact = store.responses_path.read_bytes()

    with monkeypatch.context() as patch:
        kill_mid_write(patch)
        with pytest.raises(_Killed):
            save(store, answers=[*tricky_answers(), Answer("s", "more", "text", "x" * 5000)])
    # What a killed writer leaves: the marker, and half a submission at the end.
    assert (store.root / ".store.pending").exists()
    torn = store.responses_path.read_bytes()
    assert len(torn) > len(intact) and torn.startswith(intact)

    third = save(store, answers=[Answer("s", "after", "text", "after the crash")])

    assert not (store.root / ".store.pending").exists()
    frame = read_with_pandas(store.responses_path)
    assert list(frame["value"]) == TRICKY + TRICKY + ["after the crash"]
    assert store.history(EID) == [first, second, third]
    assert third.revision == 2 and third.supersedes == first.session_id


def test_a_write_killed_half_way_is_rolled_back_by_the_next_read(
    store: ResponseStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = save(store)
    intact = store.responses_path.read_bytes()
    with monkeypatch.context() as patch:
        kill_mid_write(patch)
        with pytest.raises(_Killed):
            save(store)

    assert len(store.read_rows()) == len(TRICKY)
    assert store.responses_path.read_bytes() == intact
    assert store.latest(EID, "prep", 1) == first
    assert store.submitted(EID) == {("prep", 1): 1}


def test_a_killed_index_write_undoes_the_whole_submission(
    store: ResponseStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = save(store)
    intact = store.responses_path.read_bytes()
    real_write_all = journal_module._write_all
    calls = []

    def die_on_index(fd: int, data: bytes) -> None:
        if is_marker(data):
            real_write_all(fd, data)
            return
        calls.append(len(data))
        if len(calls) == 2:  # responses.csv written in full, the index cut short
            real_write_all(fd, data[:10])
            raise _Killed
        real_write_all(fd, data)

    with monkeypatch.context() as patch:
        patch.setattr(journal_module, "_write_all", die_on_index)
        with pytest.raises(_Killed):
            save(store)

    assert store.history(EID) == [first]
    assert store.responses_path.read_bytes() == intact


def test_an_unreadable_marker_is_discarded_without_touching_data(store: ResponseStore) -> None:
    save(store)
    intact = store.responses_path.read_bytes()
    (store.root / ".store.pending").write_bytes(b'{"appends": [["responses.c')

    assert len(store.read_rows()) == len(TRICKY)
    assert store.responses_path.read_bytes() == intact
    assert not (store.root / ".store.pending").exists()


def test_a_marker_naming_files_outside_the_root_is_refused(store: ResponseStore) -> None:
    plan = {"appends": [["../elsewhere.csv", 0, 10]], "patches": []}
    (store.root / ".store.pending").write_text(json.dumps(plan), encoding="utf-8")
    with pytest.raises(StoreError, match="outside"):
        store.read_rows()


def test_reading_gives_other_readers_a_whole_file(
    store: ResponseStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    save(store)
    with monkeypatch.context() as patch:
        kill_mid_write(patch)
        with pytest.raises(_Killed):
            save(store)
    with store.reading() as path:
        assert list(read_with_pandas(path)["value"]) == TRICKY


# ------------------------------------------------------------------ the index


def test_rows_are_found_without_an_index(store: ResponseStore, tmp_path: Path) -> None:
    first = save(store)
    second = save(store)
    shutil.rmtree(store.root / "index")

    assert store.history(EID) == [first, second]

    copied = tmp_path / "copied"
    copied.mkdir()
    shutil.copy(store.responses_path, copied / "responses.csv")
    elsewhere = ResponseStore(copied)
    assert elsewhere.latest(EID, "prep", 1) == second
    assert save(elsewhere).revision == 3


def test_rows_appended_by_another_tool_are_found(store: ResponseStore) -> None:
    first = save(store, answers=[Answer("s", "success", "text", "mine")])
    foreign = {column: "" for column in RESPONSE_COLUMNS}
    foreign.update(
        record_id="r-1",
        recorded_at="2025-01-01T00:00:00.000+00:00",
        engagement_id=OTHER,
        session_id="s-foreign",
        form="prep",
        meeting_number="1",
        item_id="success",
        value="theirs, with a comma",
        revision="1",
    )
    with open(store.responses_path, "a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, RESPONSE_COLUMNS).writerow(foreign)

    theirs = store.latest(OTHER, "prep", 1)
    assert theirs is not None and theirs.values() == {"success": "theirs, with a comma"}
    assert save(store, engagement_id=OTHER).supersedes == "s-foreign"
    assert store.latest(EID, "prep", 1) == first


def test_a_replaced_file_is_reindexed(tmp_path: Path) -> None:
    (tmp_path / "here").mkdir()
    (tmp_path / "there").mkdir()
    here = ResponseStore(tmp_path / "here")
    there = ResponseStore(tmp_path / "there")
    save(here, answers=[Answer("s", "a", "text", "here")])
    save(here, answers=[Answer("s", "a", "text", "here again")])
    theirs = save(there, answers=[Answer("s", "a", "text", "there, and longer " * 20)])
    shutil.copy(there.responses_path, here.responses_path)

    assert here.history(EID) == [theirs]
    assert here.submitted(EID) == {("prep", 1): 1}


# ------------------------------------------------------------------ small tables

COLUMNS = ("engagement_id", "first_name", "note")


def test_write_table_replaces_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "codebook.csv"
    write_table(path, COLUMNS, [{"engagement_id": "a", "note": TRICKY[5]}, {"first_name": "É"}])
    assert read_table(path) == [
        {"engagement_id": "a", "first_name": "", "note": TRICKY[5]},
        {"engagement_id": "", "first_name": "É", "note": ""},
    ]
    write_table(path, COLUMNS, [{"note": "only"}])
    assert read_table(path) == [{"engagement_id": "", "first_name": "", "note": "only"}]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".store.lock", "codebook.csv"]
    with pytest.raises(ValueError, match="'typo'"):
        write_table(path, COLUMNS, [{"typo": "x"}])
    assert read_table(path) == [{"engagement_id": "", "first_name": "", "note": "only"}]


def test_append_table_writes_one_header_and_keeps_text_exact(tmp_path: Path) -> None:
    path = tmp_path / "private" / "engagements.csv"
    assert read_table(path) == []
    for text in TRICKY:
        append_table(path, COLUMNS, [{"engagement_id": EID, "note": text}])
    append_table(path, COLUMNS, [])

    assert [row["note"] for row in read_table(path)] == TRICKY
    assert path.read_text(encoding="utf-8").count("engagement_id,first_name,note") == 1
    assert list(read_with_pandas(path)["note"]) == TRICKY
    with pytest.raises(StoreError, match="has the columns"):
        append_table(path, ("other",), [{"other": "x"}])


def test_append_table_rolls_back_a_killed_append(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "registry.csv"
    append_table(path, COLUMNS, [{"engagement_id": EID}])
    with monkeypatch.context() as patch:
        kill_mid_write(patch)
        with pytest.raises(_Killed):
            append_table(path, COLUMNS, [{"note": "x" * 1000}])
    assert read_table(path) == [{"engagement_id": EID, "first_name": "", "note": ""}]


# ------------------------------------------------------------------ kernel weight


def test_the_store_imports_only_the_standard_library_and_filelock() -> None:
    store = Path(journal_module.__file__).parent
    sources = [*store.glob("*.py"), store.parent / "clock.py", store.parent / "errors.py"]
    imported = set()
    for source in sources:
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    assert imported - set(sys.stdlib_module_names) - {"widgets"} == {"filelock"}


def test_a_kernel_that_saves_loads_nothing_heavy() -> None:
    code = (
        "import sys, widgets.store, widgets.store.responses, widgets.store.drafts, "
        "widgets.store.registry, widgets.store.tables; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'pandas', 'numpy', 'pyarrow', 'ipywidgets', 'yaml', 'pydantic'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("name", widgets.store.__all__)
def test_the_package_reaches_each_public_name_at_its_home(name: str) -> None:
    value = getattr(widgets.store, name)
    home = importlib.import_module(widgets.store._HOMES[name])
    assert value is getattr(home, name)
    assert name in home.__all__


def test_importing_the_package_loads_none_of_its_modules() -> None:
    code = (
        "import sys, widgets.store; "
        "print(sorted(m for m in sys.modules if m.startswith('widgets.store')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['widgets.store']"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a,b,c\n",
        "a,b,c\n1,2,3\n",
        "\ufeffa,b\r\n1,2\r\n\r\n3,4\r\n",
        'a,b\n"x\ny","q""z"\n',
        "a,b,c\n1,2\n",
        "a,b\n1,2,3,4\n",
        "a,b\n1,2\n,\n",
    ],
    ids=["empty", "header", "plain", "bom-crlf-blank", "quoted", "short", "long", "blanks"],
)
def test_small_tables_read_as_the_csv_module_reads_them(tmp_path: Path, text: str) -> None:
    """A registry read fast still gives each row exactly as csv.DictReader would."""
    from widgets.store.csv_codec import read_dicts

    path = tmp_path / "table.csv"
    path.write_text(text, encoding="utf-8", newline="")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        expected = [dict(row) for row in csv.DictReader(handle)]
    assert read_dicts(path) == expected
