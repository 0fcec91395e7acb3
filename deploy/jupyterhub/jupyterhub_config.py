"""JupyterHub for a coaching program: each coach signs in and gets the kit with their own data.

    make hub                                  # local: 127.0.0.1, one shared password
    jupyterhub -f deploy/jupyterhub/jupyterhub_config.py   # a program's server

Each signed-in coach gets a server of their own (Jupyter Server with Voila as an
extension, see ``singleuser/jupyter_server_config.py``) that opens the kit's home page and
keeps every answer in that coach's own folder. Analysts get the program export of every
coach's data through the ``program-export`` service, never a coach's raw files. Idle
servers are stopped by jupyterhub-idle-culler.

Everything a program may want to change comes from the environment, so one file serves
``make hub``, the tests and a program's server:

    ALIGNMENT_HUB_DATA              the hub's state and every coach's folder (hub-data/)
    ALIGNMENT_HUB_IP, _PORT         the address coaches open (127.0.0.1:8000)
    ALIGNMENT_HUB_PROGRAM_CONFIG    the program's own settings file: how people sign in,
                                    admins, TLS (see program_config.example.py)
    ALIGNMENT_HUB_SHARED_PASSWORD   local trials and tests only: anyone signs in with any
                                    name and this password
    ALIGNMENT_HUB_ANALYSTS          user names of the program's analysts, comma-separated
    ALIGNMENT_HUB_IDLE_MINUTES      stop a coach's server after this long unused (60)
    ALIGNMENT_KIT_EXPORT_KEY        the program export's pseudonym key (default: one the
                                    service keeps in its folder)

The data folder:

    jupyterhub.sqlite, jupyterhub_cookie_secret, proxy.pid   the hub's own state
    program.yaml                the program's recommended window (optional), seen by every coach
    coaches/<user>/             a coach's home on the hub
    coaches/<user>/exports/     the coach's data (ALIGNMENT_KIT_EXPORTS of their server)
    coaches/<user>/training/    the coach's training data (?training=1)
    run/<user id>/              the coach's server's runtime files and kernels' sockets
    program-export/             the export service's key, cache and scratch space
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
KIT_ROOT = Path(os.environ.get("ALIGNMENT_KIT_ROOT", HERE.parents[1])).resolve()
NOTEBOOKS = Path(os.environ.get("ALIGNMENT_KIT_NOTEBOOKS", KIT_ROOT / "notebooks")).resolve()
DATA = Path(os.environ.get("ALIGNMENT_HUB_DATA", KIT_ROOT / "hub-data")).expanduser().resolve()
COACHES = DATA / "coaches"
EXPORT_SERVICE_DIR = DATA / "program-export"
KERNEL_SOCKETS = DATA / "run"
BIN = Path(sys.executable).parent  # the environment the hub runs in holds the kit too

IP = os.environ.get("ALIGNMENT_HUB_IP", "127.0.0.1")
PORT = int(os.environ.get("ALIGNMENT_HUB_PORT", "8000"))
IDLE_MINUTES = int(os.environ.get("ALIGNMENT_HUB_IDLE_MINUTES", "60"))
SHARED_PASSWORD = os.environ.get("ALIGNMENT_HUB_SHARED_PASSWORD", "")
PROGRAM_CONFIG = os.environ.get("ALIGNMENT_HUB_PROGRAM_CONFIG", "")
ANALYSTS = sorted(
    {name.strip() for name in os.environ.get("ALIGNMENT_HUB_ANALYSTS", "").split(",")} - {""}
)
ANALYSTS_GROUP = "analysts"
EXPORT_SERVICE = "program-export"

c = get_config()  # type: ignore[name-defined]  # noqa: F821 - JupyterHub provides it

for folder in (DATA, COACHES, EXPORT_SERVICE_DIR, KERNEL_SOCKETS):
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)


def _free_port() -> int:
    """A port for the hub's internal APIs, which nobody but the hub and proxy call."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# ---------------------------------------------------------------- where it listens
