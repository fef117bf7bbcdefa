"""A bounded load through the profile's nginx for the fault tests (tests/test_scaleout_faults.py):
the load test's scripted conversations (bot/tools/load_test.py), each message sent by the
documented client (bot/tools/safe_retry.py), a fault injected once half the messages were
answered, then every conversation's stored tracker checked as the load test checks it.
"""

from __future__ import annotations

import asyncio
import secrets
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, List, Optional

import aiohttp

from bot.tools.bench.load import WEBHOOK_PATH
from bot.tools.load_test import (
    ConversationCheck,
    Sent,
    check_conversation,
    fetch_trackers,
    load_scripts,
    plan,
    slot_defaults,
)
from bot.tools.safe_retry import Outcome, send_with_safe_retry

Fault = Callable[[], Awaitable[None]]


@dataclass
class LoadRun:
    sent: List[Sent]
    outcomes: List[Outcome]
    checks: List[ConversationCheck] = field(default_factory=list)

    @property
    def how(self) -> Counter:
        return Counter(outcome.how for outcome in self.outcomes)

    def failures(self) -> List[str]:
        """What a user would have seen go wrong, and what the stores got wrong."""
        found = [f"{o.turn.text!r}: {o.turn.error}" for o in self.outcomes if o.how == "failed"]
        for check in self.checks:
            if not check.ok:
                found.append(
                    f"{check.sender}: lost {check.lost}, duplicated {check.duplicated}, "
                    f"context {check.context_mismatches}, tracker {check.tracker_error}"
                )
        return found


async def _send(
    base_url: str, token: str, lanes: List[List[Any]], timeout_s: float, fault: Fault, fault_after: int
) -> LoadRun:
    url = base_url + WEBHOOK_PATH
    run = LoadRun([], [])
    fault_task: Optional[asyncio.Future] = None

    async def lane(conversations: List[Any]) -> None:
        nonlocal fault_task
        for conversation in conversations:
            record = Sent(conversation)
            run.sent.append(record)
            for step in conversation.steps:
                stored = sum(1 for turn in record.turns if turn.error is None)  # the failed were not
                outcome = await send_with_safe_retry(
                    session, url, base_url, token, conversation.sender, step.text, stored, timeout_s
                )
                run.outcomes.append(outcome)
                record.turns.append(outcome.turn)
                if fault_task is None and len(run.outcomes) >= fault_after:
                    fault_task = asyncio.ensure_future(fault())

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=len(lanes) + 8)) as session:
        await asyncio.gather(*(lane(conversations) for conversations in lanes))
    assert fault_task is not None, "the fault was never injected"
    await fault_task
    return run


def run_load_with_fault(
    base_url: str, token: str, conversations: int, messages: int, fault: Fault, timeout_s: float = 90
) -> LoadRun:
    """`messages` over `conversations` at once; `fault` starts when half were answered."""
    lanes = plan(load_scripts(), conversations, messages, f"fault-{secrets.token_hex(3)}")
    run = asyncio.run(_send(base_url, token, lanes, timeout_s, fault, messages // 2))
    senders = [sent.conversation.sender for sent in run.sent]
    trackers: Dict[str, Any] = asyncio.run(fetch_trackers(base_url, token, senders, timeout_s))
    defaults = slot_defaults()
    run.checks = [check_conversation(sent, trackers.get(sent.conversation.sender), defaults) for sent in run.sent]
    return run
