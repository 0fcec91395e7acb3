"""Start the kit's server: Voila with an access key, a Host check and a calm start.

Voila on its own starts with no token and ``allow_remote_access=True``, so any web page a
coach visits could reach the local server (DNS rebinding) and read every coachee's prep.
This launcher keeps Voila but:

- requires an access key (a fresh one per start, or ``ALIGNMENT_KIT_TOKEN``), as
  JupyterLab does; the printed link carries it once and the browser keeps a cookie;
- refuses Host headers that are not this machine when bound to loopback;
- keeps XSRF protection on (the page handler sets the cookie Voila's page needs to shut
  its kernel when the tab closes);
- fails on a taken port with a message naming it, instead of moving silently to the next
  port (which left a printed link pointing at another server);
- serves its pages through the kit's template (``templates/kit``): Voila's lab page with
  the kit's own loading screen (its name and "Opening <page>…") instead of Voila's logo
  and "Executing 1 of 1", from the first paint;
- filters two start-up warnings that alarm without informing (notebook trust, which the
  kit does not use; kernels on TCP, which on loopback never leave the machine);
- for a workshop (``--room N``), keeps N kernels ready per app instead of one. Voila
  refills its pool one kernel per page taken, so with one ready kernel a room opening the
  same page together waited for nine kernels starting at once on the trainer's cores
  (p95 12.5 s for ten pages on two cores); the refill is also held back until the room's
  pages are up, so it does not compete with them.
"""

from __future__ import annotations

import argparse
import errno
import ipaddress
import logging
import os
import secrets
import socket
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jupyter_server import DEFAULT_STATIC_FILES_PATH
from jupyter_server.utils import url_path_join
from traitlets import default
from voila.app import Voila
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.handler import TornadoVoilaHandler

from widgets.errors import SettingsError
from widgets.server.handlers import (
    HomeRedirectHandler,
    KeyRequiredHandler,
    KitPageHandler,
    LocalRequestInfoHandler,
)

__all__ = [
    "KIT_TEMPLATES",
    "TOKEN_ENV",
    "KitVoila",
    "PortTaken",
    "ROOM_FILL_DELAY_S",
    "main",
    "room_settings",
    "socket_root",
    "start_link",
]

TOKEN_ENV = "ALIGNMENT_KIT_TOKEN"

# Shipped in the package, searched before Voila's own templates: its index.html.j2
# extends Voila's lab page and replaces only the loading screen.
KIT_TEMPLATES = Path(__file__).with_name("templates") / "kit"

# Log lines that say nothing a coach can act on (see the module docstring).
_QUIET = (
    "is not trusted",
    "without encryption",
    "Voilà is running at",
    "Voila is running at",
)


# A room's pages arrive within a few seconds of each other: refill the pool after that.
ROOM_FILL_DELAY_S = 15.0


def room_settings(room: int) -> list[str]:
    """Voila settings keeping ``room`` kernels ready per app (none for 0: voila.json's)."""
    if room < 0:
        raise ValueError("--room is the number of people who may open a page at once (0 or more)")
    if room == 0:
        return []
    return [
        f"--VoilaConfiguration.default_pool_size={room}",
        f"--VoilaKernelManager.fill_delay={ROOM_FILL_DELAY_S}",
    ]


# A kernel's local socket is ``<root>/voila_XXXXXXXX/kernel-<uuid>-ipc-<n>``, and a Unix
# socket path has room for 103 bytes on macOS (107 on Linux). macOS's own temporary
# folder (/var/folders/…/T/) leaves too little: kernels would fail to start and restart
# forever. Roots whose path is too long are replaced by a short shared one.
_SOCKET_PATH_ROOM = 103
_SOCKET_TAIL = len("/voila_XXXXXXXX/kernel-00000000-0000-0000-0000-000000000000-ipc-10")
_SHORT_ROOTS = ("/tmp", "/var/tmp")


def socket_root(temp_root: str) -> str:
    """A folder for the kernels' connection files whose socket paths fit the limit."""
    for root in (temp_root, *_SHORT_ROOTS):
        if len(root) + _SOCKET_TAIL <= _SOCKET_PATH_ROOM and os.access(root, os.W_OK | os.X_OK):
            return root
    raise SettingsError(
        f"The temporary folder {temp_root} has too long a path for the kernels' local "
        "connections. Start the kit with a shorter one, e.g. `TMPDIR=/tmp make run`."
    )


class PortTaken(SettingsError, OSError):
    """The port is in use: say which, and how to choose another."""


class _QuietFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(part in message for part in _QUIET)


