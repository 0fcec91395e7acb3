"""Run the program's hub for real, for tests and benchmarks, as `make hub` runs it.

The hub is started through deploy/jupyterhub/local_hub.py (JupyterHub with the kit's
config, configurable-http-proxy from the project's node_modules, one shared password) on
a free port, with its data folder in the caller's sandbox. ``stop()`` stops the hub,
which stops every coach's server, then kills whatever is left of every process it
started: coaches' servers and kernels run in sessions of their own.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.voila_server import free_port

__all__ = ["HUB_DIR", "PROXY", "HubServer", "hub_missing_reason"]

REPO = Path(__file__).resolve().parents[1]
HUB_DIR = REPO / "deploy" / "jupyterhub"
PROXY = HUB_DIR / "node_modules" / ".bin" / "configurable-http-proxy"


def hub_missing_reason() -> str:
    """Why a hub cannot start here ('' when it can)."""
    if not Path(sys.executable).with_name("jupyterhub").exists():
        return "jupyterhub is not installed in this environment (make test installs it)"
    if not PROXY.exists():
        if shutil.which("npm") is None:
            return "npm is missing, so configurable-http-proxy cannot be installed"
        return "configurable-http-proxy is not installed (make test installs it with npm)"
    return ""


class HubServer:
    def __init__(self, *, data: Path, analysts: tuple[str, ...] = ("analyst",)):
        self.data = data
        self.analysts = analysts
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.password = secrets.token_urlsafe(12)
        self.log_path = data.parent / f"hub-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._started: dict[int, object] = {}  # pid -> psutil.Process (knows its start time)

    def coach_exports(self, user: str) -> Path:
        return self.data / "coaches" / user / "exports"

    def start(self, timeout: float = 150.0) -> None:
        env = {
            **os.environ,
            "ALIGNMENT_HUB_SHARED_PASSWORD": self.password,
            "PYTHONPATH": str(REPO),
        }
        command = [sys.executable, str(HUB_DIR / "local_hub.py"), f"--port={self.port}"]
        command += [f"--data={self.data}", f"--analysts={','.join(self.analysts)}"]
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            command,
            cwd=REPO,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The hub exited early:\n{self.log()}")
            if "is running. Open:" in self.log():
                return
            time.sleep(0.2)  # waiting for a process to print its ready line
        self.stop()
        raise RuntimeError(f"The hub did not start within {timeout}s:\n{self.log()}")

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_once(self, pattern: str, timeout: float = 60.0) -> str:
        """The hub's log once ``pattern`` (a regex) shows in it, or as it is at ``timeout``.

        Services write when they get round to it (the culler's first call comes a moment
        after the hub is up), so a test reading the log at once would race them.
        """
        deadline = time.monotonic() + timeout
        log = self.log()
        while not re.search(pattern, log) and time.monotonic() < deadline:
            time.sleep(0.25)
            log = self.log()
        return log

    def get(self, path: str, *, follow: bool = True) -> tuple[int, str, dict[str, str]]:
        """A request with no session: status, body and headers (redirects optional)."""

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
                return None

        opener = urllib.request.build_opener(*([] if follow else [NoRedirect()]))
        try:
            with opener.open(self.url + path, timeout=30) as response:
                body = response.read().decode("utf-8", "replace")
                return response.status, body, dict(response.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace"), dict(exc.headers)

    def sign_in(self, page, user: str) -> None:  # noqa: ANN001 - a Playwright page
        """Sign a browser page in at the hub's login form, as a coach does."""
        page.goto(f"{self.url}/hub/login")
        page.locator("#username_input").fill(user)
        page.locator("#password_input").fill(self.password)
        page.locator("#login_submit").click()

    def processes(self) -> list[int]:
        """Every live process the hub started: proxy, services, servers, kernels."""
        import psutil

        if self.process is None:
            return []
        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            children = []
        for child in children:
            self._started.setdefault(child.pid, child)
        return [child.pid for child in children]

    def servers(self) -> dict[str, list[int]]:
        """Coaches' single-user servers by user name, with the kernels under each."""
        import psutil

        found: dict[str, list[int]] = {}
        for pid in self.processes():
            try:
                process = psutil.Process(pid)
                if "jupyterhub-singleuser" not in " ".join(process.cmdline()):
                    continue
                user = process.environ().get("JUPYTERHUB_USER", "?")
                found[user] = [pid] + [c.pid for c in process.children(recursive=True)]
            except psutil.Error:
                continue
        return found

    def stop(self) -> None:
        if self.process is None:
            return
        import psutil

        self.processes()  # remember everything started, before the tree comes apart
        try:
            os.killpg(self.process.pid, signal.SIGTERM)  # the hub stops coaches' servers
            self.process.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        for process in self._started.values():
            assert isinstance(process, psutil.Process)
            try:
                process.kill()  # refuses a reused pid: psutil checks the start time
            except psutil.NoSuchProcess:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        self.process = None
        self._log.close()
