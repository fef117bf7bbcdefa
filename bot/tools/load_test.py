"""A bounded loopback load test: scripted conversations, then every stored tracker checked.

`python -m bot.tools.load_test` (`make load-test`: the full 5,000 messages) sends
`--messages` messages over `--conversations` concurrent conversations to the REST webhook,
then reads every conversation's whole tracker back through the HTTP API and checks it. See
README, "Load test".

The load: `--conversations` lanes run at once; each runs the scripted conversations of
load_scripts.yml one after another (each under a sender id of its own, each message sent
when the previous one was answered), from its own place in the list, until it has sent its
share of the messages (the total split evenly; its last conversation may be cut short).
Every request has a timeout; errors are counted, never raised: HTTP statuses other than
2xx, timeouts, failed connections, bodies that are not a JSON list, empty replies (every
message expects one), and the replies the REST channel sends in place of an answer when
Rasa failed (utter_server_trouble, utter_assistant_unreachable: a 200 that stored no bot
event). Sending stops at `--budget` seconds; what was not sent is counted too.

The checks, per conversation (pure functions, tests/test_load.py):
  user events   the texts of the stored user events are exactly the messages sent, in
                order: lost = sent but not stored, duplicated = stored beyond what was sent
                (a sequence alignment, so a repeated "thanks" is told apart);
  bot events    after each user event, the bot events are exactly the messages of the reply
                its request received (their texts, in order; a stand-in reply is the
                channel's and is never stored): lost and duplicated the same way;
  context       the final slots equal the expected context: the script's slot changes
                applied in order (load_scripts.yml) and last_claim_ids from the latest
                answer received; and that answer's payload says it was given in that
                context (its topic, audience and facets), so what the server loaded to
                answer agrees with what it stored.
It prints a summary and writes JSON (`--out`), exiting 1 on any error, loss, duplicate,
mismatch or message not sent.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import difflib
import functools
import json
import os
import platform
import secrets
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

import aiohttp
import yaml

from bot.tools.bench.assistants import NotReady, ours, pick_ports
from bot.tools.bench.load import WEBHOOK_PATH
from bot.tools.bench.stats import percentile
from bot.tools.reports import RESULTS, save_report
from bot.tools.serve import ServerExited
from bot.tools.supervise import Stop, stop_on_signals
from knowledge.loader import fixed_reply

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS_FILE = Path(__file__).with_name("load_scripts.yml")
DOMAIN_FILE = ROOT / "domain.yml"
TRACKER_PATH = "/conversations/{sender}/tracker"

# Step kinds; those that answer a question also set last_question to their text, except a
# detail's ("and for children?"), which completes the question before it and leaves it there.
ANSWERING_KINDS = ("question", "follow_up", "personal", "urgent")
DETAIL_KINDS = ("follow_up",)
KINDS = (*ANSWERING_KINDS, "audience", "sources", "chit_chat", "out_of_scope", "emergency")
LAST_QUESTION, LAST_CLAIMS = "last_question", "last_claim_ids"
ANSWER_TYPE = "imt_answer"  # the `custom.type` of a composed answer, which carries claim_ids
# What the REST channel answers when Rasa failed to: a 200 with no bot event behind it.
STAND_IN_REPLIES = {"utter_server_trouble": "server trouble reply", "utter_assistant_unreachable": "unreachable reply"}

DEFAULT_CONVERSATIONS = 64
DEFAULT_MESSAGES = 5000
DEFAULT_TIMEOUT_S = 60.0
DEFAULT_BUDGET_S = 1200.0
FETCH_CONCURRENCY = 8
FAILURE_DETAILS = 50  # failed conversations described in the JSON at most


# --- the scripts ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    kind: str
    text: str
    sets: Mapping[str, Any] = field(default_factory=dict)

    @property
    def answers_a_question(self) -> bool:
        return self.kind in ANSWERING_KINDS

    @property
    def is_the_question(self) -> bool:
        """Whether later details complete this step's question (last_question)."""
        return self.answers_a_question and self.kind not in DETAIL_KINDS