def _is_loopback(ip: str) -> bool:
    if ip in {"localhost", ""}:
        return ip == "localhost"
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def check_port_free(ip: str, port: int, hint: str = "make run PORT={port}") -> None:
    """Raise :class:`PortTaken` if ``ip:port`` cannot be bound now."""
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As the server itself binds: a closed connection lingering on the port is no owner.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((ip or "0.0.0.0", port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortTaken(
                    f"Port {port} is already in use (is the kit already running there?). "
                    f"Stop that server with Ctrl+C in its terminal, or choose another port, "
                    f"e.g. `{hint.format(port=port + 4)}`."
                ) from exc
            raise


def start_link(host: str, port: int, token: str) -> str:
    """The link to print: the server's root, which opens the start page, with the key."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/?token={token}"


class KitVoila(Voila):
    """Voila with the kit's handlers and settings (see the module docstring)."""

    start_notebook = "home.ipynb"

    @default("connection_dir_root")
    def _short_connection_root(self) -> str:
        return socket_root(tempfile.gettempdir())

    def setup_template_dirs(self) -> None:
        super().setup_template_dirs()
        kit = str(KIT_TEMPLATES)
        if kit not in self.template_paths:
            self.template_paths.insert(0, kit)

    def init_settings(self) -> dict[str, Any]:
        settings = super().init_settings()
        settings["allow_remote_access"] = not _is_loopback(self.ip)
        settings["local_hostnames"] = ["localhost"]
        # Jupyter's error pages (a refused Host, say) need its own static files.
        settings["static_path"] = DEFAULT_STATIC_FILES_PATH
        self.identity_provider.login_handler_class = KeyRequiredHandler
        return settings

    def init_handlers(self) -> list[Any]:
        handlers = []
        for spec in super().init_handlers():
            pattern, handler, *rest = spec
            if handler is TornadoVoilaHandler:
                handler = KitPageHandler
            elif handler is VoilaShutdownKernelHandler:
                pass  # kept: XSRF now works because the page handler sets the cookie
            elif handler.__name__ == "RequestInfoSocketHandler":
                handler = LocalRequestInfoHandler
            handlers.append((pattern, handler, *rest))
        root = url_path_join(self.server_url, "/?")
        handlers.insert(0, (root, HomeRedirectHandler, {"start": self.start_notebook}))
        return handlers


def _quiet_logs(app: Voila) -> None:
    quiet = _QuietFilter()
    for logger in (logging.getLogger(), app.log, logging.getLogger("tornado.application")):
        if isinstance(logger, logging.Logger):
            logger.addFilter(quiet)
            for handler in logger.handlers:
                handler.addFilter(quiet)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m widgets.server",
        description="Serve the kit's apps with an access key.",
    )
    parser.add_argument("notebooks", nargs="?", default="notebooks")
    parser.add_argument("--port", type=int, default=8866)
    parser.add_argument("--ip", default="127.0.0.1")
    parser.add_argument("--start", default="home.ipynb", help="page the link opens")
    parser.add_argument("--title", default="Alignment Meeting Kit")
    parser.add_argument(
        "--port-hint", default="make run PORT={port}", help="how to choose another port"
    )
    parser.add_argument(
        "--room",
        type=int,
        default=0,
        help="people who may open the same page at once (a workshop); 0 keeps voila.json's pool",
    )
    options, voila_args = parser.parse_known_args(argv)
    try:
        voila_args = [*room_settings(options.room), *voila_args]
    except ValueError as exc:
        print(f"Cannot start: {exc}", file=sys.stderr)
        return 2

    token = os.environ.get(TOKEN_ENV, "").strip() or secrets.token_urlsafe(18)
    try:
        check_port_free(options.ip, options.port, options.port_hint)
        socket_root(tempfile.gettempdir())
    except SettingsError as exc:
        print(f"Cannot start: {exc}", file=sys.stderr)
        return 2

    app = KitVoila()
    KitVoila.start_notebook = options.start
    app.initialize(
        [
            options.notebooks,
            f"--port={options.port}",
            f"--Voila.ip={options.ip}",
            "--no-browser",
            "--Voila.port_retries=0",
            *voila_args,
        ]
    )
    app.token = token
    _quiet_logs(app)
    host = "127.0.0.1" if options.ip in {"", "0.0.0.0"} else options.ip
    print(f"\n{options.title} is running. Open this link in your browser:\n")
    print(f"    {start_link(host, options.port, token)}\n")
    print(
        "The link carries this server's access key: give it only to people who may see "
        "this kit's data. Stop the server with Ctrl+C.",
        flush=True,
    )
    if options.room:
        print(
            f"Keeping {options.room} pages of each app ready for the room; each ready page "
            "holds about 50 MB of memory until someone opens it."
        )
    if _is_loopback(options.ip):
        print("Apps and their kernels talk over this computer's own loopback connection.")
    app.start()
    return 0
