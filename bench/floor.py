"""The front end's floor: the kit's server set-up serving pages with no kit code.

Whatever Voila and the widget front end need to show one small widget on this machine
is a floor no app can go below; the page benches time the kit's pages against it in the
same run, so what the kit adds is told apart from what the front end costs.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

__all__ = ["floor_site"]


def _notebook(source: str) -> dict:
    return {
        "cells": [
            {
                "cell_type": "code",
                "id": "floor",
                "metadata": {},
                "execution_count": None,
                "outputs": [],
                "source": source,
            }
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def floor_site(sandbox: Path, pages: Iterable[str], source: str) -> Path:
    """A site beside ``sandbox`` with the kit's voila.json and each of ``pages`` (notebook
    names, as the kit's) running only ``source``."""
    site = sandbox / "floor"
    (site / "notebooks").mkdir(parents=True)
    shutil.copy(REPO / "voila.json", site / "voila.json")
    for page in pages:
        (site / "notebooks" / page).write_text(json.dumps(_notebook(source)))
    return site
