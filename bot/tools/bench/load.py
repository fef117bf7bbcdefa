"""The load: asyncio + aiohttp clients on loopback, bounded in count and time.

Every request has a timeout; failures (timeouts, refused connections, HTTP errors, bodies
that are not JSON) are counted, never raised. A phase stops sending once its deadline
passes; the messages it did not send are counted apart from errors.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence

import aiohttp

from bot.tools.bench.messages import Message

WEBHOOK_PATH = "/webhooks/rest/webhook"
PARSE_PATH = "/model/parse"


@dataclass(frozen=True)
class Endpoint:
    """One assistant's server. `parse_params` carries the API token where one is needed;
    it is never written to the report."""

    name: str
    base_url: str
    parse_params: Dict[str, str] = field(default_factory=dict)


@dataclass
class PhaseResult:
    # Latency in ms of every request, per conversation and position (None: it failed).
    conversations: List[List[Optional[float]]]
    errors: Counter = field(default_factory=Counter)  # reason -> count
    empty: int = 0  # answered with an empty list of messages (not an error)
    not_sent: int = 0  # left out because the phase ran out of time
    wall_s: float = 0.0

    @property
    def latencies_ms(self) -> List[float]:
        return [v for conversation in self.conversations for v in conversation if v is not None]

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def throughput(self) -> Optional[float]:
        """Answered requests a second over the phase's wall time."""
        answered = len(self.latencies_ms)
        return answered / self.wall_s if answered and self.wall_s > 0 else None


Progress = Callable[[], None]


def _no_progress() -> None:
    return None


async def _post(
    session: aiohttp.ClientSession,
    url: str,
    body: Dict[str, Any],
    params: Dict[str, str],
    timeout_s: float,
    result: PhaseResult,
    expect: type,
) -> Optional[float]:
    """POST one request; its latency in ms, or None after counting why it failed."""
    started = time.perf_counter()
    try:
        async with session.post(url, json=body, params=params, timeout=aiohttp.ClientTimeout(total=timeout_s)) as reply:
            raw = await reply.read()
            status = reply.status
        elapsed_ms = (time.perf_counter() - started) * 1000
    except asyncio.TimeoutError:
        result.errors["timeout"] += 1
        return None
    except aiohttp.ClientError as error:
        result.errors[type(error).__name__] += 1
        return None
    if status >= 400:
        result.errors[f"HTTP {status}"] += 1
        return None
    try:
        payload = json.loads(raw)
    except ValueError:
        result.errors["not JSON"] += 1
        return None
    if not isinstance(payload, expect):
        result.errors[f"not a JSON {expect.__name__}"] += 1
        return None
    if not payload:
        result.empty += 1
    return elapsed_ms


def _session(concurrency: int) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency + 4))


async def _conversation(
    session: aiohttp.ClientSession,
    endpoint: Endpoint,
    sender: str,
    messages: Sequence[Message],
    timeout_s: float,
    deadline: float,
    result: PhaseResult,
    progress: Progress,
) -> List[Optional[float]]:
    """One conversation: each message sent when the previous one was answered."""
    latencies: List[Optional[float]] = []
    for message in messages:
        if time.monotonic() >= deadline:
            result.not_sent += len(messages) - len(latencies)
            break
        body = {"sender": sender, "message": message.text}
        latencies.append(await _post(session, endpoint.base_url + WEBHOOK_PATH, body, {}, timeout_s, result, list))
        progress()
    return latencies


async def conversations(
    endpoint: Endpoint,
    scripts: Sequence[Sequence[Message]],
    concurrency: int,
    sender_prefix: str,
    timeout_s: float,
    budget_s: float,
    progress: Progress = _no_progress,
) -> PhaseResult:
    """Up to `concurrency` conversations at a time through the REST webhook (1: sequential)."""
    result = PhaseResult(conversations=[])
    deadline = time.monotonic() + budget_s
    gate = asyncio.Semaphore(concurrency)

    async def one(index: int, script: Sequence[Message]) -> List[Optional[float]]:
        async with gate:
            sender = f"{sender_prefix}-{index}"
            return await _conversation(session, endpoint, sender, script, timeout_s, deadline, result, progress)

    started = time.perf_counter()
    async with _session(concurrency) as session:
        result.conversations = list(await asyncio.gather(*(one(i, s) for i, s in enumerate(scripts))))
    result.wall_s = time.perf_counter() - started
    return result


async def parses(
    endpoint: Endpoint, texts: Sequence[str], timeout_s: float, budget_s: float, progress: Progress = _no_progress
) -> PhaseResult:
    """Sequential /model/parse requests."""
    result = PhaseResult(conversations=[[]])
    deadline = time.monotonic() + budget_s
    started = time.perf_counter()
    async with _session(1) as session:
        for n, text in enumerate(texts):
            if time.monotonic() >= deadline:
                result.not_sent += len(texts) - n
                break
            url = endpoint.base_url + PARSE_PATH
            latency = await _post(session, url, {"text": text}, endpoint.parse_params, timeout_s, result, dict)
            result.conversations[0].append(latency)
            progress()
    result.wall_s = time.perf_counter() - started
    return result


def run(phase: Any) -> PhaseResult:
    """Run one phase (a coroutine from this module) in its own event loop."""
    outcome: PhaseResult = asyncio.run(phase)
    return outcome
