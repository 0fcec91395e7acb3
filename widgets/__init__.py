"""The Alignment Meeting Kit: forms, live apps and program data for the manager
alignment meeting of a coaching engagement.

Live apps import only what they need; names that pull in pandas (analysis) load on
first use, so a coach's kernel stays light.
"""

from __future__ import annotations

from widgets.lazy import lazy_attributes as _lazy_attributes

# Public name -> the module that defines it (imported on first use).
_LAZY = {
    # coach apps
    "build_home_app": "widgets.apps.home",
    "build_prep_app": "widgets.apps.prep",
    "build_meeting_app": "widgets.apps.meeting.app",
    "build_debrief_app": "widgets.apps.debrief",
    # trainers
    "build_walkthrough": "widgets.training.walkthrough",
    "start_walkthrough": "widgets.training.walkthrough",
    "load_samples": "widgets.training.samples",
    # data: instrument, store, registry
    "load_instrument": "widgets.instrument.yaml_loading",
    "ResponseStore": "widgets.store.responses",
    "EngagementRegistry": "widgets.store.registry",
    "exports_dir": "widgets.paths",
    "write_codebook": "widgets.instrument.codebook",
    # analysts (pandas)
    "load_responses": "widgets.analysis.long_table",
    "wide_sessions": "widgets.analysis.wide_table",
    "export_program": "widgets.analysis.export.program",
    "build_analysis_app": "widgets.analysis.dashboard",
}

__all__ = sorted(_LAZY)

__getattr__, __dir__ = _lazy_attributes(__name__, _LAZY)
