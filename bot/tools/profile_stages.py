"""Where a message's time goes, stage by stage, so each speed change is aimed where the time is.

python -m bot.tools.profile_stages [--conversations 20] [--out results/bench/stages.json]

Starts the stack as the run command does (its action server answers), loads the same model
into a Rasa agent in this process with the same endpoints, and sends it conversations of
the bench's mix (first questions, follow-ups, chit-chat, out-of-scope questions and emergencies). Each stage
is timed by a wrapper around the Rasa method that does it:

  tracker store: read    MessageProcessor.get_tracker
  NLU                    MessageProcessor.parse_message (the whole pipeline, gates included)
  policy prediction      MessageProcessor._predict_next_with_tracker
  action server call     RemoteAction.run (HTTP, JSON both ways, Rasa's check of the reply)
  tracker store: write   MessageProcessor.save_tracker

Every action server request is then replayed in this process through rasa_sdk's executor,
to split the call into the action's own work (composing the answer among it) and the rest.
Times are wall-clock milliseconds per message on this machine; the shares are what count.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import logging
import statistics
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, DefaultDict, Dict, List

import structlog
import yaml

from bot import rasa_server
from bot.tools.api_access import Access
from bot.tools.bench.messages import load_mix
from bot.tools.serve import MODEL, ROOT, running_stack

# Messages per conversation: the bench's realistic mix (bot/tools/bench/messages.yml).
CONVERSATION_LENGTH = 5
STAGES = (
    ("tracker store: read", "rasa.core.processor", "MessageProcessor", "get_tracker"),
    ("NLU", "rasa.core.processor", "MessageProcessor", "parse_message"),
    ("policy prediction", "rasa.core.processor", "MessageProcessor", "_predict_next_with_tracker"),
    ("action server call", "rasa.core.actions.action", "RemoteAction", "run"),
    ("tracker store: write", "rasa.core.processor", "MessageProcessor", "save_tracker"),
)
Timings = DefaultDict[str, float]
COMPONENT = "component: "


class StageClock:
    """Milliseconds per stage for the message being handled."""

    def __init__(self) -> None:
        self.current: Timings = defaultdict(float)

    def wrap(self, stage: str, function: Callable) -> Callable:
        clock = self
        if asyncio.iscoroutinefunction(function):

            @functools.wraps(function)
            async def timed_async(*args: Any, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return await function(*args, **kwargs)
                finally:
                    clock.current[stage] += (time.perf_counter() - started) * 1000

            return timed_async

        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                clock.current[stage] += (time.perf_counter() - started) * 1000

        return timed

    def take(self) -> Dict[str, float]:
        taken, self.current = dict(self.current), defaultdict(float)
        return taken


def _instrument(clock: StageClock) -> List[Dict[str, Any]]:
    """Wrap the stage methods; the action server requests are collected for the replay."""
    import importlib

    from rasa.core.actions.action import RemoteAction
    from rasa.engine.graph import GraphNode

    for stage, module, owner, method in STAGES:
        cls = getattr(importlib.import_module(module), owner)
        setattr(cls, method, clock.wrap(stage, getattr(cls, method)))
    # Within the stages, each graph component (NLU pipeline and policies) by its class.
    run_node = GraphNode.__call__

    def timed_node(self: GraphNode, *inputs: Any) -> Any:
        started = time.perf_counter()
        try:
            return run_node(self, *inputs)
        finally:
            clock.current[COMPONENT + self._component_class.__name__] += (time.perf_counter() - started) * 1000

    GraphNode.__call__ = timed_node  # type: ignore[method-assign]
    requests: List[Dict[str, Any]] = []
    call_format = RemoteAction._action_call_format

    def capturing(self: RemoteAction, tracker: Any, domain: Any) -> Dict[str, Any]:
        body = call_format(self, tracker, domain)
        requests.append(json.loads(json.dumps(body)))  # as the action server receives it
        return body

    RemoteAction._action_call_format = capturing  # type: ignore[method-assign]
    return requests


async def _replay(requests: List[Dict[str, Any]]) -> List[Dict[str, float]]:
    """The action server's own work per request: the action, and the composer within it."""
    from rasa_sdk.executor import ActionExecutor

    import actions.actions as actions_module

    executor = ActionExecutor()
    executor.register_package("actions")
    clock = StageClock()
    actions_module.compose_answer = clock.wrap("composer", actions_module.compose_answer)  # type: ignore[assignment]
    run = clock.wrap("action (in the action server)", executor.run)
    if requests:
        await executor.run(requests[0])  # untimed: the first call loads the knowledge base
        clock.take()
    replayed = []
    for body in requests:
        await run(body)  # the JSON body is the ActionCall the action server parses
        replayed.append(clock.take())
    return replayed


