"""One error family: every exception the kit defines is a KitError, and says how to fix it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import subprocess
import sys

import pytest

import widgets
from widgets.errors import DataError, InputError, KitError, SettingsError, StateError

# The built-in base each error had before the family existed: callers catch these.
BUILT_IN_BASES = {
    "InvalidEngagementId": (InputError, ValueError),
    "RegistryError": (InputError, ValueError),
    "UnknownEngagement": (InputError, LookupError),
    "InstrumentError": (SettingsError, ValueError),
    "ProgramSettingsError": (SettingsError, ValueError),
    "StoreError": (DataError, RuntimeError),
    "LoaderError": (DataError, ValueError),
    "ExportError": (DataError, RuntimeError),
    "TimerError": (StateError, RuntimeError),
}


def exception_classes() -> dict[str, type[BaseException]]:
    """Every exception class defined in a module of the package, by qualified name."""
    found: dict[str, type[BaseException]] = {}
    for module_info in pkgutil.walk_packages(widgets.__path__, "widgets."):
        if module_info.name.rsplit(".", 1)[-1] == "__main__":
            continue  # running it would start the command line
        module = importlib.import_module(module_info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__ == module.__name__:
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return found


def test_every_exception_the_kit_defines_is_a_kit_error() -> None:
    classes = exception_classes()
    assert len(classes) >= len(BUILT_IN_BASES)
    strays = sorted(name for name, cls in classes.items() if not issubclass(cls, KitError))
    assert strays == [], f"not in the KitError family: {strays}"


def test_each_error_keeps_its_built_in_base_and_joins_its_family() -> None:
    by_name = {cls.__name__: cls for cls in exception_classes().values()}
    assert set(BUILT_IN_BASES) <= set(by_name)
    for name, (family, built_in) in BUILT_IN_BASES.items():
        assert issubclass(by_name[name], family), name
        assert issubclass(by_name[name], built_in), name


def test_the_message_says_what_happened_and_how_to_fix_it() -> None:
    what, fix = "The data folder is locked.", "Wait a moment and save again."
    error = KitError(what, fix=fix)
    assert str(error) == "The data folder is locked. Wait a moment and save again."
    assert (error.what, error.fix) == (what, fix)
    whole = KitError("Nothing was saved: wait a moment and save again.")
    assert (str(whole), whole.fix) == ("Nothing was saved: wait a moment and save again.", "")


def test_a_family_catches_its_members_and_nothing_else() -> None:
    from widgets.errors import StoreError

    with pytest.raises(DataError, match="disk is full"):
        raise StoreError("The disk is full.", fix="Free some space and save again.")
    with pytest.raises(RuntimeError):
        raise StoreError("still a RuntimeError for callers that catch one")
    assert not issubclass(StoreError, InputError)


def test_the_error_module_is_light() -> None:
    code = (
        "import sys, widgets.errors; "
        "print(sorted(m for m in sys.modules if m.startswith('widgets')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    # The package itself and its lazy facade helper (standard library only), nothing else.
    assert result.stdout.strip() == "['widgets', 'widgets.errors', 'widgets.lazy']"