@dataclass(frozen=True)
class Script:
    name: str
    steps: Tuple[Step, ...]


def slot_defaults(domain_file: Path = DOMAIN_FILE) -> Dict[str, Any]:
    """Every slot of the domain with its initial value (None unless the domain gives one)."""
    domain = yaml.safe_load(domain_file.read_text(encoding="utf-8"))
    return {name: (spec or {}).get("initial_value") for name, spec in domain["slots"].items()}


def parse_scripts(raw: Mapping[str, Any], slots: Mapping[str, Any]) -> List[Script]:
    """The conversations of a load_scripts.yml document, checked: known kinds, one text per
    step, only the domain's slots set (last_question and last_claim_ids are derived)."""
    scripts = []
    for name, steps in (raw.get("conversations") or {}).items():
        parsed = []
        for number, step in enumerate(steps or [], start=1):
            where = f"{name}, step {number}"
            kinds = [key for key in step if key != "sets"]
            if len(kinds) != 1 or kinds[0] not in KINDS:
                raise ValueError(f"{where}: one of {KINDS} with the message's text, not {kinds}")
            text = step[kinds[0]]
            if not isinstance(text, str) or not text.strip():
                raise ValueError(f"{where}: the message must be text")
            sets = step.get("sets") or {}
            unknown = set(sets) - (set(slots) - {LAST_QUESTION, LAST_CLAIMS})
            if unknown:
                raise ValueError(f"{where}: not slots a step may set: {sorted(unknown)}")
            parsed.append(Step(kinds[0], text, dict(sets)))
        if not parsed:
            raise ValueError(f"{name}: a conversation needs at least one step")
        scripts.append(Script(str(name), tuple(parsed)))
    if not scripts:
        raise ValueError("no conversations")
    return scripts


@functools.lru_cache(maxsize=None)
def load_scripts(path: Path = SCRIPTS_FILE) -> Tuple[Script, ...]:
    return tuple(parse_scripts(yaml.safe_load(path.read_text(encoding="utf-8")), slot_defaults()))


def expected_slots(steps: Sequence[Step], defaults: Mapping[str, Any]) -> Dict[str, Any]:
    """The context after these steps: the initial values with each step's changes applied in
    order, last_question from the latest step that asks a question (a detail completes it).
    last_claim_ids is left at its default: it comes from the replies (`latest_answer`)."""
    slots = dict(defaults)
    for step in steps:
        slots.update(step.sets)
        if step.is_the_question:
            slots[LAST_QUESTION] = step.text
    return slots


# --- the plan: who sends what --------------------------------------------------------------
@dataclass(frozen=True)
class Conversation:
    sender: str
    script: str
    steps: Tuple[Step, ...]  # the script's steps, or the first of them when cut short
    lane: int


def plan(scripts: Sequence[Script], lanes: int, messages: int, run_id: str) -> List[List[Conversation]]:
    """`messages` split evenly over `lanes`; each lane runs the scripts in turn from its own
    place in the list, its last conversation cut short to end on its share exactly."""
    if lanes < 1 or messages < 1:
        raise ValueError("at least one conversation and one message")
    result = []
    for lane in range(lanes):
        share = messages // lanes + (1 if lane < messages % lanes else 0)
        conversations: List[Conversation] = []
        sent = 0
        while sent < share:
            script = scripts[(lane + len(conversations)) % len(scripts)]
            steps = script.steps[: share - sent]
            sender = f"load-{run_id}-{lane:03d}-{len(conversations):04d}"
            conversations.append(Conversation(sender, script.name, steps, lane))
            sent += len(steps)
        result.append(conversations)
    return result


# --- sending -------------------------------------------------------------------------------
@dataclass
class Turn:
    """One message sent and what came back: the reply's messages, or the error."""

    text: str
    replies: Optional[List[Dict[str, Any]]] = None
    latency_ms: Optional[float] = None
    error: Optional[str] = None


