"""The kit's errors: one family, each saying what happened and how to fix it.

A coach reads these messages on a status line, an analyst in a terminal, so every
error carries two parts: ``what`` happened and how to ``fix`` it. ``str()`` joins
them into one sentence pair, which is what the apps show; callers that lay the parts
out separately read the attributes.

Catching ``KitError`` catches every failure the kit anticipated, and nothing else (a
``KeyError`` from a bug still surfaces). The families below group errors by what the
person in front of the screen has to do about them. Concrete errors live beside the
code that raises them and keep the built-in base they always had (``ValueError``,
``RuntimeError``, ``LookupError``), so code that catches those still works.

    KitError
    ├── InputError       a value given to the kit is refused: correct it and retry
    │                    (InvalidEngagementId, RegistryError, UnknownEngagement, ClockError)
    ├── SettingsError    a file people edit by hand cannot be used: edit the file
    │                    (InstrumentError, ProgramSettingsError)
    ├── DataError        the kit's data cannot be read or written: check the files
    │                    (StoreError, LoaderError, ExportError)
    └── StateError       an action that does not fit what has happened so far
                         (TimerError)

Only the standard library is used: every live app kernel imports this module.
"""

from __future__ import annotations

__all__ = [
    "DataError",
    "InputError",
    "KitError",
    "SettingsError",
    "StateError",
    "StoreError",
]


class KitError(Exception):
    """A failure the kit foresaw, told as what happened and how to fix it.

    ``KitError("The data folder is locked.", fix="Wait a moment and save again.")``
    reads as both sentences. A message that already holds both parts may be passed
    whole; ``fix`` is then empty.
    """

    def __init__(self, what: str = "", *, fix: str = "") -> None:
        self.what = what
        self.fix = fix
        super().__init__(f"{what} {fix}" if what and fix else what or fix)


class InputError(KitError):
    """A value given to the kit (typed by a coach, in a page address, passed by a
    caller) is refused; the message names the value and what would be accepted."""


class SettingsError(KitError):
    """A file people edit by hand (the instrument's YAML, ``program.yaml``) cannot be
    used; the message names the file, the place in it and the problem."""


class DataError(KitError):
    """The kit's own data (responses, tables, exports) cannot be read or written; the
    message names the file and whether anything was saved."""


class StateError(KitError):
    """An action that does not fit what has happened so far (e.g. ending a meeting
    that has not started); the message says what to do first."""


class StoreError(DataError, RuntimeError):
    """Saving or reading through the store failed; in every case nothing half-saved
    is left behind, and the message says so and what to do."""