async def _profile(actions_url: str, conversations: int, workdir: Path) -> Dict[str, Any]:
    from rasa.core.agent import load_agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.core.utils import AvailableEndpoints

    logging.getLogger("rasa").setLevel(logging.WARNING)
    # Rasa's processor logs through structlog too; its debug lines would swamp the table.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    rasa_server.apply()  # the Rasa server runs with these fixes, so the profile does too
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    endpoints["action_endpoint"]["url"] = f"{actions_url}/webhook"
    endpoints["tracker_store"]["db"] = str(workdir / "trackers.db")
    endpoints_path = workdir / "endpoints.yml"
    endpoints_path.write_text(yaml.safe_dump(endpoints))
    agent = await load_agent(model_path=str(MODEL), endpoints=AvailableEndpoints.read_endpoints(str(endpoints_path)))
    clock = StageClock()
    requests = _instrument(clock)
    per_message: List[Dict[str, float]] = []
    mix = load_mix()
    warm_up_calls = 0
    for number in range(conversations):
        if number == 1:  # the first conversation warms caches up; its calls are not replayed
            warm_up_calls = len(requests)
        sender = f"profile-{uuid.uuid4().hex[:8]}"
        for message in mix.conversation(number, CONVERSATION_LENGTH):
            started = time.perf_counter()
            await agent.handle_message(UserMessage(message.text, CollectingOutputChannel(), sender))
            stages = clock.take()
            stages["total"] = (time.perf_counter() - started) * 1000
            per_message.append(stages)
    skip = CONVERSATION_LENGTH  # the first conversation warms caches up
    replayed = await _replay(requests[warm_up_calls:])
    return summarize(per_message[skip:], replayed)


def summarize(per_message: List[Dict[str, float]], replayed: List[Dict[str, float]]) -> Dict[str, Any]:
    """Mean and median milliseconds per message for each stage, and its share of the total."""
    count = len(per_message)
    stages = [stage for stage, *_ in STAGES]
    rows: Dict[str, Dict[str, float]] = {}
    total_mean = statistics.fmean(m["total"] for m in per_message)
    for stage in [*stages, "total"]:
        values = [m.get(stage, 0.0) for m in per_message]
        rows[stage] = {"mean_ms": statistics.fmean(values), "p50_ms": statistics.median(values)}
    rows["other (Rasa's own bookkeeping)"] = {
        "mean_ms": total_mean - sum(rows[s]["mean_ms"] for s in stages),
        "p50_ms": float("nan"),
    }
    for stage in ("action (in the action server)", "composer"):
        # per message, though not every message calls the action server
        rows[f"  of the call: {stage}"] = {
            "mean_ms": sum(r.get(stage, 0.0) for r in replayed) / max(count, 1),
            "p50_ms": float("nan"),
        }
    for row in rows.values():
        row["share"] = row["mean_ms"] / total_mean if total_mean else 0.0
    names = sorted({name for m in per_message for name in m if name.startswith(COMPONENT)})
    components = {name[len(COMPONENT) :]: sum(m.get(name, 0.0) for m in per_message) / max(count, 1) for name in names}
    components = dict(sorted(components.items(), key=lambda item: -item[1]))
    return {"messages": count, "action_server_calls": len(replayed), "stages": rows, "components_mean_ms": components}


def render(summary: Dict[str, Any]) -> str:
    lines = [
        f"Per-stage time over {summary['messages']} messages ({summary['action_server_calls']} action server calls)",
        "",
        "| stage | mean ms/message | p50 ms | share |",
        "|---|---:|---:|---:|",
    ]
    for stage, row in summary["stages"].items():
        p50 = "" if row["p50_ms"] != row["p50_ms"] else f"{row['p50_ms']:.1f}"
        lines.append(f"| {stage} | {row['mean_ms']:.1f} | {p50} | {row['share']:.0%} |")
    components = summary.get("components_mean_ms") or {}
    if components:
        lines += ["", "Graph components (NLU pipeline and policies), mean ms per message:", ""]
        lines += ["| component | mean ms/message |", "|---|---:|"]
        lines += [f"| {name} | {ms:.2f} |" for name, ms in components.items() if ms >= 0.05]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=20, help="conversations to send (default 20)")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "bench" / "stages.json")
    parser.add_argument("--rasa-port", type=int, default=5175)
    parser.add_argument("--actions-port", type=int, default=5176)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        access = Access()
        with running_stack(
            args.rasa_port, args.actions_port, tracker_db=Path(workdir) / "stack.db", access=access
        ) as stack:
            summary = asyncio.run(_profile(stack.actions_url, max(args.conversations, 2), Path(workdir)))
    print(render(summary))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2))
    print(f"\nwritten: {args.out}")


if __name__ == "__main__":
    main()