@dataclass
class Sent:
    conversation: Conversation
    turns: List[Turn] = field(default_factory=list)


@functools.lru_cache(maxsize=None)
def stand_in_replies() -> Dict[str, str]:
    """The texts of the REST channel's stand-in replies -> the error they count as."""
    return {fixed_reply(name): reason for name, reason in STAND_IN_REPLIES.items()}


def reply_error(status: int, body: bytes) -> Tuple[Optional[List[Dict[str, Any]]], Optional[str]]:
    """The reply's messages, or why the request counts as an error."""
    if not 200 <= status < 300:
        return None, f"HTTP {status}"
    try:
        payload = json.loads(body)
    except ValueError:
        return None, "not JSON"
    if not isinstance(payload, list) or not all(isinstance(message, dict) for message in payload):
        return None, "not a JSON list of messages"
    if not payload:
        return payload, "empty reply"
    stand_ins = stand_in_replies()
    for message in payload:
        if message.get("text") in stand_ins:
            return payload, stand_ins[message["text"]]
    return payload, None


async def send_turn(session: aiohttp.ClientSession, url: str, sender: str, text: str, timeout_s: float) -> Turn:
    turn = Turn(text)
    started = time.perf_counter()
    try:
        timeout = aiohttp.ClientTimeout(total=timeout_s)
        async with session.post(url, json={"sender": sender, "message": text}, timeout=timeout) as response:
            body = await response.read()
            status = response.status
    except asyncio.TimeoutError:
        turn.error = "timeout"
        return turn
    except aiohttp.ClientError as error:
        turn.error = type(error).__name__
        return turn
    turn.latency_ms = (time.perf_counter() - started) * 1000
    turn.replies, turn.error = reply_error(status, body)
    return turn


@dataclass
class SendResult:
    sent: List[Sent]
    wall_s: float
    not_sent: int


async def send_all(
    base_url: str,
    lanes: Sequence[Sequence[Conversation]],
    timeout_s: float,
    budget_s: float,
    progress: Any = None,
) -> SendResult:
    """Every lane at once; within a lane, each message when the previous one was answered.
    Nothing is sent after `budget_s`; what was left is counted as not sent."""
    url = base_url + WEBHOOK_PATH
    deadline = time.monotonic() + budget_s
    sent: List[Sent] = []
    not_sent = 0

    async def lane(conversations: Sequence[Conversation]) -> None:
        nonlocal not_sent
        for conversation in conversations:
            record = Sent(conversation)
            for step in conversation.steps:
                if time.monotonic() >= deadline:
                    break
                record.turns.append(await send_turn(session, url, conversation.sender, step.text, timeout_s))
                if progress is not None:
                    progress.update(1)
            not_sent += len(conversation.steps) - len(record.turns)
            if record.turns:
                sent.append(record)

    started = time.perf_counter()
    connector = aiohttp.TCPConnector(limit=len(lanes) + 4)
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(lane(conversations) for conversations in lanes))
    return SendResult(sent, time.perf_counter() - started, not_sent)


async def fetch_trackers(
    base_url: str, token: str, senders: Sequence[str], timeout_s: float, concurrency: int = FETCH_CONCURRENCY
) -> Dict[str, Any]:
    """Each conversation's whole tracker (every event), or the error text for one that
    could not be fetched."""
    gate = asyncio.Semaphore(concurrency)
    found: Dict[str, Any] = {}

    async def one(sender: str) -> None:
        url = base_url + TRACKER_PATH.format(sender=sender)
        params = {"token": token, "include_events": "ALL"}
        async with gate:
            try:
                timeout = aiohttp.ClientTimeout(total=timeout_s)
                async with session.get(url, params=params, timeout=timeout) as response:
                    if response.status != 200:
                        found[sender] = f"HTTP {response.status}"
                        return
                    found[sender] = json.loads(await response.read())
            except asyncio.TimeoutError:
                found[sender] = "timeout"
            except (aiohttp.ClientError, ValueError) as error:
                found[sender] = type(error).__name__

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:
        await asyncio.gather(*(one(sender) for sender in senders))
    return found


