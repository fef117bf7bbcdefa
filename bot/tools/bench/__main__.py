"""`make bench`: python -m bot.tools.bench [--smoke] [--skip-training] [--out DIR] [counts]

Starts our assistant (as the run command does) and a stock `rasa init` assistant of the same
Rasa version, measures both the same way on loopback and writes bench.json, bench.md and
bench.png to --out (results/bench/ by default). See README, "Benchmark".
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Optional, Tuple

from bot.tools.bench.report import markdown, write_all
from bot.tools.bench.runner import BenchConfig, run_bench
from bot.tools.supervise import Stop, stop_on_signals


def port_range(text: str) -> Tuple[int, int]:
    try:
        low, high = (int(part) for part in text.split("-"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"a port range looks like 5200-5299, not {text!r}") from None
    if not 1024 <= low <= high <= 65535 or high - low < 2:
        raise argparse.ArgumentTypeError(f"{text}: need at least 3 ports within 1024-65535")
    return low, high


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


# Options that override the full run's (or --smoke's) counts: option, BenchConfig field, help.
COUNTS = (
    ("--rounds", "rounds", "interleaved rounds of each phase"),
    ("--warmup", "warmup", "warm-up messages to each assistant"),
    ("--parse-requests", "parse_requests", "/model/parse requests per round"),
    ("--seq-messages", "seq_messages", "sequential webhook messages per round"),
    ("--c16-messages", "c16_messages", "messages per conversation at 16 concurrent, per round"),
    ("--c64-messages", "c64_messages", "messages per conversation at 64 concurrent, per round"),
    ("--long-length", "long_length", "messages in the long conversation"),
)
SECONDS = (
    ("--request-timeout", "request_timeout_s", "seconds per request at most"),
    ("--phase-budget", "phase_budget_s", "seconds per phase at most"),
)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    defaults = BenchConfig()
    parser = argparse.ArgumentParser(prog="python -m bot.tools.bench", description=__doc__.split("\n\n")[1])
    parser.add_argument("--out", type=Path, default=defaults.out, help="folder for bench.json/.md/.png and logs/")
    parser.add_argument("--smoke", action="store_true", help="tiny counts, no training: checks that it works")
    parser.add_argument("--skip-training", action="store_true", help="skip the training-from-clean timings")
    for option, key, what in COUNTS:
        parser.add_argument(option, type=positive, dest=key, help=f"{what} ({getattr(defaults, key)})")
    for option, key, what in SECONDS:
        parser.add_argument(option, type=float, dest=key, help=f"{what} ({getattr(defaults, key):.0f})")
    parser.add_argument("--ports", type=port_range, help="a port range to take the 3 ports from, e.g. 5200-5299")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser.parse_args(argv)


def config_from(args: argparse.Namespace) -> BenchConfig:
    given = {key: getattr(args, key) for _, key, _ in COUNTS + SECONDS}
    given.update(out=args.out, ports=args.ports, progress=not args.no_progress)
    overrides = {key: value for key, value in given.items() if value is not None}
    if args.skip_training:
        overrides["skip_training"] = True
    config = BenchConfig.smoke_run(**overrides) if args.smoke else BenchConfig(**overrides)
    config.long_window = min(config.long_window, config.long_length)
    return config


def main(argv: Optional[List[str]] = None) -> int:
    config = config_from(parse_args(argv))
    # SIGTERM and SIGINT unwind the run, so both assistants' process groups are stopped.
    with stop_on_signals():
        try:
            result = run_bench(config)
        except Stop as stop:
            print(f"==> {stop}: the benchmark was stopped, both assistants with it", file=sys.stderr)
            return 1
    paths = write_all(result, config.out)
    print(markdown(result))
    print(f"wrote {paths['json']}, {paths['markdown']} and {paths['png']} (logs in {config.out / 'logs'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
