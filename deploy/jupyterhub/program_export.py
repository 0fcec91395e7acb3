"""The hub's program-export service: analysts download every coach's data, redacted.

JupyterHub starts this process and routes ``/services/program-export/`` to it. Only
users whose role grants ``access:services!service=program-export`` (the analysts group,
see jupyterhub_config.py) get past the hub's sign-in; anyone else gets a 403.

The page shows how many coaches' folders hold data; its button downloads a zip made
at that moment by the kit's own program export (``python -m widgets.analysis.export``)
over every coach's ``exports`` folder: no names, pseudonymous IDs under the program's
key, free text only where the coachee consented, with its codebook and
``datapackage.json``. Unzipped, ``widgets.load_responses(folder)`` reads it.

How the coaches' folders stay read-only to this service: it opens their data files for
reading only, keeps the loader's parse cache in its own folder (ALIGNMENT_KIT_CACHE),
and builds the export in its own scratch folder. The one thing it touches in a coach's
folder is the store's lock file (``.store.lock``): it reads under that lock, as every
reader of a live store must, so a save in progress is never read half-written.
"""

from __future__ import annotations

import asyncio
import html
import io
import logging
import os
import secrets
import shutil
import signal
import sys
import tempfile
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlparse

from jupyterhub.services.auth import HubOAuthCallbackHandler, HubOAuthenticated
from jupyterhub.utils import url_path_join
from tornado import web
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop

__all__ = ["coach_folders", "main", "make_app", "program_key"]

log = logging.getLogger("program-export")

KEY_FILE = "export-key"
PAGE_STYLE = (
    "body{font:16px/1.5 system-ui,sans-serif;color:#1f2933;background:#f7f8fa;margin:0}"
    "main{max-width:44rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:12px;"
    "box-shadow:0 1px 4px rgba(0,0,0,.12)}h1{font-size:1.4rem;margin-top:0}"
    "a.button{display:inline-block;padding:.6rem 1.1rem;background:#1f5fa8;color:#fff;"
    "border-radius:6px;text-decoration:none}code{background:#eef1f5;padding:0 .3em}"
)


def coach_folders(coaches: Path) -> list[Path]:
    """Every coach's data folder that holds saved answers, in name order."""
    return sorted(p for p in coaches.glob("*/exports") if (p / "responses.csv").is_file())


def program_key(service_dir: Path) -> str:
    """The export key: the program's (ALIGNMENT_KIT_EXPORT_KEY) or one kept here.

    The same key gives the same pseudonyms in every export, so exports made on
    different days can be joined; it is created once, readable by this account only.
    """
    configured = os.environ.get("ALIGNMENT_KIT_EXPORT_KEY", "").strip()
    if configured:
        return configured
    path = service_dir / KEY_FILE
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_hex(32) + "\n")
    return path.read_text(encoding="utf-8").strip()


def build_zip(coaches: Path, service_dir: Path) -> tuple[bytes, str, int]:
    """The program export of every coach's folder as a zip: (bytes, file name, rows)."""
    # pandas and the kit's analysis load on the first export, not while the service idles.
    from widgets import export_program

    folders = coach_folders(coaches)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H%MZ")
    name = f"program-export-{stamp}"
    scratch = Path(tempfile.mkdtemp(prefix="export-", dir=service_dir))
    try:
        out = scratch / name
        if folders:
            summary = export_program(out, *folders, key=program_key(service_dir))
            rows = summary.rows
        else:
            out.mkdir()
            rows = 0
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(out.iterdir()):
                archive.write(path, f"{name}/{path.name}")
        return buffer.getvalue(), f"{name}.zip", rows
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


class _Base(HubOAuthenticated, web.RequestHandler):
    @property
    def hub_scopes(self) -> set[str]:
        # Stated here, not only taken from the environment: a service started outside
        # the hub (on Kubernetes) without JUPYTERHUB_OAUTH_ACCESS_SCOPES would otherwise
        # let in every signed-in user.
        name = os.environ.get("JUPYTERHUB_SERVICE_NAME", "program-export")
        return {f"access:services!service={name}"}

    def initialize(self, coaches: Path, service_dir: Path) -> None:
        self.coaches = coaches
        self.service_dir = service_dir

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("Content-Security-Policy", "frame-ancestors 'none'")


class ExportPage(_Base):
    @web.authenticated
    def get(self) -> None:
        user = self.get_current_user()["name"]
        count = len(coach_folders(self.coaches))
        download = url_path_join(self.request.path, "program-export.zip")
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>Program export · Alignment Meeting Kit</title><style>{PAGE_STYLE}</style>"
            "</head><body><main><h1>Program export</h1>"
            f"<p>Signed in as <strong>{html.escape(user)}</strong>. "
            f"<span class='kit-export-coaches'>{count} coach{'es' if count != 1 else ''}"
            "</span> of this hub have saved answers.</p>"
            "<p>The export holds every coach's answers with no names, engagement IDs "
            "replaced by the program's pseudonyms, and free text only where the coachee "
            "agreed. It is made when you press the button, so it is up to date.</p>"
            f"<p><a class='button kit-action-download' href='{html.escape(download)}'>"
            "Download the program export (zip)</a></p>"
            "<p>Unzipped, it loads with <code>widgets.load_responses(folder)</code>; "
            "<code>datapackage.json</code> and <code>codebook.csv</code> describe every "
            "column.</p></main></body></html>"
        )


class ExportDownload(_Base):
    @web.authenticated
    async def get(self) -> None:
        user = self.get_current_user()["name"]
        data, filename, rows = await asyncio.to_thread(build_zip, self.coaches, self.service_dir)
        log.info("%s downloaded the program export (%d rows)", user, rows)
        self.set_header("Content-Type", "application/zip")
        self.set_header("Content-Disposition", f'attachment; filename="{filename}"')
        self.finish(data)


def make_app(prefix: str, coaches: Path, service_dir: Path) -> web.Application:
    options = {"coaches": coaches, "service_dir": service_dir}
    return web.Application(
        [
            (prefix, ExportPage, options),
            (url_path_join(prefix, "program-export.zip"), ExportDownload, options),
            (url_path_join(prefix, "oauth_callback"), HubOAuthCallbackHandler),
        ],
        cookie_secret=secrets.token_bytes(32),
    )


def main() -> int:
    logging.basicConfig(
        level=logging.INFO, format="[%(levelname).1s %(asctime)s program-export] %(message)s"
    )
    coaches = Path(os.environ["ALIGNMENT_HUB_COACHES"])
    service_dir = Path(os.environ["ALIGNMENT_HUB_EXPORT_DIR"])
    service_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    program_key(service_dir)  # created at start, not on an analyst's first click
    url = urlparse(os.environ["JUPYTERHUB_SERVICE_URL"])
    app = make_app(os.environ["JUPYTERHUB_SERVICE_PREFIX"], coaches, service_dir)
    HTTPServer(app).listen(url.port or 80, url.hostname or "127.0.0.1")
    log.info("serving the program export of %s", coaches)
    # The hub stops its services with SIGINT (then SIGTERM): both end the loop quietly.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        IOLoop.current().start()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
