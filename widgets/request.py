"""The page's query string (``?engagement=…&meeting=…``), read the way Voila allows.

A preheated Voila kernel runs the notebook before any request exists, so the query
string must be asked for when the app is built (``voila.utils.get_query_string``
waits for the request), never read from the environment at import time.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs

__all__ = ["query_params", "parse_query"]


def parse_query(query: str) -> dict[str, str]:
    """Return the last value of each parameter; blanks are kept as empty strings."""
    parsed = parse_qs(query.lstrip("?"), keep_blank_values=True)
    return {key: values[-1] for key, values in parsed.items()}


def query_params() -> dict[str, str]:
    """Query parameters of the Voila request that opened this kernel, or ``{}``."""
    if os.environ.get("VOILA_PREHEAT", "False") != "False":
        from voila.utils import get_query_string  # only inside a preheated Voila kernel

        return parse_query(get_query_string() or "")
    return parse_query(os.environ.get("QUERY_STRING", ""))
