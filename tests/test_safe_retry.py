"""The one retry a client of the production profile may make (bot/tools/safe_retry.py),
against a fake assistant on loopback that fails each first request as told: a message is
re-sent only when the conversation shows it was not stored, never after a 504, never blindly."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Dict, List

import aiohttp
import pytest
from aiohttp import web

from bot.tools import safe_retry
from bot.tools.bench.load import WEBHOOK_PATH


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    monkeypatch.setattr(safe_retry, "FIRST_WAIT_S", 0.0)


def scenario(first_status: int, stored_anyway: bool, before: int = 0, tracker_fails: int = 0) -> Dict[str, Any]:
    """The fake's state: what its first POST does, the events it holds, what it was sent."""
    events: List[Dict[str, Any]] = []
    for number in range(before):
        events += [{"event": "user", "text": f"earlier {number}"}, {"event": "bot", "text": "earlier answer"}]
    return {
        "first": first_status,
        "stored_anyway": stored_anyway,
        "events": events,
        "posts": [],
        "gets": 0,
        "tracker_fails": tracker_fails,
    }


async def run(state: Dict[str, Any], text: str, users_before: int) -> safe_retry.Outcome:
    async def webhook(request: web.Request) -> web.Response:
        message = (await request.json())["message"]
        state["posts"].append(message)
        state.setdefault("first_received_at", time.monotonic())
        answer = {"text": f"answer to {message}", "custom": {"type": "imt_answer", "claim_ids": ["c1"]}}
        stored = [
            {"event": "user", "text": message},
            {"event": "bot", "text": answer["text"], "data": {"custom": answer["custom"]}},
        ]
        if len(state["posts"]) == 1 and state["first"] != 200:
            if state["stored_anyway"]:  # the server stored the turn, then died before answering
                state["events"] += stored
            return web.Response(status=state["first"])
        state["events"] += stored
        return web.json_response([answer])

    async def tracker(request: web.Request) -> web.Response:
        state["gets"] += 1
        if state["gets"] <= state["tracker_fails"]:
            return web.Response(status=500)  # the database is away
        return web.json_response({"events": state["events"]})

    app = web.Application()
    app.router.add_post(WEBHOOK_PATH, webhook)
    app.router.add_get("/conversations/{sender}/tracker", tracker)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        async with aiohttp.ClientSession() as session:
            return await safe_retry.send_with_safe_retry(
                session, base + WEBHOOK_PATH, base, "token", "someone", text, users_before, timeout_s=5
            )
    finally:
        await runner.cleanup()


def test_a_message_stored_before_its_server_died_is_not_sent_again():
    state = scenario(502, stored_anyway=True, before=2)
    outcome = asyncio.run(run(state, "and for children?", users_before=2))
    assert outcome.how == "found stored" and state["posts"] == ["and for children?"]
    assert outcome.turn.error is None
    assert outcome.turn.replies == [
        {"text": "answer to and for children?", "custom": {"type": "imt_answer", "claim_ids": ["c1"]}}
    ]


def test_a_message_not_stored_is_sent_once_more():
    state = scenario(502, stored_anyway=False, before=1)
    outcome = asyncio.run(run(state, "what is the dose?", users_before=1))
    assert outcome.how == "re-sent" and state["posts"] == ["what is the dose?"] * 2
    assert [e["text"] for e in state["events"] if e["event"] == "user"] == ["earlier 0", "what is the dose?"]


def test_while_the_conversation_cannot_be_read_nothing_is_sent_again():
    state = scenario(502, stored_anyway=True, tracker_fails=2)
    outcome = asyncio.run(run(state, "hello", users_before=0))
    assert outcome.how == "found stored" and len(state["posts"]) == 1 and state["gets"] == 3


def test_a_gateway_timeout_is_not_retried():
    # A 504: the server may still be working on it, so the conversation says nothing yet.
    state = scenario(504, stored_anyway=False)
    outcome = asyncio.run(run(state, "hello", users_before=0))
    assert outcome.how == "failed" and outcome.turn.error == "HTTP 504" and len(state["posts"]) == 1


def test_a_conversation_that_is_not_what_the_client_sent_is_an_error():
    state = scenario(502, stored_anyway=False, before=3)
    outcome = asyncio.run(run(state, "hello", users_before=1))
    assert outcome.how == "failed" and "3 messages stored" in (outcome.turn.error or "")
    assert len(state["posts"]) == 1


def test_a_message_counts_as_sent_when_it_left_not_when_its_failure_came_back():
    # The fault tests ask that every message first sent after a store came back is answered
    # at once: a message sent while the store was away, whose failure returned later, is not one.
    state = scenario(502, stored_anyway=False)
    outcome = asyncio.run(run(state, "hello", users_before=0))
    assert outcome.how == "re-sent"
    assert outcome.first_sent_at <= state["first_received_at"]
