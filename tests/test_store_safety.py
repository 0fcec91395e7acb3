"""The store never locks everyone out: long values, broken indexes, spreadsheet files,
files it must not append to, read-only and missing folders.

Each test checks what a coach or analyst would notice: every answer saved before is
still read back, and a refusal says what to do.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

import widgets.paths as paths_module
import widgets.store.journal as journal_module
from widgets.errors import InputError, StoreError
from widgets.paths import DataFolderMissing, exports_dir
from widgets.store.records import MAX_ANSWER_CHARS, RESPONSE_COLUMNS, Answer, Submission
from widgets.store.responses import ResponseStore

EID = "e-0123456789ab"
OTHER = "e-ba9876543210"


def save(
    store: ResponseStore, value: str, *, engagement_id: str = EID, item: str = "a"
) -> Submission:
    return store.submit(
        engagement_id=engagement_id,
        form="prep",
        meeting_number=1,
        answers=[Answer("notes", item, "long_text", value)],
        instrument_version="1.0",
    )


def values(store: ResponseStore, engagement_id: str = EID) -> list[str]:
    """Every value saved for the engagement, oldest first, as the store reads it back."""
    return [a.value for s in store.history(engagement_id) for a in s.answers]


def foreign_row(engagement_id: str, session: str, value: str, revision: int) -> list[str]:
    """A row as another tool would append it (same columns, its own ids)."""
    row = dict.fromkeys(RESPONSE_COLUMNS, "")
    row.update(
        record_id=f"r-{session}",
        recorded_at="2025-01-01T00:00:00+00:00",
        engagement_id=engagement_id,
        session_id=session,
        form="prep",
        meeting_number="1",
        section="notes",
        item_id="a",
        item_type="long_text",
        value=value,
        instrument_version="1.0",
        revision=str(revision),
    )
    return [row[column] for column in RESPONSE_COLUMNS]


def append_with_csv_module(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    with open(path, "ab") as handle:
        handle.write(buffer.getvalue().encode("utf-8"))


# ------------------------------------------------------------------ long values


def test_a_value_longer_than_the_csv_modules_default_limit_is_read_and_saved_around(
    tmp_path: Path,
) -> None:
    store = ResponseStore(tmp_path)
    save(store, "first")
    huge = "long " * 40_000  # 200,000 characters: over csv's default 131,072
    append_with_csv_module(store.responses_path, [foreign_row(EID, "s-huge", huge, 2)])
    save(store, "after", engagement_id=OTHER)

    assert values(store) == ["first", huge]
    assert values(store, OTHER) == ["after"]
    assert save(store, "third").revision == 3


def test_a_rebuild_over_an_oversized_value_keeps_every_index_file(tmp_path: Path) -> None:
    store = ResponseStore(tmp_path)
    save(store, "one")
    save(store, "two", engagement_id=OTHER)
    append_with_csv_module(store.responses_path, [foreign_row(EID, "s-huge", "x" * 300_000, 2)])
    (tmp_path / "index" / "_indexed_to").unlink()  # forces a full rebuild

    assert store.submitted(EID) == {("prep", 1): 2}
    assert sorted(p.name for p in (tmp_path / "index").glob("e-*.csv")) == sorted(
        [f"{EID}.csv", f"{OTHER}.csv"]
    )
    assert values(store, OTHER) == ["two"]


def test_an_answer_over_the_cap_is_refused_naming_the_item_and_the_cap(tmp_path: Path) -> None:
    store = ResponseStore(tmp_path)
    save(store, "kept")
    before = store.responses_path.read_bytes()

    with pytest.raises(StoreError) as refused:
        save(store, "y" * (MAX_ANSWER_CHARS + 1), item="story")

    assert isinstance(refused.value, InputError)
    message = str(refused.value)
    assert "'story'" in message and f"{MAX_ANSWER_CHARS:,}" in message
    assert "nothing was saved" in message and "Shorten it" in message
    assert store.responses_path.read_bytes() == before
    assert save(store, "z" * MAX_ANSWER_CHARS).answers[0].value == "z" * MAX_ANSWER_CHARS
    assert values(store) == ["kept", "z" * MAX_ANSWER_CHARS]


# ------------------------------------------------------------------ the index is never trusted


def test_a_deleted_index_file_is_rebuilt_not_read_as_never_saved(tmp_path: Path) -> None:
    store = ResponseStore(tmp_path)
    save(store, "one")
    save(store, "two")
    save(store, "elsewhere", engagement_id=OTHER)
    (tmp_path / "index" / f"{EID}.csv").unlink()

    third = save(store, "three")

    assert third.revision == 3
    assert values(store) == ["one", "two", "three"]
    assert values(store, OTHER) == ["elsewhere"]


def test_a_deleted_index_file_is_noticed_by_a_read_too(tmp_path: Path) -> None:
    store = ResponseStore(tmp_path)
    save(store, "one")
    save(store, "two")
    (tmp_path / "index" / f"{EID}.csv").unlink()

    assert store.submitted(EID) == {("prep", 1): 2}
    latest = store.latest(EID, "prep", 1)
    assert latest is not None and latest.values() == {"a": "two"}


def test_a_damaged_index_file_is_rebuilt(tmp_path: Path) -> None:
    store = ResponseStore(tmp_path)
    save(store, "one")
    save(store, "two")
    (tmp_path / "index" / f"{EID}.csv").write_text("session_id,form\r\nnonsense\r\n")

    assert save(store, "three").revision == 3
    assert values(store) == ["one", "two", "three"]


# ------------------------------------------------------------------ files saved by a spreadsheet


def spreadsheet_copy(data: bytes) -> bytes:
    """What a spreadsheet's "CSV UTF-8" save makes of the file: a BOM, doubled line ends."""
    return b"\xef\xbb\xbf" + data.replace(b"\r\n", b"\r\r\n")


