"""The one rule for links shown to a reader: absolute http(s) URLs, nothing else.

The payload model applies it when an answer is built, and every renderer applies it again
when it draws a link, because a payload can also come back from the tracker store, where
anything with access to it may have written (a `javascript:` link must never be drawn).
"""

from __future__ import annotations

import re
from typing import Optional
from urllib.parse import urlsplit

# Whitespace, control characters, quotes and angle brackets have no place in a link we draw.
_UNSAFE_CHARACTERS = re.compile(r"[\s\x00-\x1f\x7f\"'<>\\`]")


def safe_link(url: object) -> Optional[str]:
    """The URL if it is an absolute http(s) address, else None."""
    if not isinstance(url, str) or not url or _UNSAFE_CHARACTERS.search(url):
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return url


def check_link(url: str) -> str:
    """For validators: the URL, or a ValueError naming it."""
    if safe_link(url) is None:
        raise ValueError(f"a link must be an http(s) URL, got {url!r}")
    return url
