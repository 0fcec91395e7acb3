"""The instrument: every form, section, item and piece of screen content, as checked YAML.

- ``data/*.yaml``: the content itself (a new question is an edit there);
- ``item_types``: THE item-type table (storage, check, widget kind, loader kind,
  export rule), with ``stored_values``, the encodings and checks it uses;
- ``rules`` (ids, meeting numbers, confidentiality, roles), ``items`` (choices and
  items), ``model`` (sections and forms), ``content`` (card, recap, meeting-2 context,
  huddle), ``instrument`` (the whole, checked across forms with ``content_checks``),
  ``derived_items`` (values the kit records itself);
- ``yaml_loading``: ``load_instrument`` and its refusal messages; ``codebook``.

The names below load on first use, so importing the package costs nothing.
"""

from __future__ import annotations

from widgets.lazy import lazy_attributes as _lazy_attributes

_LAZY = {
    "load_instrument": "widgets.instrument.yaml_loading",
    "InstrumentError": "widgets.instrument.yaml_loading",
    "DEFAULT_INSTRUMENT_DIR": "widgets.instrument.yaml_loading",
    "Instrument": "widgets.instrument.instrument",
    "Form": "widgets.instrument.model",
    "Section": "widgets.instrument.model",
    "Item": "widgets.instrument.items",
    "Choice": "widgets.instrument.items",
    "CodebookEntry": "widgets.instrument.derived_items",
    "derived_meeting_items": "widgets.instrument.derived_items",
    "ITEM_TYPE_TABLE": "widgets.instrument.item_types",
    "ItemType": "widgets.instrument.item_types",
    "item_type": "widgets.instrument.item_types",
    "write_codebook": "widgets.instrument.codebook",
}

__all__ = sorted(_LAZY)

__getattr__, __dir__ = _lazy_attributes(__name__, _LAZY)