# --- the checks (pure) -----------------------------------------------------------------------
@dataclass(frozen=True)
class Alignment:
    lost: int  # expected but not stored
    duplicated: int  # stored beyond what was expected
    pairs: Tuple[Tuple[int, int], ...]  # (expected index, stored index) of the items that match


def align(expected: Sequence[Any], stored: Sequence[Any]) -> Alignment:
    """Line up what was expected with what was stored, in order: the items in neither
    place's counterpart are lost (expected only) or duplicated (stored only)."""
    matcher = difflib.SequenceMatcher(None, list(expected), list(stored), autojunk=False)
    lost = duplicated = 0
    pairs: List[Tuple[int, int]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pairs.extend(zip(range(i1, i2), range(j1, j2)))
        else:
            lost += i2 - i1
            duplicated += j2 - j1
    return Alignment(lost, duplicated, tuple(pairs))


def stored_turns(events: Sequence[Mapping[str, Any]]) -> Tuple[List[Any], List[str], List[List[Any]]]:
    """A tracker's events as (bot texts before the first user event, user texts, the bot
    texts after each user event up to the next)."""
    before: List[Any] = []
    users: List[str] = []
    bots: List[List[Any]] = []
    for event in events:
        kind = event.get("event")
        if kind == "user":
            users.append(str(event.get("text") or ""))
            bots.append([])
        elif kind == "bot":
            (bots[-1] if bots else before).append(event.get("text"))
    return before, users, bots


def latest_answer(turns: Sequence[Turn]) -> Optional[Dict[str, Any]]:
    """The payload of the latest composed answer received (None before any answer)."""
    latest = None
    for turn in turns:
        for message in turn.replies or []:
            custom = message.get("custom")
            if isinstance(custom, dict) and custom.get("type") == ANSWER_TYPE:
                latest = custom
    return latest


def answer_context(payload: Mapping[str, Any]) -> Dict[str, Any]:
    """The context an answer was given in, as its payload states it: topic, audience and
    the facets (drug, biomarker, ...), by slot name. A drug the conversation remembers but
    the question was not about (a prognosis question after a dose question) is left out of
    the payload (knowledge/context.py, Context.applied), so a payload without one says
    nothing about the drug slot; a gene without a status applies to its own question only
    and is never remembered."""
    facets = dict(payload.get("entities") or {})
    if facets.get("drug") is None:
        facets.pop("drug", None)
    if facets.get("biomarker_status") is None:
        facets.pop("biomarker", None)
    return {"topic": payload.get("topic"), "audience": payload.get("audience"), **facets}


@dataclass
class ConversationCheck:
    sender: str
    script: str
    messages: int
    user_lost: int = 0
    user_duplicated: int = 0
    bot_lost: int = 0
    bot_duplicated: int = 0
    turns_with_wrong_bot_events: List[int] = field(default_factory=list)  # 1-based message numbers
    context_mismatches: Dict[str, Dict[str, Any]] = field(default_factory=dict)  # slot -> expected, stored
    tracker_error: Optional[str] = None
    request_errors: int = 0

    @property
    def lost(self) -> int:
        return self.user_lost + self.bot_lost

    @property
    def duplicated(self) -> int:
        return self.user_duplicated + self.bot_duplicated

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.context_mismatches or self.tracker_error)


