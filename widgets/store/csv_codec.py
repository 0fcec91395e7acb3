"""CSV rows as the bytes that sit in the kit's files, and back.

The store records byte offsets into its files (the index) and appends without
rereading them, so the exact bytes matter: UTF-8, RFC 4180 quoting and ``\\r\\n`` line
ends, one header line decided under the lock. Everything here reads or encodes; the
only writer is :mod:`widgets.store.journal`.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from widgets.errors import StoreError

__all__ = [
    "BOM",
    "ENCODING",
    "LINE_END",
    "append_bytes",
    "encode_rows",
    "file_size",
    "parse_rows",
    "read_dicts",
    "read_header_and_tail",
    "stream_records",
]

ENCODING = "utf-8"
# "\r\n" (RFC 4180, the csv module's default) rather than "\n": with "\n" the csv
# module would leave a lone "\r" inside a value unquoted, and readers split on it.
LINE_END = "\r\n"
# Enough of the start of a file to hold its header line in all but odd cases.
_HEAD_BYTES = 4096
# A spreadsheet saving "CSV UTF-8" puts this mark before the header.
BOM = b"\xef\xbb\xbf"


def _lift_field_size_limit() -> None:
    """Let the csv module read a value of any length.

    Its default (131,072 characters) turns one long answer into an error on every read
    of the file, which locked every engagement out. The store caps what it writes (see
    ``MAX_ANSWER_CHARS``), but a file edited elsewhere must still be readable. The
    limit is a C long: on platforms where ``sys.maxsize`` overflows it, halve until it fits.
    """
    limit = sys.maxsize
    while True:
        try:
            csv.field_size_limit(limit)
            return
        except OverflowError:
            limit //= 2


_lift_field_size_limit()


def file_size(path: Path) -> int:
    """The size of ``path`` in bytes; 0 for a file not written yet."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def encode_rows(rows: Iterable[Sequence[str]]) -> bytes:
    """CSV-encode rows exactly as they will sit in the file.

    Raises StoreError for text UTF-8 cannot hold (lone surrogates), before anything is
    written, so a bad character never leaves half a save behind.
    """
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator=LINE_END).writerows(rows)
    try:
        return buffer.getvalue().encode(ENCODING)
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start : exc.end]
        raise StoreError(
            f"The text contains a character that cannot be saved ({bad!r}); nothing was saved.",
            fix="Retype or remove the pasted character and save again.",
        ) from exc


def parse_rows(data: bytes) -> list[list[str]]:
    """The rows in ``data``, a run of whole CSV records cut from a file.

    Blank lines are skipped: a spreadsheet that doubles line ends ("\\r\\r\\n") leaves
    one after every row, and they hold no answer.
    """
    return [row for row in csv.reader(io.StringIO(data.decode(ENCODING), newline="")) if row]


def read_header_and_tail(path: Path, size: int) -> tuple[list[str] | None, bytes, bytes]:
    """The header fields (None for an empty file), the file's first bytes and its last byte.

    The first bytes let a caller recognise the file (see the index's fingerprint); the
    last byte says whether it ends with a line end.
    """
    if size == 0:
        return None, b"", b""
    with open(path, "rb") as handle:
        head = handle.read(_HEAD_BYTES)
        handle.seek(size - 1)
        last = handle.read(1)
    first_line = head.split(b"\n", 1)[0]
    if len(first_line) == len(head) and len(head) < size:  # header longer than the head
        with open(path, "rb") as handle:
            first_line = handle.readline()
    try:
        header = next(csv.reader([first_line.decode("utf-8-sig").rstrip("\r\n")]), [])
    except UnicodeDecodeError:
        header = []
    return header, head, last


def append_bytes(path: Path, columns: Sequence[str], body: bytes) -> tuple[bytes, int]:
    """What to append to ``path`` so ``body`` lands as whole rows under one header.

    Returns the bytes and the offset (in the file) where ``body`` starts. Must be called
    under the folder's lock: the decision to write a header rests on the file being
    empty *now*, which is what stops concurrent first saves from doubling it.
    """
    size = file_size(path)
    header, _, last = read_header_and_tail(path, size)
    prefix = b""
    if header is None:
        prefix = encode_rows([list(columns)])
    else:
        if tuple(header) != tuple(columns):
            raise StoreError(
                f"{path} has the columns {header}, but the kit writes {list(columns)}. "
                "Nothing was saved.",
                fix="Move that file aside (it may come from another version of the kit) "
                "and save again.",
            )
        if last != b"\n":
            # Written by another tool without a final line end: start on a new line.
            prefix = LINE_END.encode()
    return prefix + body, size + len(prefix)


def read_dicts(path: Path) -> list[dict[str, str]]:
    """Every row of a CSV file as a dict of strings; an empty list if there is no file.

    Rows come out as ``csv.DictReader`` gives them (blank lines skipped, a short row's
    missing cells None, a long row's extra cells listed under None), built with one
    ``zip`` per row: a program's registry has tens of thousands of rows, and
    DictReader's per-row checks in Python took most of an analysis' registry read.
    """
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                return []
            width = len(header)
            rows: list[dict[Any, Any]] = []
            for cells in reader:
                if len(cells) == width:
                    rows.append(dict(zip(header, cells, strict=True)))
                elif cells:
                    row: dict[Any, Any] = dict(zip(header, cells, strict=False))
                    if len(cells) > width:
                        row[None] = cells[width:]
                    else:
                        row.update(dict.fromkeys(header[len(cells) :]))
                    rows.append(row)
            return rows
    except FileNotFoundError:
        return []
    except UnicodeDecodeError as exc:
        raise StoreError(
            f"{path} is not UTF-8 text (byte {exc.start}); it was probably saved by "
            "another program.",
            fix="Save it again as CSV UTF-8 or move it aside.",
        ) from exc


def stream_records(path: Path, start: int, end: int) -> Iterator[tuple[int, int, list[str]]]:
    """(offset, end, cells) of each CSV record in bytes ``start``..``end`` of ``path``.

    Streamed, so a file of any size is read in constant memory; from ``start`` 0 the
    header line is skipped. csv.reader pulls one physical line at a time and returns a
    record as soon as it is complete, so the bytes fed so far mark exactly where each
    record ends, even for values holding line breaks.
    """
    position = start
    with open(path, "rb") as handle:
        handle.seek(start)
        if start == 0:
            position = len(handle.readline())

        def lines() -> Iterator[str]:
            nonlocal position
            while position < end:
                line = handle.readline(end - position)
                if not line:
                    return
                position += len(line)
                yield line.decode(ENCODING)

        record_start = position
        try:
            for cells in csv.reader(lines()):
                yield record_start, position, cells
                record_start = position
        except (UnicodeDecodeError, csv.Error) as exc:
            raise StoreError(
                f"{path} cannot be read near byte {position} ({exc}); it was probably "
                "edited by another program.",
                fix="Restore it from a backup or move it aside.",
            ) from exc
