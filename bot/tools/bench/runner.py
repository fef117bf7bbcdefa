"""The benchmark run: both assistants up side by side, the same load on each in turn.

Order: the stock project (cached), ours started and left to settle, then stock; a warm-up
of each and their resident memory; then `rounds` rounds of the four load phases (parse,
sequential, 16 and 64 concurrent conversations), each phase run on one assistant and then
the other (the order alternating by round, so drift on a shared machine falls on both);
the long conversation on each; memory again; both stopped; then training from clean (the
costly part, skipped with --skip-training). Figures are the median over rounds; error
counts the sum.
"""

from __future__ import annotations

import contextlib
import datetime
import math
import os
import platform
import secrets
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from tqdm import tqdm

from bot.tools.bench import assistants, load, stock, training
from bot.tools.bench.figures import ASSISTANTS, FIGURE_KEYS, Figures
from bot.tools.bench.memory import wait_until_idle
from bot.tools.bench.messages import load_mix
from bot.tools.bench.stats import median, percentile, ratio, window_median, windows
from bot.tools.bench.targets import evaluate
from bot.tools.reports import RESULTS

CONCURRENCY = {"c16": 16, "c64": 64}
PHASES = ("parse", "seq", *CONCURRENCY)
WARMUP_PARSES = 5
START_TO_READY = (
    "from launching the assistant's processes until its REST webhook answers a first message ('hello') "
    "with a reply, polled every 0.5 s"
)


@dataclass
class BenchConfig:
    out: Path = RESULTS / "bench"
    rounds: int = 3
    warmup: int = 20  # webhook messages to each assistant before anything is measured
    parse_requests: int = 200  # per round
    seq_messages: int = 150  # per round, in conversations of seq_length
    seq_length: int = 10
    c16_messages: int = 10  # per conversation, per round
    c64_messages: int = 5  # per conversation, per round
    long_length: int = 200
    long_window: int = 10
    request_timeout_s: float = 60.0
    phase_budget_s: float = 300.0  # a phase stops sending after this long
    settle_s: float = 30.0  # at most this long for a started assistant to go idle
    skip_training: bool = False
    smoke: bool = False
    ports: Optional[Tuple[int, int]] = None  # a port range to use (default: any free ports)
    progress: bool = True
    stock_cache: Path = stock.CACHE

    @classmethod
    def smoke_run(cls, **overrides: Any) -> BenchConfig:
        """Tiny counts and no training: checks that everything works, times nothing useful."""
        tiny: Dict[str, Any] = {
            "rounds": 1,
            "warmup": 2,
            "parse_requests": 5,
            "seq_messages": 5,
            "seq_length": 5,
            "c16_messages": 1,
            "c64_messages": 1,
            "long_length": 15,
            "long_window": 5,
            "phase_budget_s": 60.0,
            "settle_s": 5.0,
            "skip_training": True,
            "smoke": True,
        }
        return cls(**{**tiny, **overrides})

    def planned_requests(self) -> int:
        per_round = self.parse_requests + self.seq_messages + sum(n * self.messages(p) for p, n in CONCURRENCY.items())
        return 2 * (self.warmup + WARMUP_PARSES + self.rounds * per_round + self.long_length)

    def messages(self, phase: str) -> int:
        return {"c16": self.c16_messages, "c64": self.c64_messages}[phase]


@dataclass
class Measurements:
    """Everything measured, per assistant."""

    start_to_ready_s: Dict[str, float] = field(default_factory=dict)
    rss_mb: Dict[str, Dict[str, float]] = field(default_factory=dict)
    rss_end_mb: Dict[str, Dict[str, float]] = field(default_factory=dict)
    rounds: Dict[str, Dict[str, List[Dict[str, Any]]]] = field(
        default_factory=lambda: {a: {p: [] for p in PHASES} for a in ASSISTANTS}
    )
    samples_ms: Dict[str, Dict[str, List[float]]] = field(
        default_factory=lambda: {a: {p: [] for p in PHASES} for a in ASSISTANTS}
    )
    long_ms: Dict[str, List[Optional[float]]] = field(default_factory=dict)
    long_errors: Dict[str, int] = field(default_factory=dict)
    training_s: Dict[str, Optional[float]] = field(default_factory=lambda: dict.fromkeys(ASSISTANTS))
    exited: Dict[str, Dict[str, int]] = field(default_factory=dict)


def _round_figures(result: load.PhaseResult) -> Dict[str, Any]:
    latencies = result.latencies_ms
    return {
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "throughput": result.throughput,
        "answered": len(latencies),
        "errors": result.error_count,
        "error_kinds": dict(result.errors),
        "empty": result.empty,
        "not_sent": result.not_sent,
        "wall_s": result.wall_s,
    }


