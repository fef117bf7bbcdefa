"""The figures the benchmark reports for each assistant, in the order it prints them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Tuple

ASSISTANTS = ("ours", "stock")
# Per assistant, figure key -> value (None: not measured, e.g. training with --skip-training).
Figures = Dict[str, Dict[str, Optional[float]]]


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str  # "s", "ms", "MB", "msg/s" or "count"
    better: str = "lower"  # which way is better: "lower" or "higher"

    @property
    def is_count(self) -> bool:
        return self.unit == "count"


FIGURES: Tuple[Figure, ...] = (
    Figure("training_s", "training from clean", "s"),
    Figure("start_to_ready_s", "start to ready (webhook answers)", "s"),
    Figure("rss_mb", "resident memory after warm-up, all processes", "MB"),
    Figure("rss_end_mb", "resident memory at the end, all processes", "MB"),
    Figure("parse_p50_ms", "/model/parse p50", "ms"),
    Figure("parse_p95_ms", "/model/parse p95", "ms"),
    Figure("parse_errors", "/model/parse errors", "count"),
    Figure("seq_p50_ms", "webhook sequential p50", "ms"),
    Figure("seq_p95_ms", "webhook sequential p95", "ms"),
    Figure("seq_errors", "webhook sequential errors", "count"),
    Figure("c16_p50_ms", "webhook 16 concurrent p50", "ms"),
    Figure("c16_p95_ms", "webhook 16 concurrent p95", "ms"),
    Figure("c16_throughput", "webhook 16 concurrent throughput", "msg/s", better="higher"),
    Figure("c16_errors", "webhook 16 concurrent errors", "count"),
    Figure("c64_p50_ms", "webhook 64 concurrent p50", "ms"),
    Figure("c64_p95_ms", "webhook 64 concurrent p95", "ms"),
    Figure("c64_throughput", "webhook 64 concurrent throughput", "msg/s", better="higher"),
    Figure("c64_errors", "webhook 64 concurrent errors", "count"),
    Figure("long_first_ms", "long conversation, first messages (median)", "ms"),
    Figure("long_middle_ms", "long conversation, middle messages (median)", "ms"),
    Figure("long_last_ms", "long conversation, last messages (median)", "ms"),
    Figure("long_errors", "long conversation errors", "count"),
)
FIGURE_KEYS = tuple(f.key for f in FIGURES)
# Figures a run may leave unmeasured on purpose (--skip-training).
OPTIONAL = frozenset({"training_s"})
