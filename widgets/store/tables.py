"""Small CSV tables beside the responses (the codebook, the engagement registry).

They get the same care as ``responses.csv``: the folder's lock, one header, exact text,
and a write that is whole or absent (see :mod:`widgets.store.journal`). They are small,
so they are read whole and need no index.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from widgets.errors import StoreError
from widgets.store.atomic_file import make_folder, replace_file
from widgets.store.csv_codec import append_bytes, encode_rows, read_dicts
from widgets.store.journal import Journal

__all__ = ["append_table", "read_table", "write_table"]


def write_table(
    path: Path | str, columns: Sequence[str], rows: Iterable[Mapping[str, object]]
) -> None:
    """Write a whole small CSV (e.g. the codebook) so readers see the old or the new file.

    Its folder is created (0700) if missing, inside an existing one: a missing data
    root raises DataFolderMissing rather than being recreated.
    The table is written to a temporary file in the same folder, fsynced and renamed
    over the old one. Missing keys are written as ""; unknown keys raise ValueError.
    """
    path = Path(path)
    data = encode_rows([list(columns), *_table_rows(columns, rows)])
    make_folder(path.parent)
    journal = Journal(path.parent)
    with journal.locked():
        try:
            replace_file(path, data, durable=True)
        except OSError as exc:
            raise StoreError(
                f"Could not write {path} ({exc.strerror or exc}); the previous version is "
                "unchanged.",
                fix="Check that the disk is not full and the folder is writable.",
            ) from exc


def append_table(
    path: Path | str, columns: Sequence[str], rows: Iterable[Mapping[str, object]]
) -> None:
    """Append rows to a small CSV (e.g. the engagement registry), locked and all or nothing.

    The header is written once, when the file is empty; a file with other columns is
    refused rather than mixed. Missing keys are written as ""; unknown keys raise
    ValueError.
    """
    path = Path(path)
    body = encode_rows(_table_rows(columns, rows))
    if not body:
        return
    make_folder(path.parent)
    journal = Journal(path.parent)
    with journal.locked():
        data, _ = append_bytes(path, columns, body)
        journal.commit([(path, data)])


def read_table(path: Path | str) -> list[dict[str, str]]:
    """Every row of a small CSV as a dict of strings; an empty list if there is no file.

    Taken under the folder's lock, so an interrupted append is rolled back first (in a
    folder the kit may not write to, read as it is, writing nothing).
    """
    path = Path(path)
    if not path.parent.is_dir():
        return []
    with Journal(path.parent).reading():
        return read_dicts(path)


def _table_rows(columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> list[list[str]]:
    known = set(columns)
    encoded = []
    for row in rows:
        unknown = [key for key in row if key not in known]
        if unknown:
            raise ValueError(f"Columns {unknown} are not among the table's {list(columns)}.")
        encoded.append([_cell(row.get(column)) for column in columns])
    return encoded


def _cell(value: object) -> str:
    return "" if value is None else str(value)