def check_conversation(sent: Sent, tracker: Any, defaults: Mapping[str, Any]) -> ConversationCheck:
    """Compare one conversation's stored tracker with what was sent and received."""
    turns = sent.turns
    check = ConversationCheck(
        sent.conversation.sender,
        sent.conversation.script,
        len(turns),
        request_errors=sum(1 for turn in turns if turn.error),
    )
    if not isinstance(tracker, dict):
        check.tracker_error = str(tracker)
        return check
    before, users, bots = stored_turns(tracker.get("events") or [])
    users_aligned = align([turn.text for turn in turns], users)
    check.user_lost, check.user_duplicated = users_aligned.lost, users_aligned.duplicated
    check.bot_duplicated += len(before)  # a bot message before any message was sent
    matched_stored = set()
    for sent_index, stored_index in users_aligned.pairs:
        matched_stored.add(stored_index)
        replies = turns[sent_index].replies
        if replies is None:  # the request failed: what Rasa stored for it is not known
            continue
        # A stand-in reply is the channel's, never stored: the failure is counted as an error.
        received = [message.get("text") for message in replies if message.get("text") not in stand_in_replies()]
        bots_aligned = align(received, bots[stored_index])
        if bots_aligned.lost or bots_aligned.duplicated:
            check.bot_lost += bots_aligned.lost
            check.bot_duplicated += bots_aligned.duplicated
            check.turns_with_wrong_bot_events.append(sent_index + 1)
    # The bot events after a stored user event that matches nothing sent are extra too.
    check.bot_duplicated += sum(len(bots[j]) for j in range(len(users)) if j not in matched_stored)
    # The context: every slot of the domain.
    expected = expected_slots(sent.conversation.steps[: len(turns)], defaults)
    answer = latest_answer(turns)
    expected[LAST_CLAIMS] = answer.get("claim_ids") if answer else None
    stored = tracker.get("slots") or {}
    for slot, value in expected.items():
        if stored.get(slot) != value:
            check.context_mismatches[slot] = {"expected": value, "stored": stored.get(slot)}
    # The latest answer was given in the expected context too (what the server loaded then,
    # not only what it stored).
    for slot, value in (answer_context(answer) if answer else {}).items():
        if slot in expected and expected[slot] != value:
            check.context_mismatches[f"latest answer's {slot}"] = {"expected": expected[slot], "answered": value}
    return check


# --- the summary -----------------------------------------------------------------------------
def summarize(result: SendResult, checks: Sequence[ConversationCheck], lanes: int) -> Dict[str, Any]:
    turns = [turn for sent in result.sent for turn in sent.turns]
    errors = Counter(turn.error for turn in turns if turn.error)
    latencies = [turn.latency_ms for turn in turns if turn.latency_ms is not None and not turn.error]
    answered = len(latencies)
    failed = [check for check in checks if not check.ok]
    pct = {q: percentile(latencies, q) for q in (50, 95, 99)}
    return {
        "messages_sent": len(turns),
        "messages_not_sent": result.not_sent,
        "conversations": len(result.sent),
        "concurrent_conversations": lanes,
        "errors": sum(errors.values()),
        "errors_by_reason": dict(errors),
        "replies_answered": answered,
        "bot_messages_received": sum(len(turn.replies or []) for turn in turns),
        "events_lost": sum(check.lost for check in checks),
        "events_duplicated": sum(check.duplicated for check in checks),
        "user_events_lost": sum(check.user_lost for check in checks),
        "user_events_duplicated": sum(check.user_duplicated for check in checks),
        "bot_events_lost": sum(check.bot_lost for check in checks),
        "bot_events_duplicated": sum(check.bot_duplicated for check in checks),
        "context_mismatches": sum(1 for check in checks if check.context_mismatches),
        "trackers_not_fetched": sum(1 for check in checks if check.tracker_error),
        "conversations_failed": len(failed),
        "send_wall_s": round(result.wall_s, 2),
        "throughput_msg_s": round(answered / result.wall_s, 2) if result.wall_s > 0 else None,
        "latency_ms": {f"p{q}": None if value is None else round(value, 1) for q, value in pct.items()},
        "scripts": dict(Counter(sent.conversation.script for sent in result.sent)),
    }


# Each of these must be 0 for the run to pass.
FAILURE_KEYS = (
    "errors",
    "messages_not_sent",
    "events_lost",
    "events_duplicated",
    "context_mismatches",
    "trackers_not_fetched",
)


