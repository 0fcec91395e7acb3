"""The Alignment Meeting Kit: forms, live apps and program data for the manager
alignment meeting of a coaching engagement.

Live apps import only what they need; names that pull in pandas (analysis) load on
first use, so a coach's kernel stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "build_prep_app",
    "write_codebook",
    "load_instrument",
    "ResponseStore",
    "EngagementRegistry",
    "exports_dir",
]

_LAZY = {
    "build_prep_app": "widgets.prep_app",
    "write_codebook": "widgets.codebook",
    "load_instrument": "widgets.instrument",
    "ResponseStore": "widgets.store",
    "EngagementRegistry": "widgets.registry",
    "exports_dir": "widgets.paths",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'widgets' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
