"""The issue's targets (ratios ours/stock in the same run), each PASS, MISS or SKIP."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional

from bot.tools.bench.figures import Figures
from bot.tools.bench.stats import ratio


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    measure: str  # what the value is, in words
    op: str  # "<=" or ">="
    limit: float
    value: Callable[[Figures], Optional[float]]

    def status(self, value: Optional[float]) -> str:
        if value is None:
            return "SKIP"
        met = value <= self.limit if self.op == "<=" else value >= self.limit
        return "PASS" if met else "MISS"


def _vs_stock(key: str) -> Callable[[Figures], Optional[float]]:
    return lambda figures: ratio(figures["ours"].get(key), figures["stock"].get(key))


def _ours(key: str) -> Callable[[Figures], Optional[float]]:
    return lambda figures: figures["ours"].get(key)


def _within_ours(later: str, earlier: str) -> Callable[[Figures], Optional[float]]:
    return lambda figures: ratio(figures["ours"].get(later), figures["ours"].get(earlier))


TARGETS = (
    Target("seq_p50", "sequential webhook p50", "ours/stock", "<=", 0.6, _vs_stock("seq_p50_ms")),
    Target("c16_p95", "16 concurrent webhook p95", "ours/stock", "<=", 0.5, _vs_stock("c16_p95_ms")),
    Target("c16_throughput", "16 concurrent throughput", "ours/stock", ">=", 2.0, _vs_stock("c16_throughput")),
    Target("c64_errors", "64 concurrent errors", "ours, count", "<=", 0, _ours("c64_errors")),
    Target(
        "long_drift",
        "last messages of a long conversation vs its first",
        "ours last/first",
        "<=",
        1.2,
        _within_ours("long_last_ms", "long_first_ms"),
    ),
    Target("start_to_ready", "start to ready", "ours/stock", "<=", 0.6, _vs_stock("start_to_ready_s")),
    Target("rss", "resident memory, all processes", "ours/stock", "<=", 0.9, _vs_stock("rss_mb")),
    Target("training", "training from clean", "ours/stock", "<=", 1.0, _vs_stock("training_s")),
)


def evaluate(figures: Figures) -> List[Dict[str, Any]]:
    results = []
    for target in TARGETS:
        value = target.value(figures)
        results.append(
            {
                "key": target.key,
                "label": target.label,
                "measure": target.measure,
                "op": target.op,
                "limit": target.limit,
                "value": value,
                "status": target.status(value),
            }
        )
    return results