class Bench:
    def __init__(self, config: BenchConfig) -> None:
        self.config = config
        self.mix = load_mix()
        self.run_id = secrets.token_hex(3)
        self.data = Measurements()
        self.bar = tqdm(
            total=config.planned_requests() + 3 + (0 if config.skip_training else 2),
            disable=None if config.progress else True,  # None: a bar on a terminal only
            unit="step",
            dynamic_ncols=True,
            file=sys.stderr,
            mininterval=0.5,
        )
        self.log_dir = config.out / "logs"

    # --- phases ---------------------------------------------------------------------------
    def _step(self) -> None:
        self.bar.update(1)

    def _phase(self, phase: str, endpoint: load.Endpoint, round_no: int) -> load.PhaseResult:
        c = self.config
        prefix = f"bench-{self.run_id}-{endpoint.name}-{phase}-r{round_no}"
        budget, timeout = c.phase_budget_s, c.request_timeout_s
        if phase == "parse":
            texts = self.mix.questions(c.parse_requests)
            return load.run(load.parses(endpoint, texts, timeout, budget, self._step))
        if phase == "seq":
            count = math.ceil(c.seq_messages / c.seq_length)
            scripts = self.mix.conversations(count, c.seq_length)
            scripts[-1] = scripts[-1][: c.seq_messages - (count - 1) * c.seq_length]
            return load.run(load.conversations(endpoint, scripts, 1, prefix, timeout, budget, self._step))
        scripts = self.mix.conversations(CONCURRENCY[phase], c.messages(phase))
        return load.run(load.conversations(endpoint, scripts, CONCURRENCY[phase], prefix, timeout, budget, self._step))

    def _record(self, phase: str, name: str, round_no: int, result: load.PhaseResult) -> None:
        figures = {"round": round_no, **_round_figures(result)}
        self.data.rounds[name][phase].append(figures)
        self.data.samples_ms[name][phase].extend(result.latencies_ms)
        self.bar.write(
            f"  {phase:>5} round {round_no} {name:>5}: p50 {_ms(figures['p50_ms'])}, p95 {_ms(figures['p95_ms'])}, "
            f"{_num(figures['throughput'])} msg/s, {figures['errors']} errors"
            + (f", {figures['not_sent']} not sent (out of time)" if figures["not_sent"] else "")
        )

    def _warm_up(self, running: assistants.Running) -> None:
        c = self.config
        self.bar.set_description(f"warm-up {running.endpoint.name}")
        scripts = self.mix.conversations(math.ceil(c.warmup / 5), 5, first_index=100)
        scripts[-1] = scripts[-1][: c.warmup - 5 * (len(scripts) - 1)]
        prefix = f"bench-{self.run_id}-{running.endpoint.name}-warmup"
        budget, timeout = c.phase_budget_s, c.request_timeout_s
        load.run(load.conversations(running.endpoint, scripts, 1, prefix, timeout, budget, self._step))
        load.run(load.parses(running.endpoint, self.mix.questions(WARMUP_PARSES), timeout, budget, self._step))

    def _long(self, running: assistants.Running) -> None:
        c = self.config
        name = running.endpoint.name
        self.bar.set_description(f"long conversation {name}")
        script = [self.mix.conversation(0, c.long_length)]
        prefix = f"bench-{self.run_id}-{name}-long"
        result = load.run(
            load.conversations(running.endpoint, script, 1, prefix, c.request_timeout_s, c.phase_budget_s, self._step)
        )
        positions = result.conversations[0] + [None] * (c.long_length - len(result.conversations[0]))
        self.data.long_ms[name] = positions
        self.data.long_errors[name] = result.error_count
        spans = windows(c.long_length, c.long_window)
        medians = ", ".join(f"{k} {_ms(window_median(positions, s))}" for k, s in spans.items())
        self.bar.write(f"   long {name:>5}: median of {c.long_window} messages: {medians}, {result.error_count} errors")

    def _start(self, name: str, starter: Any, stack: contextlib.ExitStack) -> assistants.Running:
        self.bar.set_description(f"starting {name}")
        running: assistants.Running = stack.enter_context(starter)
        self.data.start_to_ready_s[name] = running.start_to_ready_s
        settled = wait_until_idle(running.pids, self.config.settle_s)
        self.bar.write(f"  {name} ready in {running.start_to_ready_s:.1f} s (then idle after {settled:.1f} s more)")
        self._step()
        return running

    def serve_and_load(self, project: Path) -> None:
        c = self.config
        with tempfile.TemporaryDirectory(prefix="bench-") as tmp, contextlib.ExitStack() as stack:
            workdir = Path(tmp)
            rasa_port, actions_port, stock_port = assistants.pick_ports(3, c.ports)
            copy = stock.copy_project(project, workdir / "stock")
            (workdir / "ours").mkdir()
            started = {
                "ours": self._start(
                    "ours", assistants.ours(rasa_port, actions_port, workdir / "ours", self.log_dir / "ours"), stack
                ),
                "stock": self._start("stock", assistants.stock_assistant(copy, stock_port, self.log_dir), stack),
            }
            for running in started.values():
                self._warm_up(running)
            self.data.rss_mb = {name: running.rss_mb() for name, running in started.items()}
            for round_no in range(1, c.rounds + 1):
                order = list(ASSISTANTS) if round_no % 2 else list(reversed(ASSISTANTS))
                for phase in PHASES:
                    for name in order:
                        self.bar.set_description(f"round {round_no}/{c.rounds} {phase} {name}")
                        self._record(phase, name, round_no, self._phase(phase, started[name].endpoint, round_no))
            for running in started.values():
                self._long(running)
            self.data.rss_end_mb = {name: running.rss_mb() for name, running in started.items()}
            self.data.exited = {name: running.exited() for name, running in started.items()}
            self.bar.set_description("stopping both")

    def train(self, project: Path) -> None:
        for name in ("stock", "ours"):
            self.bar.set_description(f"training {name} from clean")
            log = self.log_dir / f"train-{name}.log"
            seconds = training.train_stock(project, log) if name == "stock" else training.train_ours(log)
            self.data.training_s[name] = seconds
            self.bar.write(f"  {name} trained from clean in {seconds:.0f} s")
            self._step()

    def run(self) -> Dict[str, Any]:
        c = self.config
        (self.log_dir / "ours").mkdir(parents=True, exist_ok=True)
        began, load_before = time.monotonic(), os.getloadavg()
        try:
            self.bar.set_description("stock project")
            if not stock.is_cached(c.stock_cache):
                self.bar.write(f"building the stock project with rasa init in {c.stock_cache} (once per Rasa version)")
            project = stock.cached_project(c.stock_cache, self.log_dir)
            self._step()
            self.serve_and_load(project)
            if not c.skip_training:
                self.train(project)
        finally:
            self.bar.close()
        return self.result(time.monotonic() - began, load_before)

    # --- the result -----------------------------------------------------------------------
    def figures(self) -> Figures:
        d, c = self.data, self.config
        spans = windows(c.long_length, c.long_window)
        figures: Figures = {}
        for name in ASSISTANTS:
            values: Dict[str, Optional[float]] = {
                "training_s": d.training_s[name],
                "start_to_ready_s": d.start_to_ready_s[name],
                "rss_mb": sum(d.rss_mb[name].values()),
                "rss_end_mb": sum(d.rss_end_mb[name].values()),
            }
            for phase in PHASES:
                rounds = d.rounds[name][phase]
                values[f"{phase}_p50_ms"] = _median_of(rounds, "p50_ms")
                values[f"{phase}_p95_ms"] = _median_of(rounds, "p95_ms")
                values[f"{phase}_errors"] = sum(r["errors"] for r in rounds)
                if phase in CONCURRENCY:
                    values[f"{phase}_throughput"] = _median_of(rounds, "throughput")
            for key, span in spans.items():
                values[f"long_{key}_ms"] = window_median(d.long_ms[name], span)
            values["long_errors"] = d.long_errors[name]
            figures[name] = {key: values.get(key) for key in FIGURE_KEYS}
        return figures

    def samples(self, name: str) -> Dict[str, List[Optional[float]]]:
        """Every latency in ms, per phase; the long conversation's by position (null: failed)."""
        samples = {phase: [_round(v) for v in self.data.samples_ms[name][phase]] for phase in PHASES}
        return {**samples, "long": [_round(v) for v in self.data.long_ms[name]]}

    def result(self, duration_s: float, load_before: Tuple[float, float, float]) -> Dict[str, Any]:
        c, d = self.config, self.data
        figures = self.figures()
        config = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(c).items()}
        return {
            "meta": {
                "when": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                "duration_s": duration_s,
                "rasa": stock.rasa_version(),
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "load_average_before": list(load_before),
                "load_average_after": list(os.getloadavg()),
                "config": config,
                "concurrency": CONCURRENCY,
                "long_windows": windows(c.long_length, c.long_window),
                "definitions": {
                    "start_to_ready": START_TO_READY,
                    "rss": "VmRSS summed over each server process and its descendants, after the warm-up",
                    "training": "rasa train into a temporary folder with an empty training cache",
                    "figures": "median over rounds of each round's figure; errors summed over rounds",
                    "throughput": "answered messages a second over the phase's wall time",
                    "stock": "rasa init --no-prompt, served by rasa run --enable-api (no action server, "
                    "in-memory tracker store)",
                    "ours": "bot.tools.serve.running_stack (action server + Rasa server, SQLite tracker store)",
                },
                "exited_during_run": d.exited,
            },
            "figures": figures,
            "ratios": {key: ratio(figures["ours"][key], figures["stock"][key]) for key in FIGURE_KEYS},
            "targets": evaluate(figures),
            "processes_rss_mb": {"after_warmup": d.rss_mb, "end": d.rss_end_mb},
            "rounds": d.rounds,
            "samples_ms": {name: self.samples(name) for name in ASSISTANTS},
        }


def _median_of(rounds: List[Dict[str, Any]], key: str) -> Optional[float]:
    return median([r[key] for r in rounds if r[key] is not None])


def _round(value: Optional[float]) -> Optional[float]:
    return None if value is None else round(value, 3)


def _ms(value: Optional[float]) -> str:
    return "—" if value is None else f"{value:.0f} ms"


def _num(value: Optional[float]) -> str:
    return "—" if value is None else f"{value:.1f}"


def run_bench(config: BenchConfig) -> Dict[str, Any]:
    return Bench(config).run()