def failures(summary: Mapping[str, Any]) -> Dict[str, Any]:
    """The summary's figures that fail the run (empty: it passed)."""
    found = {key: summary[key] for key in FAILURE_KEYS if summary[key]}
    if not summary["messages_sent"]:
        found["messages_sent"] = 0
    return found


def failure_details(checks: Sequence[ConversationCheck], limit: int = FAILURE_DETAILS) -> List[Dict[str, Any]]:
    details = []
    for check in checks:
        if check.ok:
            continue
        details.append(
            {
                "sender": check.sender,
                "script": check.script,
                "messages": check.messages,
                "request_errors": check.request_errors,
                "user_events": {"lost": check.user_lost, "duplicated": check.user_duplicated},
                "bot_events": {"lost": check.bot_lost, "duplicated": check.bot_duplicated},
                "messages_with_wrong_bot_events": check.turns_with_wrong_bot_events,
                "context_mismatches": check.context_mismatches,
                "tracker_error": check.tracker_error,
            }
        )
        if len(details) >= limit:
            break
    return details


def summary_text(summary: Mapping[str, Any]) -> str:
    latency = summary["latency_ms"]
    errors = ", ".join(f"{reason}: {count}" for reason, count in sorted(summary["errors_by_reason"].items()))
    lines = [
        f"messages sent        {summary['messages_sent']} ({summary['messages_not_sent']} not sent)",
        f"conversations        {summary['conversations']} ({summary['concurrent_conversations']} at a time)",
        f"errors               {summary['errors']}" + (f" ({errors})" if errors else ""),
        f"events lost          {summary['events_lost']} (user {summary['user_events_lost']}, "
        f"bot {summary['bot_events_lost']})",
        f"events duplicated    {summary['events_duplicated']} (user {summary['user_events_duplicated']}, "
        f"bot {summary['bot_events_duplicated']})",
        f"context mismatches   {summary['context_mismatches']} conversations",
        f"trackers not fetched {summary['trackers_not_fetched']}",
        f"throughput           {summary['throughput_msg_s']} msg/s over {summary['send_wall_s']} s",
        f"latency              p50 {latency['p50']} ms, p95 {latency['p95']} ms, p99 {latency['p99']} ms",
    ]
    return "\n".join(lines)


# --- a run ---------------------------------------------------------------------------------
@dataclass
class LoadConfig:
    conversations: int = DEFAULT_CONVERSATIONS
    messages: int = DEFAULT_MESSAGES
    timeout_s: float = DEFAULT_TIMEOUT_S
    budget_s: float = DEFAULT_BUDGET_S
    scripts_file: Path = SCRIPTS_FILE
    progress: bool = False


def run_load(base_url: str, token: str, config: LoadConfig) -> Dict[str, Any]:
    """Send the load to a running assistant and check every conversation; the report."""
    from tqdm import tqdm

    defaults = slot_defaults()
    scripts = load_scripts(config.scripts_file)
    run_id = secrets.token_hex(4)
    started = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    lanes = plan(scripts, config.conversations, config.messages, run_id)
    load_average = os.getloadavg()
    with tqdm(total=config.messages, unit="msg", disable=not config.progress) as bar:
        result = asyncio.run(send_all(base_url, lanes, config.timeout_s, config.budget_s, bar))
    fetch_started = time.perf_counter()
    senders = [sent.conversation.sender for sent in result.sent]
    trackers = asyncio.run(fetch_trackers(base_url, token, senders, config.timeout_s))
    checks = [check_conversation(sent, trackers.get(sent.conversation.sender), defaults) for sent in result.sent]
    summary = summarize(result, checks, config.conversations)
    summary["check_wall_s"] = round(time.perf_counter() - fetch_started, 2)
    return {
        "meta": {
            "started": started,
            "finished": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "run_id": run_id,
            "url": base_url,
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_before": [round(v, 2) for v in load_average],
            "load_average_after": [round(v, 2) for v in os.getloadavg()],
            "config": {
                "conversations": config.conversations,
                "messages": config.messages,
                "request_timeout_s": config.timeout_s,
                "budget_s": config.budget_s,
                "scripts": str(config.scripts_file),
            },
        },
        "summary": summary,
        "failures": failures(summary),
        "failed_conversations": failure_details(checks),
    }


