"""Run the program's hub on this machine, for a trial: ``make hub``.

    python deploy/jupyterhub/local_hub.py [--port 8000] [--data hub-data] [--analysts analyst]

Starts JupyterHub with deploy/jupyterhub/jupyterhub_config.py on 127.0.0.1, with one
shared password (printed; ``ALIGNMENT_HUB_SHARED_PASSWORD`` keeps one across starts):
anyone signs in with any name and that password, each name is a coach with their own
data folder, and the names given to ``--analysts`` land on the program export. When the
hub answers, prints the address to open. Ctrl+C stops the hub and every coach's server.
A program's server does not use this script: see the README, "A program's server".
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PROXY = HERE / "node_modules" / ".bin" / "configurable-http-proxy"


def port_taken(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


class Descendants:
    """The hub's processes, remembered while it runs, so none outlives ``make hub``.

    The hub starts the proxy and its services in sessions of their own and stops them
    when it stops, except when it is stopped while starting: then they would be left
    running with no hub. Linux only (reads /proc); elsewhere it remembers nothing.
    """

    def __init__(self, root: int) -> None:
        self.root = root
        self.seen: dict[int, str] = {}  # pid -> start time, so a reused pid is left alone

    @staticmethod
    def _stat(pid: int) -> tuple[int, str] | None:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        return int(fields[1]), fields[19]  # parent pid, start time

    def update(self) -> None:
        parents: dict[int, list[int]] = {}
        for entry in Path("/proc").glob("[0-9]*"):
            stat = self._stat(int(entry.name))
            if stat is not None:
                parents.setdefault(stat[0], []).append(int(entry.name))
        todo = [self.root]
        while todo:
            for child in parents.get(todo.pop(), []):
                stat = self._stat(child)
                if stat is not None:
                    self.seen.setdefault(child, stat[1])
                    todo.append(child)

    def stop_leftovers(self) -> None:
        for pid, started in self.seen.items():
            stat = self._stat(pid)
            if stat is not None and stat[1] == started:
                try:
                    os.kill(pid, signal.SIGTERM)
                except OSError:
                    pass


def wait_until_answering(
    url: str, process: subprocess.Popen[bytes], timeout: float, tree: Descendants
) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        tree.update()
        try:
            with urllib.request.urlopen(f"{url}/hub/api", timeout=2) as response:
                if response.status == 200:
                    return True
        except (OSError, urllib.error.URLError):
            time.sleep(0.3)
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make hub", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("HUB_PORT", "8000")))
    parser.add_argument("--data", type=Path, default=REPO / "hub-data")
    parser.add_argument("--analysts", default="analyst", help="comma-separated user names")
    options = parser.parse_args(argv)
    options.data = options.data.expanduser().resolve()

    if not PROXY.exists():
        print(
            f"configurable-http-proxy is not installed in {HERE}: run `make hub`, which "
            "installs it from npm into the project.",
            file=sys.stderr,
        )
        return 2
    if port_taken(options.port):
        print(
            f"Cannot start: port {options.port} is already in use (is the hub already "
            f"running?). Stop it with Ctrl+C, or choose another port, e.g. "
            f"`make hub HUB_PORT={options.port + 1}`.",
            file=sys.stderr,
        )
        return 2

    # A shell that starts this in the background leaves Ctrl+C ignored, and the hub's
    # services would inherit that and ignore the hub's request to stop: restore it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    password = os.environ.get("ALIGNMENT_HUB_SHARED_PASSWORD", "") or secrets.token_urlsafe(9)
    env = {
        **os.environ,
        "ALIGNMENT_HUB_IP": "127.0.0.1",
        "ALIGNMENT_HUB_PORT": str(options.port),
        "ALIGNMENT_HUB_DATA": str(options.data),
        "ALIGNMENT_HUB_SHARED_PASSWORD": password,
        "ALIGNMENT_HUB_ANALYSTS": options.analysts,
        # Coaches' kernels import the kit from this checkout, installed or not.
        "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p),
    }
    env.pop("ALIGNMENT_HUB_PROGRAM_CONFIG", None)  # a trial never uses a program's sign-in
    jupyterhub = Path(sys.executable).with_name("jupyterhub")
    command = [str(jupyterhub), "-f", str(HERE / "jupyterhub_config.py")]
    options.data.mkdir(mode=0o700, parents=True, exist_ok=True)
    hub = subprocess.Popen(command, cwd=options.data, env=env)
    url = f"http://127.0.0.1:{options.port}"
    tree = Descendants(hub.pid)
    try:
        if not wait_until_answering(url, hub, timeout=120, tree=tree):
            print("The hub did not start: see its log above.", file=sys.stderr)
            hub.terminate()
            return hub.wait() or 1
        tree.update()
        print(
            f"\nThe program's hub (local trial) is running. Open:\n\n    {url}/\n\n"
            f"Sign in with any name and the password {password}\n"
            f"Each name is a coach with their own data in {options.data}/coaches/<name>/; "
            f"{options.analysts or 'nobody'} signs in as the program's analyst.\n"
            "Stop the hub and every coach's server with Ctrl+C.\n",
            flush=True,
        )
        while hub.poll() is None:
            tree.update()  # coaches' servers come and go
            time.sleep(2)
        return hub.returncode
    except KeyboardInterrupt:
        return hub.wait()
    finally:
        tree.stop_leftovers()


if __name__ == "__main__":
    sys.exit(main())
