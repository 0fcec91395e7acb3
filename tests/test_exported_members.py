"""Every public name of the package resolves, and the live apps stay free of pandas.

The facade loads each name from its module on first use (``widgets._LAZY``), so
``__all__`` and that table must agree, and each name must be what its module says it
exports: a name the facade offers is never a private helper or a re-export.
"""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys

import pytest

import widgets


def test_all_is_exactly_the_lazy_facade_sorted():
    assert widgets.__all__ == sorted(widgets._LAZY)
    assert dir(widgets) == widgets.__all__


@pytest.mark.parametrize("name", widgets.__all__)
def test_public_names_resolve(name: str):
    assert getattr(widgets, name) is not None


@pytest.mark.parametrize("name", widgets.__all__)
def test_each_public_name_is_its_modules_own_export(name: str):
    module = importlib.import_module(widgets._LAZY[name])
    assert name in module.__all__, f"{module.__name__}.__all__ does not list {name}"
    value = getattr(widgets, name)
    assert value is getattr(module, name)
    if inspect.isfunction(value) or inspect.isclass(value):
        assert value.__module__ == module.__name__, (
            f"{name} is defined in {value.__module__}, not {module.__name__}: point the "
            "facade at where it is defined"
        )


def test_nothing_else_public_leaks_into_the_package_namespace():
    for name in widgets.__all__:
        getattr(widgets, name)
    leaked = {
        name
        for name, value in vars(widgets).items()
        if not name.startswith("_")
        and (inspect.isfunction(value) or inspect.isclass(value))
        and value.__module__.startswith("widgets")
        and name not in widgets.__all__
    }
    assert leaked == set()


def test_unknown_names_say_so():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        widgets.nope  # noqa: B018


@pytest.mark.parametrize(
    "module",
    [
        "widgets.apps.prep",
        "widgets.apps.meeting.app",
        "widgets.apps.debrief",
        "widgets.apps.home",
        "widgets.training.walkthrough",
    ],
)
def test_live_apps_do_not_import_pandas(module: str):
    code = f"import sys, {module}; print('pandas' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
