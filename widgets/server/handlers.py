"""The few request handlers the kit puts in front of Voila's own.

Why each exists:

- :class:`KeyRequiredHandler` answers a request that came without the access key with a
  403 page that says how to get in, instead of Jupyter's password form (the kit has no
  password): nothing is rendered and no kernel starts.
- :class:`KitPageHandler` renders an app like Voila does, but (1) drops ``token`` from
  the address once the key has set the sign-in cookie, so the key never shows in the
  address bar of a shared screen nor reaches the app's kernel, and (2) sets the XSRF
  cookie that Voila's page sends back when the tab closes, so closing a tab can shut its
  kernel down with XSRF protection on.
- :class:`HomeRedirectHandler` makes the server's root open the start page.
- :class:`LocalRequestInfoHandler` keeps Voila's preheat query socket (which tells a
  preheated kernel which page it serves) to processes on this machine.
"""

from __future__ import annotations

import html
from urllib.parse import urlencode

from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.auth.login import LoginFormHandler
from jupyter_server.base.handlers import JupyterHandler
from tornado import web
from voila.request_info_handler import RequestInfoSocketHandler
from voila.tornado.handler import TornadoVoilaHandler

__all__ = [
    "HomeRedirectHandler",
    "KeyRequiredHandler",
    "KitPageHandler",
    "LocalRequestInfoHandler",
    "key_required_page",
]

TOKEN_PARAMETER = "token"


def key_required_page() -> str:
    """The calm page shown to a request without the access key."""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Alignment Meeting Kit: link needed</title>"
        "<style>body{font:18px/1.5 system-ui,sans-serif;color:#1f2933;background:#f7f8fa;"
        "margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}"
        "main{max-width:36rem;padding:2rem;background:#fff;border-radius:12px;"
        "box-shadow:0 1px 4px rgba(0,0,0,.12)}h1{font-size:1.4rem;margin-top:0}</style>"
        "</head><body><main><h1>This page opens from the kit's link</h1>"
        "<p>The kit keeps coaching notes private, so it only opens from the link it printed "
        "when it started (the link carries an access key).</p>"
        "<p>Open that link once in this browser; after that, every page of the kit opens "
        "normally. If you do not have it, ask the person who started the kit.</p>"
        "</main></body></html>"
    )


class KeyRequiredHandler(LoginFormHandler):
    """Where Jupyter sends a request that is not signed in: a 403 with instructions."""

    def _refuse(self) -> None:
        self.set_status(403)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(key_required_page())

    @allow_unauthenticated
    async def get(self) -> None:
        self._refuse()

    @allow_unauthenticated
    async def post(self) -> None:
        self._refuse()


def _without_token(handler: web.RequestHandler) -> str:
    arguments = {
        key: [value.decode("utf-8", "replace") for value in values]
        for key, values in handler.request.query_arguments.items()
        if key != TOKEN_PARAMETER
    }
    query = urlencode(arguments, doseq=True)
    return handler.request.path + (f"?{query}" if query else "")


class KitPageHandler(TornadoVoilaHandler):
    """Voila's page handler, minus the key in the address, plus the XSRF cookie."""

    @web.authenticated
    async def get(self, path: str | None = None) -> None:
        if TOKEN_PARAMETER in self.request.query_arguments:
            # The key has just signed this browser in (cookie set): show a clean address.
            self.redirect(_without_token(self))
            return
        # Reading the token sets the `_xsrf` cookie the page posts back on close.
        _ = self.xsrf_token
        await super().get(path)


class HomeRedirectHandler(JupyterHandler):
    """The server's root: straight to the start page (the key, if given, signs in first)."""

    def initialize(self, start: str) -> None:
        self.start = start

    @web.authenticated
    def get(self) -> None:
        self.redirect(f"{self.base_url}voila/render/{html.escape(self.start)}")


class LocalRequestInfoHandler(RequestInfoSocketHandler):
    """Voila's preheat socket, open only to this machine's own kernels."""

    def prepare(self) -> None:
        if self.request.remote_ip not in {"127.0.0.1", "::1"}:
            raise web.HTTPError(403)
