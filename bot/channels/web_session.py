"""Conversation ids for the web widget, issued and signed by the server.

A widget asks for an id (POST /webhooks/web/session) and sends it with every request; the
channel serves a conversation only to an id it signed, so ids cannot be guessed or made
up to read someone else's conversation.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path
from typing import Optional

from knowledge.settings import Settings

_ISSUED = re.compile(r"^web-(?P<nonce>[0-9a-f]{24})-(?P<mac>[0-9a-f]{32})$")


def _stored_key(path: Path) -> bytes:
    """The key kept beside the other local stores, created on first use (owner-only)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first
            return path.read_bytes()
        with os.fdopen(fd, "wb") as key_file:
            key_file.write(secrets.token_bytes(32))
    return path.read_bytes()


class SenderIds:
    def __init__(self, key: bytes) -> None:
        self._key = key

    @classmethod
    def from_settings(cls, settings: Settings) -> SenderIds:
        if settings.web_secret is not None:
            return cls(settings.web_secret.get_secret_value().encode())
        return cls(_stored_key(settings.web_secret_file))

    def _mac(self, nonce: str) -> str:
        return hmac.new(self._key, nonce.encode(), hashlib.sha256).hexdigest()[:32]

    def issue(self) -> str:
        nonce = secrets.token_hex(12)
        return f"web-{nonce}-{self._mac(nonce)}"

    def verified(self, sender: object) -> Optional[str]:
        """The sender if this server issued it, else None."""
        match = _ISSUED.match(sender) if isinstance(sender, str) else None
        if match and hmac.compare_digest(match["mac"], self._mac(match["nonce"])):
            return str(sender)
        return None
