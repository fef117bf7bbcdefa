"""The production profile (bot/deploy/): two Rasa servers share one conversation store
(PostgreSQL) and one lock store (Redis) behind nginx. A conversation may move between
servers from one message to the next, and messages of one conversation that reach
different servers at once are processed one at a time, none lost, none stored twice.

Marked `scaleout` (tests/conftest.py): the fixtures install and start the profile on ports
of its own; when they cannot, the tests fail.
"""

from __future__ import annotations

import collections
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, Tuple

import requests

from tests.scaleout import ACTIONS_PORTS

REST = "/webhooks/rest/webhook"


def send(base_url: str, sender: str, message: str, timeout: float = 120) -> requests.Response:
    response = requests.post(f"{base_url}{REST}", json={"sender": sender, "message": message}, timeout=timeout)
    response.raise_for_status()
    return response


def answer_text(replies: List[Dict[str, Any]]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def tracker(profile, sender: str) -> Dict[str, Any]:
    url = f"{profile.rasa_urls[0]}/conversations/{sender}/tracker"
    response = requests.get(url, params={"token": profile.api_token}, timeout=30)
    response.raise_for_status()
    return response.json()


def split_turns(events: List[Dict[str, Any]]) -> Tuple[List[Dict[str, Any]], List[List[Dict[str, Any]]]]:
    """A conversation's events in stored order as (the events before its first message,
    each message's turn: its user event up to and including the action_listen that ends
    it). Fails on an event that belongs to no turn: a user event inside another turn, or
    anything between a turn's end and the next message."""
    start: List[Dict[str, Any]] = []
    turns: List[List[Dict[str, Any]]] = []
    open_turn = False
    for index, event in enumerate(events):
        kind = event["event"]
        if kind == "user":
            assert not open_turn, f"event {index}: a message inside the turn of {turns[-1][0]['text']!r}"
            turns.append([event])
            open_turn = True
        elif open_turn:
            turns[-1].append(event)
            open_turn = not (kind == "action" and event["name"] == "action_listen")
        else:
            assert not turns, f"event {index} ({kind}) after a finished turn, before the next message"
            start.append(event)
    assert not open_turn, "the last turn ends unfinished"
    return start, turns


def turn_span(turn: List[Dict[str, Any]]) -> Tuple[float, float]:
    times = [event["timestamp"] for event in turn]
    return min(times), max(times)


def test_a_follow_up_on_server_b_completes_the_question_asked_on_server_a(prod_profile):
    server_a, server_b = prod_profile.rasa_urls
    sender = f"alternating-{uuid.uuid4().hex[:8]}"
    first = send(server_a, sender, "what is the dose of crizotinib?").json()
    assert "crizotinib" in answer_text(first).lower()
    follow_up = send(server_b, sender, "and for children?").json()
    text = answer_text(follow_up).lower()
    assert "crizotinib" in text and "children" in text, text[:400]
    payload = next(reply["custom"] for reply in follow_up if reply.get("custom"))
    assert payload["entities"]["drug"] == "crizotinib" and payload["entities"]["population"] == "pediatric"
    slots = tracker(prod_profile, sender)["slots"]
    assert slots["drug"] == "crizotinib" and slots["population"] == "pediatric"
    # Back on A, the conversation goes on from where B left it.
    again = answer_text(send(server_a, sender, "what are the side effects?").json()).lower()
    assert "crizotinib" in again


QUESTIONS = [
    "what is the dose of crizotinib?",
    "what are the side effects of crizotinib?",
    "how is IMT diagnosed?",
    "what is the prognosis of IMT?",
    "what is an inflammatory myofibroblastic tumor?",
    "what about ALK-negative tumours?",
    "is surgery the main treatment?",
    "what if I miss a dose?",
]


def test_concurrent_messages_of_one_conversation_on_two_servers_are_processed_one_at_a_time(prod_profile):
    sender = f"concurrent-{uuid.uuid4().hex[:8]}"
    redis = prod_profile.redis()
    locks_before = int(redis.info("commandstats").get("cmdstat_set", {}).get("calls", 0))
    servers = prod_profile.rasa_urls
    with ThreadPoolExecutor(max_workers=len(QUESTIONS)) as pool:
        futures = [
            pool.submit(send, servers[number % 2], sender, question) for number, question in enumerate(QUESTIONS)
        ]
        replies = [future.result() for future in futures]
    assert all(reply.json() for reply in replies), "every message is answered"

    events = tracker(prod_profile, sender)["events"]
    user_texts = [event["text"] for event in events if event["event"] == "user"]
    # Exactly the messages sent, each once.
    assert collections.Counter(user_texts) == collections.Counter(QUESTIONS)
    # One at a time: the conversation started once, and in the stored order (by id) each
    # message's turn runs from its user event to the action_listen that ends it, with no
    # other turn's event in between ...
    start, turns = split_turns(events)
    assert [event["event"] for event in start] == ["action", "session_started", "action"], "started more than once"
    assert len(turns) == len(QUESTIONS)
    for number, turn in enumerate(turns):
        assert any(event["event"] == "bot" for event in turn), f"turn {number} has no answer"
    # ... and each turn was over before the next began: a server writes a turn's events
    # while it holds the conversation's lock, so the turns' time spans (both servers on one
    # clock) never overlap. Only each turn's first and last times count: within a turn
    # Rasa gives some events their creation time and others the time they were added.
    spans = [turn_span(turn) for turn in turns]
    for number, (earlier, later) in enumerate(zip(spans, spans[1:])):
        assert earlier[1] <= later[0], f"turns {number} and {number + 1} overlapped in time: {earlier} {later}"
    bot_texts = [event.get("text") for event in events if event["event"] == "bot"]
    assert len(bot_texts) == sum(len(reply.json()) for reply in replies), "each reply stored once"
    # The servers took their turns through Redis (the lock store writes a ticket per message).
    locks_after = int(redis.info("commandstats").get("cmdstat_set", {}).get("calls", 0))
    assert locks_after - locks_before >= len(QUESTIONS)


def test_nginx_spreads_conversations_over_both_servers(prod_profile):
    assert requests.get(f"{prod_profile.entry_url}/webhooks/rest/health", timeout=10).json()["status"] == "ok"
    upstreams = set()
    for number in range(6):
        response = send(prod_profile.entry_url, f"spread-{uuid.uuid4().hex[:8]}-{number}", "what is IMT?")
        assert response.json()
        upstreams.add(response.headers["X-Upstream"])
    assert upstreams == {url.removeprefix("http://") for url in prod_profile.rasa_urls}
    # nginx's log names the server of each request: the actions went to both action servers.
    action_calls = [line for line in prod_profile.log("nginx-access").splitlines() if '"POST /webhook ' in line]
    assert {line.rsplit(" ", 1)[-1] for line in action_calls} == {f"127.0.0.1:{port}" for port in ACTIONS_PORTS}