# Coaches open the proxy's address; the hub's and the proxy's own APIs stay on loopback.
c.JupyterHub.bind_url = f"http://{IP}:{PORT}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{_free_port()}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{_free_port()}"
# configurable-http-proxy from npm, installed into this folder (`make hub` does it).
c.ConfigurableHTTPProxy.command = [str(HERE / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(DATA / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{DATA / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(DATA / "jupyterhub_cookie_secret")

# ---------------------------------------------------------------- who may sign in
# The program chooses how people sign in, in a file of its own named by
# ALIGNMENT_HUB_PROGRAM_CONFIG (its identity provider through OAuthenticator, LDAP, or
# system accounts; see program_config.example.py), loaded at the end of this file so it
# has the last word and this file can be updated with the kit. Local trials and the
# tests use one shared password instead.
if SHARED_PASSWORD and not PROGRAM_CONFIG:
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = SHARED_PASSWORD
    c.Authenticator.allow_all = True
elif not PROGRAM_CONFIG:
    raise SystemExit(
        "Choose how coaches sign in: name your program's settings file in "
        "ALIGNMENT_HUB_PROGRAM_CONFIG (see deploy/jupyterhub/program_config.example.py), "
        "or, for a local trial only, set ALIGNMENT_HUB_SHARED_PASSWORD (`make hub` does)."
    )
# Names become folder names: letters, digits and . _ @ - only, never a leading dot.
c.Authenticator.username_pattern = r"^[a-z0-9_@-][a-z0-9._@-]{0,63}$"

# ---------------------------------------------------------------- each coach's server


def coach_home(username: str) -> Path:
    return COACHES / username


def _exports(spawner: Any) -> str:
    return str(coach_home(spawner.user.name) / "exports")


def _training(spawner: Any) -> str:
    return str(coach_home(spawner.user.name) / "training")


def _scratch(spawner: Any) -> str:
    return str(coach_home(spawner.user.name) / "tmp")


# Kernels talk to their coach's server over local sockets in run/<user id>/, not loopback
# TCP ports: with many servers starting kernels at once, a port one server picked gets
# taken by another ("Address already in use": a page that never opens, seen with ten
# coaches), and any local account can reach a loopback port. Linux allows 107
# characters for a socket's path, hence the short folder (a long data folder path falls
# back to TCP, with a warning at start).
_SOCKET_NAME = len("/99999/kernel-") + 36 + len("-ipc-99")  # user id, kernel id, channel
KERNEL_IPC = len(str(KERNEL_SOCKETS)) + _SOCKET_NAME <= 107
if not KERNEL_IPC:
    print(
        f"Warning: the data folder's path ({DATA}) is too long for kernels' local sockets; "
        "kernels use loopback TCP ports instead. A data folder path of at most 45 "
        "characters (e.g. /srv/alignment-hub) avoids this.",
        file=sys.stderr,
    )


def _kernel_sockets(spawner: Any) -> str:
    return str(KERNEL_SOCKETS / str(spawner.user.id))


def _runs_as_the_coach(spawner: Any) -> bool:
    """True when the program chose one system account per coach (LocalProcessSpawner)."""
    from jupyterhub.spawner import LocalProcessSpawner, SimpleLocalProcessSpawner

    return (
        isinstance(spawner, LocalProcessSpawner)
        and not isinstance(spawner, SimpleLocalProcessSpawner)
        and os.geteuid() == 0
    )


def prepare_coach_folders(spawner: Any) -> None:
    """Create the coach's folders before their server starts; share the program's window.

    The program's ``program.yaml`` (recommended window) is linked into every coach's
    data folder, so one file sets it for the whole program.
    """
    home = coach_home(spawner.user.name)
    folders = [home / sub for sub in ("exports", "training", "tmp")]
    folders.append(Path(_kernel_sockets(spawner)))
    for folder in folders:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if _runs_as_the_coach(spawner):
        # A server started as the coach's own system account owns the coach's folders;
        # other coaches' accounts cannot read them, and may only pass through coaches/.
        import pwd

        account = pwd.getpwnam(spawner.user.name)
        for path in (home, *folders):
            os.chown(path, account.pw_uid, account.pw_gid)
        for path in (DATA, COACHES, KERNEL_SOCKETS):
            path.chmod(0o711)
    program = DATA / "program.yaml"
    beside_data = home / "exports" / "program.yaml"
    if program.exists() and (beside_data.is_symlink() or not beside_data.exists()):
        beside_data.unlink(missing_ok=True)
        beside_data.symlink_to(program)


# All coaches' servers run as the account the hub runs as (no system account per coach
# is needed); each gets its own home, data, training and temp folders. See the README
# ("A program's server") for what that separates and what it does not.
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(COACHES / "{username}")
c.Spawner.pre_spawn_hook = prepare_coach_folders
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.notebook_dir = str(NOTEBOOKS)
c.Spawner.default_url = "/voila/render/home.ipynb"
c.Spawner.disable_user_config = True  # nothing in a coach's folder configures their server
c.Spawner.environment = {
    "ALIGNMENT_KIT_EXPORTS": _exports,
    "ALIGNMENT_KIT_TRAINING_DIR": _training,
    "TMPDIR": _scratch,
    "JUPYTER_CONFIG_PATH": str(HERE / "singleuser"),
    "ALIGNMENT_KIT_ROOT": str(KIT_ROOT),
}
if KERNEL_IPC:
    c.Spawner.environment["JUPYTER_RUNTIME_DIR"] = _kernel_sockets
    c.Spawner.environment["ALIGNMENT_HUB_KERNEL_TRANSPORT"] = "ipc"
c.Spawner.http_timeout = 60
c.Spawner.start_timeout = 120
if os.geteuid() == 0:
    # A hub started as root (a container, CI) starts its servers as root: allow it, but
    # a program's server should run the hub as an unprivileged account.
    c.Spawner.args = ["--allow-root"]

# ---------------------------------------------------------------- analysts
# Analysts sign in like coaches and land on the program export page; they never get a
# coach's folder. Their group comes from ALIGNMENT_HUB_ANALYSTS here, or from the
# identity provider (Authenticator.manage_groups) in the program's settings file.
if ANALYSTS:
    c.JupyterHub.load_groups = {ANALYSTS_GROUP: {"users": ANALYSTS}}


def landing_page(handler: Any) -> str:
    """Analysts go to the program export; everyone else to their own server (the default)."""
    user = handler.current_user
    if user is not None and ANALYSTS_GROUP in {group.name for group in user.groups}:
        return f"{handler.base_url}services/{EXPORT_SERVICE}/"
    return ""


c.JupyterHub.default_url = landing_page

c.JupyterHub.load_roles = [
    {
        "name": "program-analyst",
        "description": "Download the program export of every coach's data",
        "scopes": [f"access:services!service={EXPORT_SERVICE}"],
        "groups": [ANALYSTS_GROUP],
    },
    {
        "name": "idle-culler",
        "description": "Stop servers nobody has used for a while",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    },
]
c.JupyterHub.services = [
    {
        "name": EXPORT_SERVICE,
        "display": True,
        "info": {"about": "The program export of every coach's data: no names, no IDs"},
        "url": f"http://127.0.0.1:{_free_port()}",
        "command": [sys.executable, str(HERE / "program_export.py")],
        "cwd": str(EXPORT_SERVICE_DIR),
        "environment": {
            "ALIGNMENT_HUB_COACHES": str(COACHES),
            "ALIGNMENT_HUB_EXPORT_DIR": str(EXPORT_SERVICE_DIR),
            "ALIGNMENT_KIT_EXPORT_KEY": os.environ.get("ALIGNMENT_KIT_EXPORT_KEY", ""),
            # The loader's parse cache goes to the service's folder, not beside a coach's data.
            "ALIGNMENT_KIT_CACHE": str(EXPORT_SERVICE_DIR / "cache"),
            "HOME": str(EXPORT_SERVICE_DIR),
            "TMPDIR": str(EXPORT_SERVICE_DIR),
            "MPLCONFIGDIR": str(EXPORT_SERVICE_DIR / "matplotlib"),
        },
        "oauth_no_confirm": True,
    },
    {
        "name": "idle-culler",
        "command": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={IDLE_MINUTES * 60}",
            f"--cull-every={min(300, max(30, IDLE_MINUTES * 30))}",
        ],
    },
]

# ---------------------------------------------------------------- the program's settings
if PROGRAM_CONFIG:
    load_subconfig(str(Path(PROGRAM_CONFIG).expanduser().resolve()))  # type: ignore[name-defined]  # noqa: F821
