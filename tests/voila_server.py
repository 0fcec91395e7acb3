"""Run the kit for real, for tests and benchmarks: a Voila server, Debian's Chromium,
and a sandbox that keeps Jupyter, IPython and the browser out of $HOME.

The server runs from the repository root as `make run` runs it (`python -m
widgets.server`, so it reads the project's voila.json and asks for an access key); its
process group is killed on stop so no kernel outlives the tests, and its temporary
files go to the sandbox, not the machine's temp folder.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "VoilaServer",
    "free_port",
    "isolate_home",
    "local_signed_in",
]

# Playwright cannot download its own browser here: Debian's, with the flags that keep
# it from reaching out to the network at start.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def isolate_home(sandbox: Path, extra: dict[str, str] | None = None) -> None:
    """Point HOME and every Jupyter/IPython/XDG folder into ``sandbox``.

    Set before any kernel or browser starts, so children inherit it. ``extra`` maps
    further variables to sub-folders (e.g. the kit's data roots).
    """
    folders = {
        "HOME": "home",
        "JUPYTER_RUNTIME_DIR": "jupyter-runtime",
        "JUPYTER_DATA_DIR": "jupyter-data",
        "JUPYTER_CONFIG_DIR": "jupyter-config",
        "IPYTHONDIR": "ipython",
        "XDG_CONFIG_HOME": "xdg-config",
        "XDG_CACHE_HOME": "xdg-cache",
        "MPLCONFIGDIR": "matplotlib",
        **(extra or {}),
    }
    for var, sub in folders.items():
        folder = sandbox / sub
        folder.mkdir(parents=True, exist_ok=True)
        os.environ[var] = str(folder)
    os.environ["JUPYTER_PLATFORM_DIRS"] = "1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class VoilaServer:
    def __init__(
        self,
        *,
        repo: Path,
        exports: Path,
        extra_args: tuple[str, ...] = (),
        use_project_config: bool = True,
        env: dict[str, str] | None = None,
    ):
        self.repo = repo
        self.exports = exports
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.extra_args = extra_args
        self.use_project_config = use_project_config
        self.env = env or {}
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = exports.parent / f"voila-{self.port}.log"
        self.token = secrets.token_urlsafe(12) if use_project_config else ""
        self.tmp = exports.parent / f"tmp-{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        self.tmp.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "ALIGNMENT_KIT_EXPORTS": str(self.exports),
            "ALIGNMENT_KIT_TOKEN": self.token,
            "TMPDIR": str(self.tmp),
            **self.env,
        }
        cmd = [sys.executable, "-m", "widgets.server", "notebooks", f"--port={self.port}"]
        cwd = self.repo
        if not self.use_project_config:
            # Voila reads voila.json from its working directory: start elsewhere for
            # "Voila as it comes" and point it at the notebooks by absolute path.
            cwd = self.exports.parent
            voila = Path(sys.executable).with_name("voila")
            cmd = [str(voila), str(self.repo / "notebooks"), f"--port={self.port}"]
            cmd += ["--no-browser", "--Voila.ip=127.0.0.1"]
        cmd += list(self.extra_args)
        log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self._log = log
        self.process = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Voila exited early:\n{self.log()}")
            try:
                if self.get("/voila/tree", timeout=2)[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Voila did not answer within {timeout}s:\n{self.log()}")

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-5000:]
        except OSError:
            return ""

    def get(
        self,
        path: str,
        timeout: float = 60.0,
        *,
        signed_in: bool = True,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        """GET a path; ``signed_in`` sends the access key as a browser's cookie would."""
        request = urllib.request.Request(self.url + path, headers=dict(headers or {}))
        if signed_in and self.token:
            request.add_header("Authorization", f"token {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    @property
    def sign_in_url(self) -> str:
        """A page that signs a browser in (sets the kit's cookie) without starting a kernel."""
        return f"{self.url}/voila/tree?token={self.token}"

    def sign_in(self, page) -> None:  # noqa: ANN001 - a Playwright page
        """Sign a browser page's context in, as opening the printed link does."""
        page.goto(self.sign_in_url)

    def kernel_pids(self) -> list[int]:
        """Processes the server started (its kernels among them)."""
        import psutil

        if self.process is None:
            return []
        try:
            return [c.pid for c in psutil.Process(self.process.pid).children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def stop(self) -> None:
        if self.process is None:
            return
        import psutil

        children = self.kernel_pids()
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        # Kernels run in sessions of their own; make sure none outlives the server.
        for pid in children:
            try:
                psutil.Process(pid).kill()
            except psutil.NoSuchProcess:
                pass
        self.process = None
        self._log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def local_signed_in(page, server: VoilaServer):  # noqa: ANN001, ANN201 - a Playwright page
    """The page, allowed to talk only to ``server`` (no CDN fonts, no leaks), with a
    30 s default wait, and signed in as opening the printed link does."""

    def only_local(route):  # noqa: ANN001 - a Playwright route
        url = route.request.url
        if url.startswith(server.url) or url.startswith(("data:", "blob:")):
            return route.continue_()
        return route.abort()

    page.route("**/*", only_local)
    page.set_default_timeout(30_000)
    server.sign_in(page)
    return page
