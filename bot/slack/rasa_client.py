"""HTTP client for the Rasa REST channel, used by the Slack app.

requests with urllib3's Retry: connection errors are retried with backoff for every
method; 502/503/504 only for GET, never for the POST that carries a user's message.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from knowledge.settings import get_settings


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
        response.raise_for_status()
        return response.json()
