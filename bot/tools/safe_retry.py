"""The retries a client of the production profile may make (README, "Production profile").

A message whose request fails because a server or a store went away may or may not have
been processed: Rasa stores a turn, the message and its answer, in one write at its end,
so a Rasa server may have died just before or just after it. A blind re-send could store
the message twice. The client therefore reads the conversation back before it sends again:
  - the message is stored (the conversation holds one more user message than before, and
    it is this text): the answer is the bot messages stored after it; nothing is re-sent;
  - it is not stored: the client sends it again.
The failures that allow this: 502 and 503 (nginx: the server's connection broke, or no
server took it), a dropped connection, and the REST channel's stand-in replies (a 200 that
says Rasa failed: its tracker store or lock store was unreachable). Before each check the
client waits, 0.5 s and doubling up to 4 s, and while the conversation cannot be read
(PostgreSQL restarting) it keeps waiting. At most MAX_RESENDS re-sends within PATIENCE_S;
anything else (a 504: the server may still be working; a 4xx; running out of re-sends or
of patience) is an error the user sees.
`send_turn` and the turn records are the load test's (bot/tools/load_test.py).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import aiohttp

from bot.tools.load_test import STAND_IN_REPLIES, TRACKER_PATH, Turn, send_turn, stored_turns

RETRIABLE = {"HTTP 502", "HTTP 503", "ServerDisconnectedError", "ClientOSError", "ClientPayloadError"}
RETRIABLE |= set(STAND_IN_REPLIES.values())
MAX_RESENDS = 5
PATIENCE_S = 60.0
FIRST_WAIT_S = 0.5


@dataclass
class Outcome:
    turn: Turn
    how: str  # "answered", "found stored", "re-sent", or "failed"
    first_sent_at: float = 0.0  # time.monotonic() when the first attempt was sent
    resends: int = 0


class Unreadable(Exception):
    pass


class Unexpected(Exception):
    """The conversation holds neither the messages before this one nor them and this one."""


def as_reply(bot_event: Dict[str, Any]) -> Dict[str, Any]:
    """A stored bot event as the REST channel would have sent it (text, custom payload, ...)."""
    data = {key: value for key, value in (bot_event.get("data") or {}).items() if value}
    return {"text": bot_event.get("text"), **data}


async def stored_reply(
    session: aiohttp.ClientSession, base_url: str, token: str, sender: str, text: str, users_before: int
) -> Optional[List[Any]]:
    """The bot messages stored for this message, or None when it is not stored."""
    url = base_url + TRACKER_PATH.format(sender=sender)
    try:
        async with session.get(url, params={"token": token, "include_events": "ALL"}) as response:
            if response.status != 200:
                raise Unreadable(f"HTTP {response.status}")
            tracker = await response.json()
    except (aiohttp.ClientError, ValueError) as error:
        raise Unreadable(type(error).__name__) from error
    events = tracker.get("events") or []
    _, users, _ = stored_turns(events)
    if len(users) == users_before + 1 and users[-1] == text:
        last_user = max(index for index, event in enumerate(events) if event.get("event") == "user")
        return [as_reply(event) for event in events[last_user:] if event.get("event") == "bot"]
    if len(users) != users_before:  # neither: the conversation is not what this client sent
        raise Unexpected(f"{len(users)} messages stored, {users_before} or {users_before + 1} expected")
    return None


async def send_with_safe_retry(
    session: aiohttp.ClientSession,
    url: str,
    api_url: str,
    token: str,
    sender: str,
    text: str,
    users_before: int,
    timeout_s: float,
) -> Outcome:
    """Send one message (`users_before`: the messages of this conversation stored so far),
    re-sending it only as the module says."""
    first_sent_at = time.monotonic()  # before the await: a reply that comes back late was still sent early
    outcome = Outcome(await send_turn(session, url, sender, text, timeout_s), "answered", first_sent_at)
    deadline = time.monotonic() + PATIENCE_S
    wait = FIRST_WAIT_S
    while outcome.turn.error is not None:
        if outcome.turn.error not in RETRIABLE or outcome.resends >= MAX_RESENDS or time.monotonic() > deadline:
            outcome.how = "failed"
            return outcome
        await asyncio.sleep(wait)  # a store or server is away: give it time to come back
        wait = min(wait * 2, 4.0)
        try:
            stored = await stored_reply(session, api_url, token, sender, text, users_before)
        except Unreadable:
            continue
        except Unexpected as error:  # not this client's to repair: the user sees an error
            outcome.turn, outcome.how = Turn(text, error=str(error)), "failed"
            return outcome
        if stored is not None:
            outcome.turn, outcome.how = Turn(text, replies=stored), "found stored"
            return outcome
        outcome.resends += 1
        outcome.turn, outcome.how = await send_turn(session, url, sender, text, timeout_s), "re-sent"
    return outcome
