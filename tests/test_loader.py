"""The loader: typed columns, overlapping folders, resubmissions, older files, the cache."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest

from widgets.analysis.long_table import LONG_COLUMNS, LoaderError, load_responses
from widgets.analysis.wide_table import wide_sessions
from widgets.instrument.yaml_loading import load_instrument
from widgets.store.records import RESPONSE_COLUMNS, Answer
from widgets.store.registry import EngagementRegistry
from widgets.store.responses import ResponseStore
from widgets.store.tables import write_table

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)
_KINDS = {e.item_id: (e.section, e.type) for e in load_instrument().codebook()}


def save(
    root: Path,
    engagement_id: str,
    form: str,
    meeting_number: int,
    values: dict[str, str],
    when: datetime = T0,
) -> None:
    """One submission through the real store, sections and types from the codebook."""
    answers = [
        Answer(_KINDS[item][0], item, _KINDS[item][1], value) for item, value in values.items()
    ]
    ResponseStore(root, clock=lambda: when).submit(
        engagement_id=engagement_id,
        form=form,
        meeting_number=meeting_number,
        answers=answers,
        instrument_version="1.0.0",
    )


def engagement(root: Path, name: str = "Quorvelle", start: date = date(2025, 1, 10), **kw: str):
    root.mkdir(exist_ok=True)  # the kit never creates a missing data folder itself
    return EngagementRegistry(root).create(first_name=name, start_date=start, **kw)


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def test_types_and_registry_fields(tmp_path: Path, cache: Path) -> None:
    root = tmp_path / "coach"
    e = engagement(root, program="P1", cohort="C1", coach="Brannoch Vey")
    save(
        root, e.engagement_id, "checklist", 1, {"meeting_date": "2025-02-15", "prep_booked": "yes"}
    )
    save(root, e.engagement_id, "debrief", 1, {"feeling": "4", "go_deeper": "yes"})
    long = load_responses(root, cache=cache)
    assert tuple(long.columns) == LONG_COLUMNS
    assert str(long["recorded_at"].dt.tz) == "UTC"
    for column in ("form", "section", "item_id", "item_type"):
        assert isinstance(long[column].dtype, pd.CategoricalDtype), column
    assert long["meeting_number"].dtype == "Int64" and long["revision"].dtype == "Int64"
    assert set(long["program"].astype(str)) == {"P1"}
    assert set(long["cohort"].astype(str)) == {"C1"}
    assert set(long["meeting_month"]) == {2}  # 15 Feb in an engagement started 10 Jan
    assert "first_name" not in long and "coach" not in long and "start_date" not in long

    wide = wide_sessions(long)
    assert len(wide) == 2
    debrief = wide[wide["form"] == "debrief"].iloc[0]
    assert debrief["feeling"] == 4 and wide["feeling"].dtype == "Int64"
    assert wide["go_deeper"].dtype == "category" and debrief["go_deeper"] == "yes"
    assert wide["prep_booked"].dtype == "boolean"
    assert wide["meeting_date"].dtype.kind == "M"
    assert str(wide["meeting_started_at"].dtype.tz) == "UTC"
    assert wide["strengths_best"].dtype == "string"


def test_two_overlapping_folders_and_a_resubmission(tmp_path: Path, cache: Path) -> None:
    first = tmp_path / "coach-a"
    e = engagement(first)
    save(first, e.engagement_id, "prep", 1, {"asks": "feedback", "asks_other": "old"}, T0)
    # A copy of the whole folder, then more work saved in the copy only.
    second = tmp_path / "coach-a-copy"
    shutil.copytree(first, second)
    save(second, e.engagement_id, "prep", 1, {"asks": "support"}, T0 + timedelta(hours=1))
    f = engagement(second, name="Ysoldra")
    save(second, f.engagement_id, "debrief", 1, {"feeling": "3"}, T0)

    everything = load_responses(first, second, latest_only=False, cache=cache)
    assert everything["record_id"].is_unique
    assert len(everything) == 2 + 1 + 1  # the copied rows once

    latest = load_responses(first, second, cache=cache)
    prep = latest[latest["form"] == "prep"]
    # The corrected submission replaces the first one whole: asks_other is gone.
    assert dict(zip(prep["item_id"].astype(str), prep["value"].astype(str), strict=True)) == {
        "asks": "support"
    }
    assert set(prep["revision"]) == {2}
    assert set(latest["engagement_id"].astype(str)) == {e.engagement_id, f.engagement_id}


def test_globs_files_and_empty_folders(tmp_path: Path, cache: Path) -> None:
    for name in ("one", "two"):
        e = engagement(tmp_path / name)
        save(tmp_path / name, e.engagement_id, "debrief", 1, {"feeling": "5"})
    (tmp_path / "empty").mkdir()
    long = load_responses(str(tmp_path / "*"), cache=cache)
    assert long["engagement_id"].nunique() == 2
    assert len(load_responses(tmp_path / "one" / "responses.csv", cache=cache)) == 1
    assert len(load_responses(tmp_path / "empty", cache=cache)) == 0
    with pytest.raises(LoaderError, match="matches no file"):
        load_responses(str(tmp_path / "nothing-*"))
    with pytest.raises(LoaderError, match="does not exist"):
        load_responses(tmp_path / "missing")


def test_an_older_file_without_revision_columns_loads(tmp_path: Path, cache: Path) -> None:
    older = [c for c in RESPONSE_COLUMNS if c not in ("revision", "supersedes", "section")]
    row = {
        "record_id": "r1",
        "recorded_at": "2024-11-02T10:00:00+01:00",
        "engagement_id": "e-0123456789ab",
        "session_id": "s1",
        "form": "debrief",
        "meeting_number": "1",
        "item_id": "feeling",
        "item_type": "scale",
        "value": "2",
        "instrument_version": "0.9.0",
    }
    write_table(
        tmp_path / "old.csv",
        older,
        [
            row,
            {
                **row,
                "record_id": "r2",
                "item_id": "go_deeper",
                "item_type": "choice",
                "value": "no",
            },
        ],
    )
    long = load_responses(tmp_path / "old.csv", cache=cache)
    assert list(long["revision"]) == [1, 1]
    assert list(long["supersedes"].astype(str)) == ["", ""]
    assert list(long["section"].astype(str)) == ["pulse", "next_session"]  # from the codebook
    assert long["recorded_at"].iloc[0] == pd.Timestamp("2024-11-02T09:00:00Z")
    wide = wide_sessions(long)
    assert wide["feeling"].iloc[0] == 2


def test_cache_follows_appends_and_rewrites(tmp_path: Path, cache: Path) -> None:
    root = tmp_path / "coach"
    e = engagement(root)
    save(root, e.engagement_id, "debrief", 1, {"feeling": "2"})
    assert len(load_responses(root, cache=cache)) == 1
    assert any(cache.iterdir())
    save(root, e.engagement_id, "debrief", 2, {"feeling": "4"})  # appended: tail parsed
    long = load_responses(root, cache=cache)
    assert sorted(long["value"].astype(str)) == ["2", "4"]
    pd.testing.assert_frame_equal(
        load_responses(root, cache=False), long, check_categorical=False, check_dtype=False
    )
    # A different file at the same path (not an append) is parsed from scratch.
    (root / "responses.csv").unlink()
    shutil.rmtree(root / "index")
    save(root, e.engagement_id, "debrief", 1, {"feeling": "5"})
    assert list(load_responses(root, cache=cache)["value"].astype(str)) == ["5"]


def test_latest_only_keeps_older_revisions_on_request(tmp_path: Path, cache: Path) -> None:
    e = engagement(tmp_path)
    save(tmp_path, e.engagement_id, "debrief", 1, {"feeling": "2"}, T0)
    save(tmp_path, e.engagement_id, "debrief", 1, {"feeling": "3"}, T0 + timedelta(minutes=5))
    assert list(load_responses(tmp_path, cache=cache)["value"].astype(str)) == ["3"]
    assert len(load_responses(tmp_path, latest_only=False, cache=cache)) == 2


@pytest.mark.parametrize("line_break", ["\n", "\r\n"])
def test_text_with_line_breaks_quotes_and_commas_survives_block_boundaries(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, line_break: str
) -> None:
    # Tiny read blocks, so many boundaries fall inside quoted, multi-line values ("\r\n"
    # inside a value sends the file to the slower parser, which must agree).
    monkeypatch.setattr("widgets.analysis.csv_reader._BLOCK_BYTES", 512)
    e = engagement(tmp_path)
    texts = {}
    for number in range(1, 41):
        text = f'line one, "quoted"{line_break}line two\nthree {number},{line_break}four,'
        texts[number] = text
        save(tmp_path, e.engagement_id, "debrief", number, {"feeling_note": text, "feeling": "4"})
    long = load_responses(tmp_path, cache=False)
    assert len(long) == 80
    notes = long[long["item_id"] == "feeling_note"]
    assert dict(zip(notes["meeting_number"], notes["value"].astype(str), strict=True)) == texts
    wide = wide_sessions(long)
    assert list(wide["feeling_note"]) == [texts[n] for n in range(1, 41)]
    assert list(wide["meeting_number"]) == list(range(1, 41))
    assert list(wide["feeling"]) == [4] * 40
    # The cached and appended paths read the same rows.
    load_responses(tmp_path, cache=cache)
    last = f"a{line_break}b"
    save(tmp_path, e.engagement_id, "debrief", 41, {"feeling_note": last, "feeling": "5"})
    grown = load_responses(tmp_path, cache=cache)
    assert sorted(grown["value"].astype(str).iloc[-2:]) == sorted([last, "5"])
    pd.testing.assert_frame_equal(
        load_responses(tmp_path, cache=False), grown, check_categorical=False, check_dtype=False
    )


def test_a_damaged_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "responses.csv"
    header = ",".join(RESPONSE_COLUMNS)
    path.write_bytes(f"{header}\r\nonly,three,cells\r\n".encode())
    with pytest.raises(LoaderError, match="not a readable CSV"):
        load_responses(path, cache=False)
    path.write_bytes(f"{header}\r\n".encode() + b"\xff\xfe," * 12 + b"x\r\n")
    with pytest.raises(LoaderError, match="not a readable CSV"):
        load_responses(path, cache=False)


def test_timestamps_keep_their_milliseconds_in_the_wide_table(tmp_path: Path) -> None:
    eid = engagement(tmp_path).engagement_id
    started, ticked = "2025-03-01T09:00:00.456+00:00", "2025-03-01T09:01:00.789+00:00"
    when = T0.replace(microsecond=123000)
    save(
        tmp_path,
        eid,
        "meeting",
        1,
        {"meeting_started_at": started, "opening_thanks": ticked},
        when,
    )
    wide = wide_sessions(load_responses(tmp_path, cache=False))
    row = wide.iloc[0]
    assert row["recorded_at"] == pd.Timestamp(when)
    assert row["meeting_started_at"] == pd.Timestamp(started)
    assert row["opening_thanks"] == pd.Timestamp(ticked)
    assert row["meeting_started_at"].microsecond == 456000


def test_every_meeting_gets_its_own_month_among_many_engagements(tmp_path: Path) -> None:
    # Each (engagement, meeting) month is placed through a lookup keyed by the
    # engagement's category code; pandas stores up to 127 codes in one byte, and
    # code * width once overflowed there and gave meetings another engagement's month.
    from widgets.apps.timing import engagement_month

    expected = {}
    for i in range(120):
        start = date(2025, 1, 1) + timedelta(days=i)
        eid = engagement(tmp_path, start=start).engagement_id
        for number, offset in ((1, 40 + i % 30), (2, 120 + i % 50)):
            day = start + timedelta(days=offset)
            save(tmp_path, eid, "checklist", number, {"meeting_date": day.isoformat()})
            expected[eid, number] = engagement_month(start, day)
    long = load_responses(tmp_path, cache=False)
    got = {
        (str(e), int(n)): int(m)
        for e, n, m in zip(
            long["engagement_id"], long["meeting_number"], long["meeting_month"], strict=True
        )
    }
    assert got == expected
