"""Every public name of the package resolves, and the live apps stay free of pandas."""

from __future__ import annotations

import subprocess
import sys

import pytest

import widgets


@pytest.mark.parametrize("name", widgets.__all__)
def test_public_names_resolve(name: str):
    assert getattr(widgets, name) is not None


def test_unknown_names_say_so():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        widgets.nope  # noqa: B018


@pytest.mark.parametrize(
    "module",
    ["widgets.apps.prep", "widgets.apps.meeting.app", "widgets.apps.debrief", "widgets.apps.home"],
)
def test_live_apps_do_not_import_pandas(module: str):
    code = f"import sys, {module}; print('pandas' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
