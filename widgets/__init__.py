"""The Alignment Meeting Kit: forms, live apps and program data for the manager
alignment meeting of a coaching engagement.

Live apps import only what they need; names that pull in pandas (analysis) load on
first use, so a coach's kernel stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

# Public name -> the module that defines it (imported on first use).
_LAZY = {
    # coach apps
    "build_home_app": "widgets.home_app",
    "build_prep_app": "widgets.prep_app",
    "build_meeting_app": "widgets.meeting_app",
    "build_debrief_app": "widgets.debrief_app",
    # trainers
    "start_walkthrough": "widgets.walkthrough",
    "load_samples": "widgets.samples",
    # data: instrument, store, registry
    "load_instrument": "widgets.instrument",
    "ResponseStore": "widgets.store",
    "EngagementRegistry": "widgets.registry",
    "exports_dir": "widgets.paths",
    "write_codebook": "widgets.codebook",
    # analysts (pandas)
    "load_responses": "widgets.loader",
    "wide_sessions": "widgets.loader",
    "export_program": "widgets.export",
    "build_analysis_app": "widgets.analysis_app",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'widgets' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
