"""Only the coach's browser reaches the kit's server: an access key, a Host check, and
websockets that refuse other sites (the DNS-rebinding attack that read every coachee's
prep from a local Voila)."""

from __future__ import annotations

import http.cookiejar
import re
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.voila_server import VoilaServer, free_port

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.server


def _settled_kernels(server: VoilaServer, quiet: float = 2.0, limit: float = 30.0) -> int:
    """Kernel count once it has stopped changing (the preheat pool refills after a use)."""
    deadline = time.monotonic() + limit
    count, since = len(server.kernel_pids()), time.monotonic()
    while time.monotonic() < deadline:
        now = len(server.kernel_pids())
        if now != count:
            count, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            break
        time.sleep(0.2)
    return count


def _signed_in_opener(server: VoilaServer) -> tuple[urllib.request.OpenerDirector, str]:
    """A client holding the sign-in cookie, as a browser does after opening the link."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(server.sign_in_url, timeout=30) as response:
        assert response.status == 200
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    assert "username-" in cookie, "opening the link must leave a sign-in cookie"
    return opener, cookie


@pytest.mark.parametrize("path", ["/", "/voila/render/meeting.ipynb", "/voila/tree"])
def test_a_request_without_the_key_is_refused_and_starts_no_kernel(
    voila_server: VoilaServer, path: str
) -> None:
    before = _settled_kernels(voila_server)
    status, body = voila_server.get(path, signed_in=False)
    assert status == 403
    assert "opens from the kit's link" in body  # says how to get in
    assert _settled_kernels(voila_server) == before


def test_a_wrong_key_is_refused(voila_server: VoilaServer) -> None:
    status, _body = voila_server.get("/voila/tree?token=not-the-key", signed_in=False)
    assert status == 403


def test_the_link_signs_in_and_drops_the_key_from_the_address(voila_server: VoilaServer) -> None:
    opener, _cookie = _signed_in_opener(voila_server)
    with opener.open(f"{voila_server.url}/?token={voila_server.token}", timeout=60) as response:
        assert response.status == 200
        assert response.url.endswith("/voila/render/home.ipynb")  # root opens home
        assert "token=" not in response.url
    # Signed in, any page opens without the key.
    with opener.open(f"{voila_server.url}/voila/render/prep.ipynb", timeout=60) as response:
        assert response.status == 200


def test_a_foreign_host_header_is_refused_even_with_the_key(voila_server: VoilaServer) -> None:
    for host in ("evil.example", f"evil.example:{voila_server.port}", "192.168.1.20"):
        status, _ = voila_server.get("/voila/tree", headers={"Host": host})
        assert status == 403, host
    status, _ = voila_server.get("/voila/tree", headers={"Host": f"localhost:{voila_server.port}"})
    assert status == 200  # the machine's own names still work


def _open_websocket(server: VoilaServer, path: str, *, host: str, origin: str, cookie: str):
    """Connect to the server on this machine, with the Host and Origin a browser would send.

    A DNS-rebinding page reaches 127.0.0.1 under its own name: the socket goes to the
    server, the Host header says ``evil.example``.
    """
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    headers = {"Cookie": cookie} if cookie else None
    return connect(
        f"ws://{host}:{server.port}{path}",
        sock=sock,
        origin=origin,  # type: ignore[arg-type]
        additional_headers=headers,
        open_timeout=30,
    )


def test_kernel_websockets_refuse_other_sites(voila_server: VoilaServer) -> None:
    opener, cookie = _signed_in_opener(voila_server)
    with opener.open(f"{voila_server.url}/voila/render/prep.ipynb", timeout=60) as response:
        page = response.read().decode()
    kernel_id = re.search(r'"kernelId": "([0-9a-f-]{36})"', page)
    assert kernel_id, "the page names its kernel"
    path = f"/api/kernels/{kernel_id.group(1)}/channels"
    here = f"http://127.0.0.1:{voila_server.port}"
    evil = f"http://evil.example:{voila_server.port}"

    # The coach's own page may connect ...
    with _open_websocket(voila_server, path, host="127.0.0.1", origin=here, cookie=cookie):
        pass
    # ... another site may not: cross-origin, DNS rebinding (Host made to match Origin),
    # with or without the coach's cookie.
    for host, origin, with_cookie in [
        ("127.0.0.1", evil, cookie),
        ("evil.example", evil, cookie),
        ("evil.example", evil, ""),
        ("127.0.0.1", here, ""),
    ]:
        with pytest.raises(InvalidStatus) as refused:
            with _open_websocket(voila_server, path, host=host, origin=origin, cookie=with_cookie):
                pass
        assert refused.value.response.status_code == 403, (host, origin, bool(with_cookie))


@pytest.mark.parametrize("target", ["run", "train", "workshop"])
def test_a_taken_port_makes_make_fail_with_a_message_naming_it(target: str) -> None:
    port = free_port()
    variable = "PORT" if target == "run" else "TRAIN_PORT"
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", port))
        holder.listen()
        result = subprocess.run(
            ["make", "-s", target, f"{variable}={port}"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode != 0
    assert f"Port {port} is already in use" in result.stderr
    assert f"make {target} {variable}=" in result.stderr  # says how to choose another
    assert "running" not in result.stdout  # no link to a server that is not this one


def test_a_workshop_server_keeps_a_room_of_kernels_ready_even_from_a_long_temp_folder(
    tmp_path: Path,
) -> None:
    """``--room 2``: two ready kernels per app (home, prep, meeting, debrief). The
    server's temporary folder is deeper than a kernel's local socket path allows (as
    macOS's is): kernels must still start, not restart forever."""
    deep = tmp_path / ("a-temporary-folder-with-a-long-name-" * 2) / "nested"
    exports = deep / "exports"
    exports.mkdir(parents=True)
    server = VoilaServer(
        repo=REPO,
        exports=exports,
        extra_args=("--room=2",),
        env={"ALIGNMENT_KIT_TRAINING": "1", "ALIGNMENT_KIT_TRAINING_DIR": str(deep / "t")},
    )
    assert len(str(server.tmp)) + 66 > 103, "the test's temp folder must be too deep"
    server.start()
    try:
        assert _settled_kernels(server, quiet=4.0, limit=90.0) == 8
        log = server.log_path.read_text(errors="replace")
        assert "restarting kernel" not in log and "File name too long" not in log, log[-3000:]
        assert "Keeping 2 pages of each app ready" in log
    finally:
        server.stop()
