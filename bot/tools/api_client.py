"""A requests session for Rasa's HTTP API (the evaluators' /model/parse), with its token.

Rasa takes the token as the `token` query parameter; without an explicit one, the
session uses IMT_API_TOKEN.
"""

from __future__ import annotations

from typing import Optional

import requests

from knowledge.settings import get_settings


def api_session(token: Optional[str] = None) -> requests.Session:
    session = requests.Session()
    configured = get_settings().api_token
    token = token or (configured.get_secret_value() if configured else None)
    if token:
        session.params = {"token": token}
    return session