def test_a_file_with_a_bom_and_doubled_line_ends_reads_and_takes_new_saves(
    tmp_path: Path,
) -> None:
    store = ResponseStore(tmp_path)
    save(store, "before, with a comma")
    save(store, "second", engagement_id=OTHER)
    store.responses_path.write_bytes(spreadsheet_copy(store.responses_path.read_bytes()))

    assert values(store) == ["before, with a comma"]
    assert save(store, "after").revision == 2
    assert values(store) == ["before, with a comma", "after"]
    assert values(store, OTHER) == ["second"]
    rows = store.read_rows()
    assert [r["value"] for r in rows if r["engagement_id"] == EID] == [
        "before, with a comma",
        "after",
    ]
    assert store.responses_path.read_bytes().count(b"record_id") == 1


def test_a_file_ending_inside_an_open_quote_refuses_saves_but_still_reads(
    tmp_path: Path,
) -> None:
    store = ResponseStore(tmp_path)
    save(store, "kept")
    with open(store.responses_path, "ab") as handle:
        handle.write(b"r-x,2025-01-01," + EID.encode() + b',s-x,prep,1,notes,a,long_text,"cut sh')
    before = store.responses_path.read_bytes()

    with pytest.raises(StoreError) as refused:
        save(store, "new")

    message = str(refused.value)
    assert "nothing was saved" in message
    assert "text editor" in message and "move the file aside" in message
    assert store.responses_path.read_bytes() == before
    assert values(store) == ["kept"]

    fixed = before + b'ort"\r\n'  # the coach closes the quote, as the message says
    store.responses_path.write_bytes(fixed)
    assert save(store, "new").revision == 2
    assert values(store)[-1] == "new"


def test_a_file_with_other_columns_refuses_saves_with_a_fix_and_still_reads(
    tmp_path: Path,
) -> None:
    store = ResponseStore(tmp_path)
    save(store, "kept")
    text = store.responses_path.read_bytes().decode("utf-8")
    header, rest = text.split("\r\n", 1)
    lines = [line + ",extra" for line in rest.split("\r\n") if line]
    store.responses_path.write_bytes(
        (header + ",comment\r\n" + "\r\n".join(lines) + "\r\n").encode("utf-8")
    )

    with pytest.raises(StoreError, match="Move that file aside") as refused:
        save(store, "new")

    assert "Nothing was saved" in str(refused.value)
    assert values(store) == ["kept"]


# ------------------------------------------------------------------ read-only and missing folders


def test_a_folder_the_kit_may_not_write_to_is_read_without_writing_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ResponseStore(tmp_path)
    save(store, "one")
    save(store, "two", engagement_id=OTHER)
    # A copy someone made: the index and lock did not come along, and a row was added.
    for leftover in [tmp_path / ".store.lock", *(tmp_path / "index").iterdir()]:
        leftover.unlink()
    (tmp_path / "index").rmdir()
    append_with_csv_module(store.responses_path, [foreign_row(EID, "s-late", "three", 2)])
    before = sorted(p.name for p in tmp_path.iterdir())
    monkeypatch.setattr(journal_module, "_may_write", lambda folder: False)

    reader = ResponseStore(tmp_path)
    assert values(reader) == ["one", "three"]
    assert values(reader, OTHER) == ["two"]
    assert reader.submitted(EID) == {("prep", 1): 2}
    with reader.reading() as path:
        assert path.read_bytes().count(b"\r\n") == 4
    assert [r["value"] for r in reader.read_rows()] == ["one", "two", "three"]

    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no lock, no index


def test_a_read_only_folder_hides_a_save_that_a_killed_process_left_half_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ResponseStore(tmp_path)
    save(store, "confirmed")
    confirmed = store.responses_path.stat().st_size
    journal = journal_module.Journal(tmp_path)
    journal._write_marker(
        f'{{"appends": [["responses.csv", {confirmed}, {confirmed + 99}]], "patches": []}}'.encode()
    )
    append_with_csv_module(store.responses_path, [foreign_row(EID, "s-torn", "torn", 2)])
    monkeypatch.setattr(journal_module, "_may_write", lambda folder: False)

    assert values(ResponseStore(tmp_path)) == ["confirmed"]


def test_a_configured_exports_folder_that_is_missing_is_an_error_not_recreated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "unmounted" / "exports"
    monkeypatch.setenv("ALIGNMENT_KIT_EXPORTS", str(missing))

    with pytest.raises(DataFolderMissing) as refused:
        exports_dir()

    message = str(refused.value)
    assert str(missing) in message
    assert "ALIGNMENT_KIT_EXPORTS" in message and "mkdir" in message
    assert not (tmp_path / "unmounted").exists()


def test_a_data_folder_deleted_after_start_refuses_the_save_and_stays_deleted(
    tmp_path: Path,
) -> None:
    root = tmp_path / "exports"
    root.mkdir()
    store = ResponseStore(root)
    save(store, "one")
    for path in sorted(root.rglob("*"), key=lambda p: -len(p.parts)):
        path.rmdir() if path.is_dir() else path.unlink()
    root.rmdir()

    with pytest.raises(StoreError, match="does not exist") as refused:
        save(store, "two")

    assert "create the folder" in str(refused.value)
    assert not root.exists()


def test_the_repositorys_own_exports_folder_is_made_on_first_run_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ALIGNMENT_KIT_EXPORTS", raising=False)
    monkeypatch.setattr(paths_module, "REPO_ROOT", tmp_path)

    root = exports_dir()

    assert root == (tmp_path / "exports").resolve() and root.is_dir()
    assert os.stat(root).st_mode & 0o777 == 0o700
