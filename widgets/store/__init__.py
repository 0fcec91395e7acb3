"""The store: the only code that writes the kit's data (CSV, locked, atomic).

``from widgets.store import ResponseStore, Answer`` reaches the public names; each
module is imported on first use, so a kernel that only reads drafts loads no more.

    records.py      what one saved answer is (no I/O)
    responses.py    ResponseStore: save, read back, correct
    journal.py      the folder's lock and rollback marker (all or nothing)
    csv_codec.py    the exact bytes of a row
    index.py        where each submission sits in responses.csv (scan.py reads it)
    tables.py       small tables (codebook, registry)
    drafts.py       unsent typing, kept on disk
    registry.py     who an engagement_id stands for (private)
    atomic_file.py  replacing a file whole
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from widgets.lazy import lazy_attributes as _lazy_attributes

if TYPE_CHECKING:
    from widgets.errors import StoreError
    from widgets.store.drafts import DraftStore
    from widgets.store.records import RESPONSE_COLUMNS, Answer, Submission
    from widgets.store.registry import Engagement, EngagementRegistry
    from widgets.store.responses import ResponseStore
    from widgets.store.tables import append_table, read_table, write_table

# Public name -> the module that defines it.
_HOMES = {
    "RESPONSE_COLUMNS": "widgets.store.records",
    "Answer": "widgets.store.records",
    "Submission": "widgets.store.records",
    "ResponseStore": "widgets.store.responses",
    "StoreError": "widgets.errors",
    "DraftStore": "widgets.store.drafts",
    "Engagement": "widgets.store.registry",
    "EngagementRegistry": "widgets.store.registry",
    "append_table": "widgets.store.tables",
    "read_table": "widgets.store.tables",
    "write_table": "widgets.store.tables",
}

__all__ = [
    "RESPONSE_COLUMNS",
    "Answer",
    "DraftStore",
    "Engagement",
    "EngagementRegistry",
    "ResponseStore",
    "StoreError",
    "Submission",
    "append_table",
    "read_table",
    "write_table",
]

__getattr__, __dir__ = _lazy_attributes(__name__, _HOMES)
