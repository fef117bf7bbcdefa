"""HTTP client for the Rasa REST channel, used by the Slack app.

requests with urllib3's Retry: connection errors are retried with backoff for every
method; 502/503/504 only for GET, never for the POST that carries a user's message. A 429
(the server's rate limit, bot/channels/throttle.py) is not retried either: it becomes
`RateLimited`, with the seconds the server asked the client to wait.
"""

from __future__ import annotations

import math
import time
from email.utils import parsedate_to_datetime
from typing import Any, Dict, List, Optional

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from knowledge.settings import get_settings

DEFAULT_RETRY_AFTER = 30  # seconds, when a 429 does not say
MAX_RETRY_AFTER = 3600


class RateLimited(Exception):
    """The Rasa server refused the message for now (429); `retry_after` is in seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate-limited; retry after {retry_after} s")
        self.retry_after = retry_after


def retry_after_seconds(response: requests.Response) -> int:
    """The wait a 429 asks for: its Retry-After header (seconds or an HTTP date), else the
    body's "retry_after", else DEFAULT_RETRY_AFTER; whole seconds, at least 1."""
    candidates: List[Any] = [response.headers.get("Retry-After")]
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        candidates.append(body.get("retry_after"))
    for value in candidates:
        seconds = _seconds(value)
        if seconds is not None:
            return max(1, min(MAX_RETRY_AFTER, math.ceil(seconds)))
    return DEFAULT_RETRY_AFTER


def _seconds(value: Any) -> Optional[float]:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) and value >= 0 else None
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return _seconds(float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())


class RasaClient:
    def __init__(self, base_url: Optional[str] = None, timeout: float = 60.0) -> None:
        self.base_url = (base_url or get_settings().rasa_url).rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        retry = Retry(
            total=3,
            connect=3,
            read=0,
            status=3,
            backoff_factor=0.5,
            status_forcelist=(502, 503, 504),
            # Status retries for GET only: after a 5xx a POSTed message may have reached Rasa,
            # and sending it again would answer it twice. Connection errors (nothing sent) are
            # retried for every method.
            allowed_methods=frozenset({"GET"}),
        )
        self.session.mount("http://", HTTPAdapter(max_retries=retry))
        self.session.mount("https://", HTTPAdapter(max_retries=retry))

    def send(self, sender: str, text: str, metadata: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
        body: Dict[str, Any] = {"sender": sender, "message": text}
        if metadata:
            body["metadata"] = metadata
        response = self.session.post(f"{self.base_url}/webhooks/rest/webhook", json=body, timeout=self.timeout)
        if response.status_code == 429:
            raise RateLimited(retry_after_seconds(response))
        response.raise_for_status()
        return response.json()
