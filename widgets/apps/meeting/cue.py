"""A calm cue when the part running now reaches its last minute, and when it ends.

The bar's colours already change; a cue is one short line that appears once, at the
moment of the change, so a coach who is listening (not watching the clock) notices it
without the manager being startled. The line is rewritten only when the part or its
state changes, so its fade-in plays once rather than on every one-second redraw. A soft
tone is optional and off by default: the screen is often shared with the sound.
"""

from __future__ import annotations

import base64
import html
import io
import math
import struct
import wave
from functools import lru_cache

from widgets.apps.meeting.timer import MeetingTimer

__all__ = ["PartCue", "soft_tone_uri"]

_RATE = 8000


@lru_cache(maxsize=1)
def soft_tone_uri() -> str:
    """A quiet two-note chime as a ``data:`` WAV (no file to serve, no network)."""
    frames = bytearray()
    for frequency in (660.0, 880.0):
        count = int(_RATE * 0.18)
        for n in range(count):
            fade = min(1.0, n / 200, (count - n) / 400)
            sample = 0.18 * fade * math.sin(2 * math.pi * frequency * n / _RATE)
            frames += struct.pack("<h", int(sample * 32767))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(_RATE)
        out.writeframes(bytes(frames))
    return "data:audio/wav;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


class PartCue:
    """Remembers the part and state last seen; :meth:`update` says what the cue shows."""

    def __init__(self) -> None:
        self._seen: tuple[str, str] | None = None

    def update(self, timer: MeetingTimer, *, sound: bool = False) -> str | None:
        """The cue's new HTML, or ``None`` when nothing changed since the last call."""
        current = timer.current
        if not timer.in_progress or current is None:
            key = ("", "")
        else:
            key = (current.id, timer.section_state())
        if key == self._seen:
            return None
        first = self._seen is None
        self._seen = key
        part, state = key
        if state == "last_minute":
            text = f"One minute left in {current.title if current else part}."
        elif state == "over_budget":
            text = (
                f"{current.title if current else part} has used its time: move on, "
                "or give it +1 min."
            )
        else:
            return ""
        tone = (
            f"<audio class='kit-cue-tone' autoplay src='{soft_tone_uri()}'></audio>"
            if sound and not first
            else ""
        )
        return f"<div class='kit-cue kit-cue-{state}' role='status'>{html.escape(text)}</div>{tone}"
