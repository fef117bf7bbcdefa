"""One health check for the whole stack: the Rasa server (model loaded) and the action server."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, Optional

import aiohttp
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

ACTIONS_TIMEOUT = aiohttp.ClientTimeout(total=2)


def _actions_health_url(agent: Any) -> Optional[str]:
    endpoint = getattr(agent, "action_endpoint", None)
    url = getattr(endpoint, "url", None)
    # The action endpoint is .../webhook; rasa_sdk answers GET .../health beside it.
    return f"{url.rsplit('/', 1)[0]}/health" if url else None


async def _actions_answer(url: Optional[str], timeout: aiohttp.ClientTimeout = ACTIONS_TIMEOUT) -> Optional[bool]:
    """True: it answered 200. False: it refused the connection or answered an error. None:
    no answer in time, which under load means busy, not down."""
    if not url:
        return False
    try:
        async with aiohttp.ClientSession(timeout=timeout) as session, session.get(url) as reply:
            return reply.status == 200
    except asyncio.TimeoutError:
        return None
    except (aiohttp.ClientError, OSError):
        return False


async def actions_unreachable(agent: Any, timeout: aiohttp.ClientTimeout = ACTIONS_TIMEOUT) -> bool:
    """Only a definite failure: a health check that merely timed out (a busy event loop under
    load) must not tell the user the assistant is unreachable when it is up."""
    return await _actions_answer(_actions_health_url(agent), timeout) is False


async def stack_health(request: Request) -> HTTPResponse:
    agent = getattr(request.app.ctx, "agent", None)
    rasa_ok = bool(agent is not None and agent.is_ready())
    actions_ok = bool(await _actions_answer(_actions_health_url(agent)))
    body: Dict[str, str] = {
        "status": "ok" if rasa_ok and actions_ok else "degraded",
        "rasa": "ok" if rasa_ok else "no model loaded",
        "actions": "ok" if actions_ok else "not answering",
    }
    return response.json(body, status=200 if body["status"] == "ok" else 503)
