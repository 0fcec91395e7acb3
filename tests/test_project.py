"""Project hygiene a newcomer relies on: thin notebooks, conda env in step, data out of git."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


def _bound(requirement: str) -> str:
    match = re.search(r">=\s*([\w.]+)", requirement)
    return match.group(1) if match else ""


def test_environment_yml_mirrors_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    extras = [r for group in project["optional-dependencies"].values() for r in group]
    wanted = {_name(r): _bound(r) for r in project["dependencies"] + extras}
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    listed = {_name(d): _bound(d) for d in env["dependencies"] if isinstance(d, str) and d != "pip"}
    listed.pop("python")
    assert listed == wanted
    assert all(wanted.values()), "every dependency pins a lower bound"
    python_line = next(
        d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")
    )
    assert _bound(python_line) == project["requires-python"].lstrip(">=")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_app_notebooks_are_thin_and_carry_no_outputs(notebook: Path):
    nb = json.loads(notebook.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    assert "widgets" not in nb.get("metadata", {}), "widget state must not be saved"
    lines = sum(len("".join(c["source"]).splitlines()) for c in code)
    assert lines <= 12, f"{notebook.name} has {lines} lines of code: logic belongs in widgets/"


def test_exports_folder_is_tracked_but_its_data_is_ignored():
    assert (REPO / "exports").is_dir()
    probe = "exports/responses.csv"
    ignored = subprocess.run(["git", "check-ignore", "-q", probe], cwd=REPO, check=False).returncode
    assert ignored == 0, "data written to exports/ must be ignored by git"
