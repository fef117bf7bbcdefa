"""The load test (bot/tools/load_test.py, `make load-test`): its pure checks on fake trackers,
each shown able to fail; the whole pipeline against a tiny fake assistant; then a smaller
load on the real stack (64 conversations at a time, 512 messages): no error, nothing lost
or duplicated, every context as expected.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence

import aiohttp
import pytest
import yaml
from aiohttp import web

from bot.tools import load_test
from bot.tools.load_test import (
    Conversation,
    LoadConfig,
    Script,
    SendResult,
    Sent,
    Step,
    Turn,
    align,
    check_conversation,
    expected_slots,
    failures,
    load_scripts,
    parse_scripts,
    plan,
    reply_error,
    run_load,
    slot_defaults,
    summarize,
)
from tests.conftest import DOMAIN

DEFAULTS = slot_defaults()
DOSE = {"topic": "dosing", "drug": "crizotinib", "triage_drug": "crizotinib"}  # triage_drug: Rasa, from the entity
ANSWER_CLAIMS = {
    "What is the dose of crizotinib?": ["dosing-adult-1"],
    "and for children?": ["dosing-pediatric-1", "dosing-pediatric-2"],
    "what are the side effects?": ["side-effects-pediatric-1"],
}


# --- the scripts and the plan ----------------------------------------------------------------
def test_the_scripts_use_every_kind_and_set_only_values_the_domain_allows():
    scripts = load_scripts()
    kinds = {step.kind for script in scripts for step in script.steps}
    assert kinds == set(load_test.KINDS)
    for script in scripts:
        for step in script.steps:
            for slot, value in step.sets.items():
                allowed = DOMAIN["slots"][slot].get("values")
                assert value is None or allowed is None or value in allowed, f"{script.name}: {slot}={value}"
    long = max(scripts, key=lambda script: len(script.steps))
    assert len(long.steps) > 10, "one conversation is longer than the turns the tracker store loads"


def test_a_script_with_an_unknown_kind_or_slot_is_refused():
    with pytest.raises(ValueError, match="one of"):
        parse_scripts({"conversations": {"x": [{"shout": "hi"}]}}, DEFAULTS)
    with pytest.raises(ValueError, match="not slots"):
        parse_scripts({"conversations": {"x": [{"question": "hi", "sets": {"mood": "happy"}}]}}, DEFAULTS)
    with pytest.raises(ValueError, match="not slots"):
        parse_scripts({"conversations": {"x": [{"question": "hi", "sets": {"last_question": "hi"}}]}}, DEFAULTS)


def test_the_expected_context_applies_each_steps_changes_in_order():
    steps = _issue_example().steps
    slots = expected_slots(steps, DEFAULTS)
    assert slots["topic"] == "side_effects" and slots["population"] == "pediatric" and slots["drug"] is None
    assert slots["triage_drug"] == "crizotinib" and slots["audience"] == "clinician"
    assert slots["last_question"] == "what are the side effects?", "thanks answers no question"
    assert expected_slots(steps[:2], DEFAULTS)["drug"] == "crizotinib", "a conversation cut short"


def test_the_plan_sends_exactly_the_total_over_the_lanes_each_conversation_under_its_own_id():
    scripts = load_scripts()
    lanes = plan(scripts, 64, 5000, "run")
    assert len(lanes) == 64
    shares = [sum(len(c.steps) for c in lane) for lane in lanes]
    assert sum(shares) == 5000 and max(shares) - min(shares) <= 1
    conversations = [c for lane in lanes for c in lane]
    assert len({c.sender for c in conversations}) == len(conversations)
    by_name = {script.name: script.steps for script in scripts}
    for conversation in conversations:
        assert conversation.steps == by_name[conversation.script][: len(conversation.steps)], "a prefix of its script"
    assert {c.script for c in conversations} == set(by_name)
    assert plan(scripts, 64, 5000, "run") == lanes, "the same plan every time"


# --- the checks on fake trackers ----------------------------------------------------------------
def _issue_example() -> Script:
    return Script(
        "example",
        (
            Step("question", "What is the dose of crizotinib?", DOSE),
            Step("follow_up", "and for children?", {"population": "pediatric"}),
            Step("question", "what are the side effects?", {"topic": "side_effects", "drug": None}),
            Step("chit_chat", "thanks"),
        ),
    )


FACETS = ("drug", "biomarker", "biomarker_status", "population", "body_site")


def _reply(steps: Sequence[Step]) -> List[Dict[str, Any]]:
    """The reply to the last of these steps: an answer payload in the context they make,
    as the assistant sends it, or a plain message."""
    text = steps[-1].text
    claims = ANSWER_CLAIMS.get(text)
    if not claims:
        return [{"text": f"reply to {text}"}]
    context = expected_slots(steps, DEFAULTS)
    payload = {
        "type": "imt_answer",
        "topic": context["topic"],
        "audience": context["audience"],
        "entities": {name: context[name] for name in FACETS},
        "claim_ids": claims,
    }
    return [{"text": f"answer to {text}", "custom": payload}]


def _sent(script: Optional[Script] = None) -> Sent:
    script = script or _issue_example()
    conversation = Conversation("load-test-000-0000", script.name, script.steps, 0)
    steps = script.steps
    return Sent(conversation, [Turn(step.text, _reply(steps[: n + 1]), 10.0) for n, step in enumerate(steps)])


def _tracker(sent: Sent) -> Dict[str, Any]:
    """The tracker Rasa stores for the conversation: session start, then per message its user
    event, the bot events of its reply and the slots; the final slots as expected."""
    events: List[Dict[str, Any]] = [
        {"event": "action", "name": "action_session_start"},
        {"event": "session_started"},
        {"event": "action", "name": "action_listen"},
    ]
    for turn in sent.turns:
        events.append({"event": "user", "text": turn.text})
        events.extend({"event": "bot", "text": message["text"]} for message in turn.replies or [])
        events.append({"event": "action", "name": "action_listen"})
    slots = expected_slots(sent.conversation.steps, DEFAULTS)
    slots["last_claim_ids"] = ANSWER_CLAIMS["what are the side effects?"]
    return {"sender_id": sent.conversation.sender, "slots": slots, "events": events}


def _user_positions(tracker: Dict[str, Any]) -> List[int]:
    return [i for i, event in enumerate(tracker["events"]) if event["event"] == "user"]


def test_a_faithful_tracker_passes_every_check():
    sent = _sent()
    check = check_conversation(sent, _tracker(sent), DEFAULTS)
    assert check.ok and check.lost == 0 and check.duplicated == 0 and not check.context_mismatches


def test_a_lost_user_message_is_found():
    sent = _sent()
    tracker = _tracker(sent)
    second = _user_positions(tracker)[1]
    del tracker["events"][second : second + 2]  # "and for children?" and its reply
    check = check_conversation(sent, tracker, DEFAULTS)
    assert (check.user_lost, check.user_duplicated) == (1, 0) and not check.ok


def test_a_message_stored_twice_is_a_duplicate_with_its_reply():
    sent = _sent()
    tracker = _tracker(sent)
    second = _user_positions(tracker)[1]
    tracker["events"][second + 2 : second + 2] = copy.deepcopy(tracker["events"][second : second + 2])
    check = check_conversation(sent, tracker, DEFAULTS)
    assert (check.user_lost, check.user_duplicated) == (0, 1)
    assert check.bot_duplicated == 1, "the second copy's bot event is extra too"
    assert not check.ok


def test_messages_stored_out_of_order_fail():
    sent = _sent()
    tracker = _tracker(sent)
    first, second = _user_positions(tracker)[:2]
    events = tracker["events"]
    events[first], events[second] = events[second], events[first]
    check = check_conversation(sent, tracker, DEFAULTS)
    assert check.user_lost == 1 and check.user_duplicated == 1 and not check.ok


def test_a_lost_bot_event_is_found_and_its_message_named():
    sent = _sent()
    tracker = _tracker(sent)
    third = _user_positions(tracker)[2]
    del tracker["events"][third + 1]
    check = check_conversation(sent, tracker, DEFAULTS)
    assert (check.bot_lost, check.bot_duplicated) == (1, 0)
    assert check.turns_with_wrong_bot_events == [3] and not check.ok


def test_a_duplicated_bot_event_or_one_before_any_message_is_found():
    sent = _sent()
    tracker = _tracker(sent)
    last = _user_positions(tracker)[-1]
    tracker["events"].insert(last + 1, dict(tracker["events"][last + 1]))
    check = check_conversation(sent, tracker, DEFAULTS)
    assert (check.bot_lost, check.bot_duplicated) == (0, 1) and check.turns_with_wrong_bot_events == [4]

    tracker = _tracker(sent)
    tracker["events"].insert(1, {"event": "bot", "text": "hello from nowhere"})
    check = check_conversation(sent, tracker, DEFAULTS)
    assert check.bot_duplicated == 1 and not check.ok


def test_a_stand_in_reply_is_an_error_but_no_lost_bot_event():
    sent = _sent()
    tracker = _tracker(sent)
    unreachable = next(text for text, reason in load_test.stand_in_replies().items() if "unreachable" in reason)
    sent.turns[3] = Turn("thanks", [{"text": unreachable}], 10.0, "unreachable reply")
    last = _user_positions(tracker)[-1]
    del tracker["events"][last + 1]  # Rasa stored the message and nothing of a reply
    check = check_conversation(sent, tracker, DEFAULTS)
    assert check.ok and check.request_errors == 1
    assert summarize(SendResult([sent], 1.0, 0), [check], 1)["errors_by_reason"] == {"unreachable reply": 1}


def test_another_conversations_reply_is_both_a_loss_and_a_duplicate():
    sent = _sent()
    tracker = _tracker(sent)
    first = _user_positions(tracker)[0]
    tracker["events"][first + 1] = {"event": "bot", "text": "the answer someone else was given"}
    check = check_conversation(sent, tracker, DEFAULTS)
    assert (check.bot_lost, check.bot_duplicated) == (1, 1) and not check.ok


def test_a_wrong_final_context_is_a_mismatch_naming_the_slot():
    sent = _sent()
    tracker = _tracker(sent)
    tracker["slots"]["population"] = "adult"
    check = check_conversation(sent, tracker, DEFAULTS)
    assert check.context_mismatches == {"population": {"expected": "pediatric", "stored": "adult"}}
    assert not check.ok

    tracker = _tracker(sent)
    tracker["slots"]["last_claim_ids"] = ANSWER_CLAIMS["and for children?"]
    check = check_conversation(sent, tracker, DEFAULTS)
    assert set(check.context_mismatches) == {"last_claim_ids"}, "the claims of the latest answer received"


def test_an_answer_given_in_another_context_than_the_one_stored_is_a_mismatch():
    sent = _sent()
    answer = sent.turns[2].replies[0]["custom"]
    answer["entities"]["population"] = None  # answered as if the follow-up had been forgotten
    check = check_conversation(sent, _tracker(sent), DEFAULTS)
    assert check.context_mismatches == {"latest answer's population": {"expected": "pediatric", "answered": None}}, (
        "the stored slots are right, the answer was not given in them"
    )
    assert not check.ok


def test_a_conversation_cut_short_expects_the_context_of_what_was_sent():
    full = _sent()
    sent = Sent(full.conversation, full.turns[:2])
    tracker = _tracker(sent)
    # "and for children?" completes the question before it, which stays the last question.
    tracker["slots"].update(drug="crizotinib", topic="dosing", last_question=full.turns[0].text)
    tracker["slots"]["last_claim_ids"] = ANSWER_CLAIMS["and for children?"]
    assert check_conversation(sent, tracker, DEFAULTS).ok


def test_a_tracker_that_could_not_be_read_fails():
    check = check_conversation(_sent(), "HTTP 401", DEFAULTS)
    assert check.tracker_error == "HTTP 401" and not check.ok


def test_alignment_tells_a_repeated_message_from_a_duplicate():
    assert align(["thanks", "hi", "thanks"], ["thanks", "hi", "thanks"]).lost == 0
    repeated = align(["thanks", "hi", "thanks"], ["thanks", "hi", "thanks", "thanks"])
    assert (repeated.lost, repeated.duplicated) == (0, 1)
    assert align(["a", "b"], ["a"]).pairs == ((0, 0),)


def test_replies_that_count_as_errors():
    assert reply_error(200, b'[{"text": "hi"}]') == ([{"text": "hi"}], None)
    assert reply_error(500, b"")[1] == "HTTP 500"
    assert reply_error(429, b"[]")[1] == "HTTP 429"
    assert reply_error(200, b"<html>")[1] == "not JSON"
    assert reply_error(200, b'{"text": "hi"}')[1] == "not a JSON list of messages"
    assert reply_error(200, b"[]")[1] == "empty reply"
    trouble = load_test.stand_in_replies()
    for text, reason in trouble.items():
        body = f'[{{"text": {text!r}}}]'.replace("'", '"')
        assert reply_error(200, body.encode())[1] == reason


def test_any_error_loss_duplicate_mismatch_or_message_not_sent_fails_the_run():
    sent = _sent()
    good = check_conversation(sent, _tracker(sent), DEFAULTS)
    summary = summarize(SendResult([sent], 1.0, 0), [good], 1)
    assert failures(summary) == {} and summary["messages_sent"] == 4 and summary["throughput_msg_s"] == 4.0
    assert failures(summarize(SendResult([sent], 1.0, 3), [good], 1)) == {"messages_not_sent": 3}
    failed = Sent(sent.conversation, [*sent.turns[:3], Turn("thanks", error="timeout")])
    assert failures(summarize(SendResult([failed], 1.0, 0), [good], 1))["errors"] == 1
    tracker = _tracker(sent)
    tracker["slots"]["topic"] = "dosing"
    bad = check_conversation(sent, tracker, DEFAULTS)
    assert failures(summarize(SendResult([sent], 1.0, 0), [bad], 1)) == {"context_mismatches": 1}
    assert failures(summarize(SendResult([], 1.0, 0), [], 1)) == {"messages_sent": 0}


def test_the_cli_needs_a_token_to_read_a_running_assistants_trackers(monkeypatch):
    monkeypatch.delenv("IMT_API_TOKEN", raising=False)
    with pytest.raises(SystemExit):
        load_test.parse_args(["--url", "http://127.0.0.1:5005"])
    args = load_test.parse_args(["--url", "http://127.0.0.1:5005", "--token", "t", "--messages", "100"])
    assert (args.conversations, args.messages, args.token) == (64, 100, "t")
    assert load_test.parse_args(["--ports", "5400-5499"]).ports == (5400, 5499)
    for wrong in (["--ports", "5400"], ["--messages", "0"]):
        with pytest.raises(SystemExit):
            load_test.parse_args(wrong)


# --- the whole pipeline against a tiny fake assistant ----------------------------------------------
TINY_SCRIPTS = {
    "conversations": {
        "dose": [
            {"question": "What is the dose of crizotinib?", "sets": {"topic": "dosing", "drug": "crizotinib"}},
            {"follow_up": "and for children?", "sets": {"population": "pediatric"}},
            {"chit_chat": "thanks"},
        ],
        "patient": [{"audience": "I'm a patient", "sets": {"audience": "patient"}}, {"chit_chat": "hello"}],
    }
}


class FakeAssistant:
    """Answers the webhook and serves the trackers, storing what the scripts say; `fault`
    makes it lose, store twice or misplace what a real store might."""

    def __init__(self, scripts: List[Script], fault: Optional[str] = None) -> None:
        self.effects = {step.text: step for script in scripts for step in script.steps}
        self.fault = fault
        self.trackers: Dict[str, Dict[str, Any]] = {}
        self.requests = 0

    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests += 1
        step = self.effects[body["message"]]
        tracker = self.trackers.setdefault(body["sender"], {"events": [], "slots": dict(DEFAULTS)})
        reply = [{"text": f"reply to {step.text}"}]
        tracker["slots"].update(step.sets)
        if step.is_the_question:
            tracker["slots"]["last_question"] = step.text
        events = [{"event": "user", "text": step.text}, {"event": "bot", "text": reply[0]["text"]}]
        if self.fault == "lose" and self.requests % 5 == 0:
            events = events[1:]
        if self.fault == "duplicate" and self.requests % 5 == 0:
            events = events * 2
        if self.fault == "context" and step.kind == "chit_chat":
            tracker["slots"]["topic"] = "prognosis"
        tracker["events"].extend(events)
        return web.json_response(reply)

    async def tracker(self, request: web.Request) -> web.Response:
        if request.query.get("token") != "secret":
            return web.json_response({"error": "unauthorized"}, status=401)
        return web.json_response(self.trackers.get(request.match_info["sender"], {"events": [], "slots": {}}))


@contextlib.contextmanager
def fake_server(assistant: FakeAssistant) -> Iterator[str]:
    """The fake assistant on a loopback port, in a thread of its own (run_load runs its own loops)."""
    loop = asyncio.new_event_loop()
    app = web.Application()
    app.router.add_post(load_test.WEBHOOK_PATH, assistant.webhook)
    app.router.add_get("/conversations/{sender}/tracker", assistant.tracker)
    runner = web.AppRunner(app)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    port = runner.addresses[0][1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        loop.run_until_complete(runner.cleanup())
        loop.close()


@pytest.fixture
def tiny_scripts(tmp_path: Path) -> Path:
    path = tmp_path / "scripts.yml"
    path.write_text(yaml.safe_dump(TINY_SCRIPTS))
    return path


def _run_fake(tiny_scripts: Path, fault: Optional[str] = None, token: str = "secret") -> Dict[str, Any]:
    scripts = list(load_scripts(tiny_scripts))
    config = LoadConfig(conversations=4, messages=30, timeout_s=5, budget_s=30, scripts_file=tiny_scripts)
    with fake_server(FakeAssistant(scripts, fault)) as url:
        return run_load(url, token, config)


def test_the_pipeline_passes_a_faithful_assistant(tiny_scripts):
    report = _run_fake(tiny_scripts)
    summary = report["summary"]
    assert report["failures"] == {}, report["failed_conversations"]
    assert summary["messages_sent"] == 30 and summary["errors"] == 0 and summary["conversations"] >= 4
    assert summary["latency_ms"]["p50"] is not None and summary["throughput_msg_s"] > 0
    assert set(summary["scripts"]) == {"dose", "patient"}


@pytest.mark.parametrize(
    ("fault", "figure"),
    [("lose", "user_events_lost"), ("duplicate", "user_events_duplicated"), ("context", "context_mismatches")],
)
def test_the_pipeline_finds_what_a_faulty_assistant_stored(tiny_scripts, fault, figure):
    report = _run_fake(tiny_scripts, fault)
    assert report["summary"][figure] > 0 and report["failures"], report["summary"]
    assert report["failed_conversations"]


def test_the_pipeline_fails_when_the_trackers_cannot_be_read(tiny_scripts):
    report = _run_fake(tiny_scripts, token="wrong")
    assert report["failures"]["trackers_not_fetched"] == report["summary"]["conversations"]


def test_sending_stops_at_the_budget_and_counts_what_was_left(tiny_scripts):
    scripts = list(load_scripts(tiny_scripts))
    lanes = plan(scripts, 2, 10, "budget")
    with fake_server(FakeAssistant(scripts)) as url:
        result = asyncio.run(load_test.send_all(url, lanes, timeout_s=5, budget_s=0))
    assert result.not_sent == 10 and not result.sent


# --- end to end: a smaller load on the real stack -----------------------------------------------
E2E_CONVERSATIONS = 64
E2E_MESSAGES = 512  # 8 a lane: every script, the long one up to its first follow-up beyond the loaded turns
E2E_BUDGET_S = 150


def test_a_load_of_64_conversations_loses_duplicates_and_confuses_nothing(stack):
    config = LoadConfig(conversations=E2E_CONVERSATIONS, messages=E2E_MESSAGES, timeout_s=60, budget_s=E2E_BUDGET_S)
    started = time.monotonic()
    report = run_load(stack.rasa_url, stack.api_token, config)
    summary = report["summary"]
    detail = f"{summary}\n{report['failed_conversations'][:5]}"
    assert summary["messages_sent"] == E2E_MESSAGES and summary["messages_not_sent"] == 0, detail
    assert summary["errors"] == 0, detail
    assert summary["events_lost"] == 0 and summary["events_duplicated"] == 0, detail
    assert summary["context_mismatches"] == 0 and summary["trackers_not_fetched"] == 0, detail
    assert report["failures"] == {}, detail
    scripts = Counter(summary["scripts"])
    assert set(scripts) == {script.name for script in load_scripts()}, "every kind of conversation ran"
    assert time.monotonic() - started < E2E_BUDGET_S + 60


# --- what the full load found: a request written late to the action server --------------------
# Rasa connects to the action server for each action and writes the request when its event
# loop gets to it; under load that was more than the action server's keep-alive timeout (5 s
# by default), which closed the connection, so the action failed (bot/tools/serve.py,
# ACTIONS_ENV). STALL_S is past that default and its check interval (closed within 5-7.5 s).
STALL_S = 8.0


class StallingConnector(aiohttp.TCPConnector):
    """Connects, then blocks the event loop before the request is written, as a busy Rasa
    server's loop does."""

    def __init__(self, stall_s: float) -> None:
        super().__init__(force_close=True)
        self.stall_s = stall_s

    async def connect(self, req, traces, timeout):
        connection = await super().connect(req, traces, timeout)
        time.sleep(self.stall_s)
        await asyncio.sleep(0)  # the loop sees what happened to the socket meanwhile
        return connection


async def request_written_late(url: str, stall_s: float) -> int:
    timeout = aiohttp.ClientTimeout(total=stall_s + 30)
    async with aiohttp.ClientSession(connector=StallingConnector(stall_s)) as session, session.get(
        url, timeout=timeout
    ) as reply:
        return reply.status


def test_the_action_server_waits_for_a_request_written_seconds_after_connecting(stack):
    assert asyncio.run(request_written_late(f"{stack.actions_url}/health", STALL_S)) == 200