@contextlib.contextmanager
def own_stack(ports: Optional[Tuple[int, int]], log_dir: Path) -> Iterator[Tuple[str, str, float]]:
    """The assistant started as the run command starts it (bot.tools.serve), with a tracker
    store of its own, the rate limits lifted and the HTTP API on behind a random token:
    its URL, its token and its start to ready in seconds (until it answered a message)."""
    rasa_port, actions_port = pick_ports(2, ports)
    log_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="imt-load-") as workdir, ours(
        rasa_port, actions_port, Path(workdir), log_dir
    ) as running:
        yield running.endpoint.base_url, running.endpoint.parse_params["token"], running.start_to_ready_s


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def port_range(text: str) -> Tuple[int, int]:
    try:
        low, high = (int(part) for part in text.split("-"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"a port range looks like 5400-5499, not {text!r}") from None
    if not 1024 <= low < high <= 65535:
        raise argparse.ArgumentTypeError(f"{text}: need at least 2 ports within 1024-65535")
    return low, high


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot.tools.load_test", description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=positive, default=DEFAULT_CONVERSATIONS, help="at a time (64)")
    parser.add_argument("--messages", type=positive, default=DEFAULT_MESSAGES, help="in all (5000)")
    parser.add_argument("--url", help="a running assistant (default: start one, as the run command does)")
    parser.add_argument("--token", help="its HTTP API token, to read the trackers (default IMT_API_TOKEN)")
    parser.add_argument("--ports", type=port_range, help="for the assistant it starts: a range, e.g. 5400-5499")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds per request at most (60)")
    parser.add_argument("--budget", type=float, default=DEFAULT_BUDGET_S, help="seconds of sending at most (1200)")
    parser.add_argument("--scripts", type=Path, default=SCRIPTS_FILE, help="the conversations (load_scripts.yml)")
    parser.add_argument("--out", type=Path, default=RESULTS / "load" / "load.json", help="the JSON report")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if args.url and not (args.token or os.environ.get("IMT_API_TOKEN")):
        parser.error("--url needs the server's API token (--token or IMT_API_TOKEN) to read the trackers")
    return args


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    config = LoadConfig(
        args.conversations, args.messages, args.timeout, args.budget, args.scripts, progress=not args.no_progress
    )
    with stop_on_signals():
        try:
            if args.url:
                report = run_load(args.url.rstrip("/"), args.token or os.environ["IMT_API_TOKEN"], config)
                report["meta"]["stack"] = {"started_by_the_load_test": False}
            else:
                log_dir = args.out.parent / "logs"
                with own_stack(args.ports, log_dir) as (url, token, ready_s):
                    report = run_load(url, token, config)
                stack = {"started_by_the_load_test": True, "start_to_ready_s": round(ready_s, 1), "logs": str(log_dir)}
                report["meta"]["stack"] = stack
        except Stop as stop:
            print(f"==> {stop}: the load test was stopped", file=sys.stderr)
            return 1
        except (NotReady, ServerExited, TimeoutError) as error:  # the assistant it started did not come up
            print(f"ERROR: {error}", file=sys.stderr)
            return 2
    save_report(report, args.out)
    print(summary_text(report["summary"]))
    if report["failures"]:
        print(f"FAIL: {', '.join(f'{key} {value}' for key, value in report['failures'].items())}")
        for detail in report["failed_conversations"][:5]:
            print(f"  {json.dumps(detail)}")
    else:
        print("PASS: no errors, nothing lost or duplicated, every context as expected")
    print(f"wrote {args.out}")
    return 1 if report["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
