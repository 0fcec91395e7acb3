"""The launcher's settings for a room and for kernels' local sockets, without a server."""

from __future__ import annotations

from pathlib import Path

import pytest

from widgets.errors import SettingsError
from widgets.server import launch


def test_a_room_keeps_that_many_kernels_ready_and_holds_the_refill_back() -> None:
    assert launch.room_settings(0) == []  # voila.json's own pool
    settings = launch.room_settings(12)
    assert "--VoilaConfiguration.default_pool_size=12" in settings
    assert f"--VoilaKernelManager.fill_delay={launch.ROOM_FILL_DELAY_S}" in settings
    with pytest.raises(ValueError, match="0 or more"):
        launch.room_settings(-1)


def test_a_negative_room_is_refused_with_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert launch.main(["notebooks", "--room=-3", "--port=1"]) == 2
    assert "Cannot start: --room" in capsys.readouterr().err


def test_a_short_temp_folder_is_kept_for_the_kernels_sockets(tmp_path: Path) -> None:
    assert launch.socket_root("/tmp") == "/tmp"


def test_a_temp_folder_too_deep_for_a_socket_path_gives_way_to_a_short_one(
    tmp_path: Path,
) -> None:
    deep = tmp_path / ("x" * 60)
    deep.mkdir()
    assert launch.socket_root(str(deep)) in {"/tmp", "/var/tmp"}


def test_with_no_short_folder_the_message_says_how_to_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deep = tmp_path / ("x" * 60)
    deep.mkdir()
    monkeypatch.setattr(launch, "_SHORT_ROOTS", (str(deep),))
    with pytest.raises(SettingsError, match="TMPDIR=/tmp make run"):
        launch.socket_root(str(deep))
