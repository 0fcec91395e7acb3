"""The parse cache runs no code, trusts only its own fresh entries, and stays private."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from tests.test_loader import engagement, save
from widgets.analysis import cache as cache_module
from widgets.analysis.cache import CACHE_ENV
from widgets.analysis.long_table import LoaderError, load_responses


class _Planted:
    """Unpickling this writes a file: proof that a pickle was loaded."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (Path.write_text, (self.marker, "code ran"))


def _coach_folder(tmp_path: Path, feeling: str = "2") -> tuple[Path, str]:
    root = tmp_path / "coach"
    e = engagement(root)
    save(root, e.engagement_id, "debrief", 1, {"feeling": feeling, "feeling_note": "calm"})
    return root, e.engagement_id


def _values(long: pd.DataFrame) -> list[str]:
    return sorted(long["value"].astype(str))


def _entries(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.suffix == ".arrow"]


def test_a_planted_pickle_is_never_loaded(tmp_path: Path) -> None:
    root, _ = _coach_folder(tmp_path)
    cache = tmp_path / "cache"
    load_responses(root, cache=cache)
    marker = tmp_path / "marker"
    payload = pickle.dumps(_Planted(marker))
    # Planted under the entry's own name and under the old pickle cache's name.
    for entry in _entries(cache):
        entry.write_bytes(payload)
    (cache / (entry.stem + ".pkl")).write_bytes(payload)
    long = load_responses(root, cache=cache)
    assert not marker.exists()
    assert _values(long) == ["2", "calm"]
    # The planted file was replaced by a genuine entry again.
    assert _entries(cache)[0].read_bytes()[:6] == b"ARROW1"


def test_a_crafted_entry_others_may_write_is_not_trusted(tmp_path: Path) -> None:
    root, _ = _coach_folder(tmp_path)
    cache = tmp_path / "cache"
    load_responses(root, cache=cache)
    (entry,) = _entries(cache)
    # A well-formed entry with the right key but made-up values, left writable by others.
    with pa.ipc.open_file(entry) as reader:
        table = reader.read_all()
    forged = table.set_column(
        table.column_names.index("value"),
        "value",
        pa.array(["FORGED"] * table.num_rows).dictionary_encode(),
    )
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, forged.schema) as writer:
        writer.write_table(forged)
    entry.write_bytes(sink.getvalue().to_pybytes())
    entry.chmod(0o666)
    assert _values(load_responses(root, cache=cache)) == ["2", "calm"]
    # Garbage where the entry should be is ignored too.
    entry.write_bytes(b"ARROW1" + os.urandom(512))
    entry.chmod(0o600)
    assert _values(load_responses(root, cache=cache)) == ["2", "calm"]


def test_a_stale_entry_is_ignored_after_the_file_changed(tmp_path: Path) -> None:
    root, _ = _coach_folder(tmp_path)
    cache = tmp_path / "cache"
    assert "2" in _values(load_responses(root, cache=cache))
    csv_path = root / "responses.csv"
    before = csv_path.stat()
    data = csv_path.read_bytes()
    assert data.count(b",2,") == 1
    # Same size, same modification time, one answer changed: the content digest differs.
    csv_path.write_bytes(data.replace(b",2,", b",4,"))
    os.utime(csv_path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert csv_path.stat().st_size == before.st_size
    assert _values(load_responses(root, cache=cache)) == ["4", "calm"]


def test_a_fresh_entry_is_used_and_equals_a_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, eid = _coach_folder(tmp_path)
    save(root, eid, "debrief", 2, {"feeling": "5"})
    cache = tmp_path / "cache"
    parsed = load_responses(root, cache=cache)

    def no_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was parsed again")

    monkeypatch.setattr(cache_module, "parse_responses_file", no_parse)
    cached = load_responses(root, cache=cache)
    pd.testing.assert_frame_equal(cached, parsed, check_categorical=False)
    assert list(cached.dtypes) == list(parsed.dtypes)


def test_the_cache_is_private_and_never_in_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv(CACHE_ENV, raising=False)
    root, _ = _coach_folder(tmp_path)
    # A folder others may write to (a shared drop folder): no cache beside it.
    root.chmod(0o777)
    load_responses(root)
    assert not (root / ".kit-cache").exists()
    # The analyst's own folder: beside the data, owner-only.
    root.chmod(0o700)
    load_responses(root)
    kit_cache = root / ".kit-cache"
    assert kit_cache.stat().st_mode & 0o777 == 0o700
    assert [p.stat().st_mode & 0o777 for p in _entries(kit_cache)] == [0o600]
    # A folder the analyst names wins, wherever the data is.
    named = tmp_path / "named"
    monkeypatch.setenv(CACHE_ENV, str(named))
    root.chmod(0o777)
    load_responses(root)
    assert len(_entries(named)) == 1
    assert not any(home.rglob("*"))


def test_a_named_cache_folder_others_may_write_is_refused(tmp_path: Path) -> None:
    root, _ = _coach_folder(tmp_path)
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    with pytest.raises(LoaderError, match=r"not private.*chmod 700"):
        load_responses(root, cache=shared)
    assert not any(shared.iterdir())
