"""The production profile beside the single server: throughput and latency at 16 and 64
concurrent conversations (README, "Production profile").

`python -m bot.tools.bench.scaleout` (`make bench-scaleout`) starts, side by side, the
assistant as the run command does (one Rasa server, one action server, SQLite; the bench's
`ours`) and the production profile on ports and a data folder of its own (bot/deploy/up.sh:
nginx, two Rasa and two action servers, PostgreSQL, Redis), both with the rate limits
lifted. It warms both up, then sends the bench's message mix (bot/tools/bench/messages.yml)
in the bench's concurrent phases, 16 and 64 conversations at a time, to one and then the
other, for `--rounds` rounds with the order alternating, and reports the median over
rounds of p50, p95 and throughput, and the sum of errors. It stops both at the end and
writes results/bench/scaleout.json and scaleout.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

from bot.tools.bench import assistants, load
from bot.tools.bench.messages import load_mix
from bot.tools.bench.stats import median, percentile
from bot.tools.reports import RESULTS, save_report

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "bot" / "deploy"
CONCURRENCY = (16, 64)
# The profile as this benchmark runs it: away from `make prod-up`'s and the tests' ports.
PROFILE_ENV = {
    "IMT_PROD_DIR": str(ROOT / "var" / "bench-scaleout"),
    "PROD_HTTP_PORT": "8082",
    "PROD_ACTIONS_LB_PORT": "5760",
    "PROD_RASA_PORTS": "5711 5712",
    "PROD_ACTIONS_PORTS": "5761 5762",
    "IMT_PG_PORT": "5733",
    "IMT_REDIS_PORT": "5780",
    "IMT_ACTIONS_URL": "http://127.0.0.1:5760/webhook",
    **assistants.NO_RATE_LIMITS,
}
NAMES = ("single", "profile")


def _deploy(script: str, env: Dict[str, str]) -> None:
    result = subprocess.run(["bash", str(DEPLOY / script)], env={**os.environ, **env}, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{script} failed:\n{result.stdout}{result.stderr}")


@contextlib.contextmanager
def running_profile() -> Iterator[load.Endpoint]:
    env = {**PROFILE_ENV, "IMT_API_TOKEN": secrets.token_hex(16)}
    try:
        _deploy("up.sh", env)
        yield load.Endpoint("profile", f"http://127.0.0.1:{env['PROD_HTTP_PORT']}")
    finally:
        _deploy("down.sh", env)


def phase(endpoint: load.Endpoint, concurrency: int, messages: int, tag: str) -> Dict[str, Any]:
    mix = load_mix()
    scripts = mix.conversations(concurrency, messages)
    prefix = f"scaleout-{tag}-{endpoint.name}-c{concurrency}"
    result = load.run(load.conversations(endpoint, scripts, concurrency, prefix, 60.0, 300.0))
    latencies = result.latencies_ms
    return {
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "throughput": result.throughput,
        "errors": result.error_count + result.not_sent,
    }


def summarize(rounds: Dict[str, Dict[int, List[Dict[str, Any]]]]) -> Dict[str, Dict[int, Dict[str, Any]]]:
    summary: Dict[str, Dict[int, Dict[str, Any]]] = {}
    for name, phases in rounds.items():
        summary[name] = {}
        for concurrency, results in phases.items():
            figures = {key: median([r[key] for r in results if r[key] is not None]) for key in ("p50_ms", "p95_ms")}
            figures["throughput"] = median([r["throughput"] for r in results if r["throughput"] is not None])
            figures["errors"] = sum(r["errors"] for r in results)
            summary[name][concurrency] = figures
    return summary


def markdown(summary: Dict[str, Dict[int, Dict[str, Any]]], meta: Dict[str, Any]) -> str:
    def cell(value: Optional[float], unit: str) -> str:
        return "—" if value is None else f"{value:.0f} ms" if unit == "ms" else f"{value:.1f} msg/s"

    lines = [
        "| concurrent conversations | figure | single server | profile (nginx, 2 Rasa) | profile/single |",
        "|---:|---|---:|---:|---:|",
    ]
    for concurrency in CONCURRENCY:
        single, profile = summary["single"][concurrency], summary["profile"][concurrency]
        rows = (("throughput", "throughput", "msg/s"), ("p50_ms", "p50", "ms"), ("p95_ms", "p95", "ms"))
        for key, label, unit in rows:
            a, b = single[key], profile[key]
            ratio = f"{b / a:.2f}×" if a and b else "—"
            lines.append(f"| {concurrency} | {label} | {cell(a, unit)} | {cell(b, unit)} | {ratio} |")
        lines.append(f"| {concurrency} | errors | {single['errors']} | {profile['errors']} | — |")
    lines.append("")
    lines.append(
        f"{meta['rounds']} rounds of {meta['messages']} messages per conversation, medians over rounds; "
        f"{meta['cpus']} CPUs, load average {meta['load_average_before']} before; {meta['finished']}."
    )
    return "\n".join(lines) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.tools.bench.scaleout", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds, the order alternating (3)")
    parser.add_argument("--messages", type=int, default=5, help="messages per conversation per phase (5)")
    parser.add_argument("--out", type=Path, default=RESULTS / "bench", help="folder for scaleout.json/.md")
    args = parser.parse_args(argv)
    load_before = [round(value, 2) for value in os.getloadavg()]
    rounds: Dict[str, Dict[int, List[Dict[str, Any]]]] = {name: {c: [] for c in CONCURRENCY} for name in NAMES}
    with contextlib.ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="imt-scaleout-bench-")))
        ports = assistants.pick_ports(2)
        (args.out / "logs").mkdir(parents=True, exist_ok=True)
        single = stack.enter_context(assistants.ours(ports[0], ports[1], workdir, args.out / "logs")).endpoint
        profile = stack.enter_context(running_profile())
        endpoints = {"single": load.Endpoint("single", single.base_url), "profile": profile}
        for endpoint in endpoints.values():  # warm-up: loads every lazy part once
            phase(endpoint, 4, 5, "warmup")
        for number in range(args.rounds):
            order = NAMES if number % 2 == 0 else NAMES[::-1]
            for concurrency in CONCURRENCY:
                for name in order:
                    figures = phase(endpoints[name], concurrency, args.messages, f"r{number}")
                    rounds[name][concurrency].append(figures)
                    print(f"round {number} c{concurrency} {name:>7}: {figures}", file=sys.stderr)
    meta = {
        "rounds": args.rounds,
        "messages": args.messages,
        "cpus": os.cpu_count(),
        "load_average_before": load_before,
        "finished": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    summary = summarize(rounds)
    save_report({"meta": meta, "summary": summary, "rounds": rounds}, args.out / "scaleout.json")
    text = markdown(summary, meta)
    (args.out / "scaleout.md").write_text(text)
    print(text)
    errors = sum(figures["errors"] for phases in summary.values() for figures in phases.values())
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
