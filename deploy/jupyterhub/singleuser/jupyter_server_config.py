"""A coach's own server on the hub: the kit's apps, served by Voila, and nothing else.

JupyterHub starts this server (``jupyterhub-singleuser``: Jupyter Server with Voila as an
extension) for one signed-in user, with ``JUPYTER_CONFIG_PATH`` pointing at this folder.
The hub authenticates every request, so the kit's own access key is not needed here; the
coach lands on ``voila/render/home.ipynb``.

What this adds to a plain Jupyter Server, and why:

- Voila's page settings and kernel culling come from the kit's ``voila.json``, as for
  ``make run``: no sources or tracebacks on a page, data files never served, idle kernels
  (a tab closed without its unload beacon) stopped after 10 minutes.
- Kernels talk to the server over local sockets, as ``voila.json`` asks, when the hub
  gives the server a short enough runtime folder (ALIGNMENT_HUB_KERNEL_TRANSPORT, see
  jupyterhub_config.py); otherwise over loopback TCP, Jupyter's default (on
  Kubernetes, loopback is private to the coach's pod).
- The apps' notebooks cannot be changed or deleted through the server (every coach of
  the hub opens the same ones), and JupyterLab, terminals and the other extensions are
  off: a coach's server serves the kit's apps, not a general notebook environment.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from tornado import web

c = get_config()  # type: ignore[name-defined]  # noqa: F821 - Jupyter provides it

KIT_ROOT = Path(os.environ.get("ALIGNMENT_KIT_ROOT", Path(__file__).resolve().parents[3]))

# Voila settings that apply to a server extension (the preheated pool is the standalone
# Voila app's, see README "A program's server").
_VOILA_KEYS = (
    "strip_sources",
    "show_tracebacks",
    "file_allowlist",
    "file_denylist",
    "extension_denylist",
)


class ReadOnlyNotebooks(AsyncLargeFileManager):
    """The apps' notebooks: read by Voila, never changed through the server."""

    def _refuse(self) -> None:
        raise web.HTTPError(403, "The kit's app notebooks cannot be changed on this server.")

    async def save(self, model: dict[str, Any], path: str = "") -> dict[str, Any]:
        self._refuse()
        return {}

    async def delete_file(self, path: str) -> None:
        self._refuse()

    async def rename_file(self, old_path: str, new_path: str) -> None:
        self._refuse()


c.ServerApp.contents_manager_class = ReadOnlyNotebooks
c.ServerApp.terminals_enabled = False
c.ServerApp.jpserver_extensions = {
    "voila": True,
    "jupyterlab": False,
    "jupyter_lsp": False,
    "jupyter_server_terminals": False,
    "notebook_shim": False,
}

kit_voila = json.loads((KIT_ROOT / "voila.json").read_text(encoding="utf-8"))
for key in _VOILA_KEYS:
    if key in kit_voila.get("VoilaConfiguration", {}):
        setattr(c.VoilaConfiguration, key, kit_voila["VoilaConfiguration"][key])
for key, value in kit_voila.get("MappingKernelManager", {}).items():
    setattr(c.MappingKernelManager, key, value)
if os.environ.get("ALIGNMENT_HUB_KERNEL_TRANSPORT") == "ipc":
    c.KernelManager.transport = "ipc"
