"""The benchmark's outputs: JSON (everything), a Markdown table for the README (every figure
beside its ratio to stock, then the targets with PASS/MISS) and a PNG of the latency
distributions."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Dict, List, Optional

from bot.tools.bench.figures import FIGURES, Figure
from bot.tools.bench.stats import median

PHASE_TITLES = {
    "parse": "/model/parse, sequential",
    "seq": "webhook, sequential",
    "c16": "webhook, 16 concurrent conversations",
    "c64": "webhook, 64 concurrent conversations",
}
COLOURS = {"ours": "#1f77b4", "stock": "#ff7f0e"}


def format_value(figure: Figure, value: Optional[float]) -> str:
    if value is None:
        return "—"
    if figure.is_count:
        return str(int(value))
    digits = {"s": 1, "ms": 1, "MB": 0, "msg/s": 1}[figure.unit]
    return f"{value:.{digits}f} {figure.unit}"


def format_ratio(value: Optional[float]) -> str:
    return "—" if value is None else f"{value:.2f}×"


def _limit(target: Dict[str, Any]) -> str:
    sign = "≤" if target["op"] == "<=" else "≥"
    limit = target["limit"]
    return f"{sign} {int(limit) if float(limit).is_integer() else limit}"


def _target_value(target: Dict[str, Any]) -> str:
    value = target["value"]
    if value is None:
        return "not measured"
    return str(int(value)) if target["measure"].endswith("count") else f"{value:.2f}"


def markdown(result: Dict[str, Any]) -> str:
    meta, figures, ratios = result["meta"], result["figures"], result["ratios"]
    config = meta["config"]
    lines = [
        f"Rasa {meta['rasa']}, Python {meta['python']}, {meta['cpus']} CPUs, {meta['when']}; "
        f"{config['rounds']} round(s){' (smoke run: counts too small to mean anything)' if config['smoke'] else ''}; "
        f"load average {meta['load_average_before'][0]:.2f} before, {meta['load_average_after'][0]:.2f} after.",
        "",
        "| figure | ours | stock | ours/stock |",
        "|---|---:|---:|---:|",
    ]
    for figure in FIGURES:
        ours, stock = figures["ours"].get(figure.key), figures["stock"].get(figure.key)
        lines.append(
            f"| {figure.label} | {format_value(figure, ours)} | {format_value(figure, stock)} "
            f"| {format_ratio(ratios.get(figure.key))} |"
        )
    lines += ["", "| target | measure | value | limit | result |", "|---|---|---:|---:|---|"]
    for target in result["targets"]:
        lines.append(
            f"| {target['label']} | {target['measure']} | {_target_value(target)} | {_limit(target)} "
            f"| {target['status']} |"
        )
    windows = meta["long_windows"]
    lines += [
        "",
        "Start to ready: "
        + meta["definitions"]["start_to_ready"]
        + ". Long conversation: medians of messages "
        + ", ".join(f"{a}–{b}" for a, b in windows.values())
        + f" of {config['long_length']}. Figures are medians over rounds; errors are summed.",
    ]
    return "\n".join(lines) + "\n"


def _ecdf(axis: Any, samples: List[float], label: str, colour: str) -> None:
    ordered = sorted(samples)
    fractions = [i / len(ordered) for i in range(len(ordered) + 1)]
    axis.step([ordered[0], *ordered], fractions, where="post", label=f"{label} (n={len(ordered)})", color=colour)


def _rolling_median(values: List[Optional[float]], width: int) -> List[Optional[float]]:
    """Median of each position's `width` latest answered messages (None before any)."""
    out: List[Optional[float]] = []
    for i in range(len(values)):
        recent = [v for v in values[max(0, i - width + 1) : i + 1] if v is not None]
        out.append(median(recent))
    return out


def _readable_log_ticks(axis: Any) -> None:
    """Plain numbers on a log axis: every decade, and 2 and 5 between them."""
    from matplotlib.ticker import FuncFormatter

    def label(value: float, _: Any) -> str:
        return f"{value:g}" if f"{value:g}"[0] in "125" else ""

    axis.set_major_formatter(FuncFormatter(label))
    axis.set_minor_formatter(FuncFormatter(label))


def plot(result: Dict[str, Any], path: Path) -> Path:
    """ECDFs of every phase's latencies for both assistants, latency along the long
    conversation, and a box plot of all phases side by side."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    samples, meta = result["samples_ms"], result["meta"]
    fig, axes = plt.subplots(2, 3, figsize=(16, 9))
    panels = list(axes.flat)
    for axis, (phase, title) in zip(panels, PHASE_TITLES.items()):
        for name, colour in COLOURS.items():
            if samples[name][phase]:
                _ecdf(axis, samples[name][phase], name, colour)
        axis.set_xscale("log")
        _readable_log_ticks(axis.xaxis)
        axis.set_title(title)
        axis.set_xlabel("latency (ms, log scale)")
        axis.set_ylabel("share of requests")
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(loc="lower right")
    long_axis = panels[4]
    window = int(meta["long_windows"]["first"][1])
    for name, colour in COLOURS.items():
        latencies = samples[name]["long"]
        points = [(i + 1, v) for i, v in enumerate(latencies) if v is not None]
        trend = [(i + 1, v) for i, v in enumerate(_rolling_median(latencies, window)) if v is not None]
        if points:
            long_axis.plot(*zip(*points), ".", markersize=3, alpha=0.4, color=colour)
            long_axis.plot(*zip(*trend), "-", linewidth=1.5, label=f"{name}, median of {window}", color=colour)
    long_axis.set_yscale("log")
    _readable_log_ticks(long_axis.yaxis)
    long_axis.set_title(f"one conversation of {len(samples['ours']['long'])} messages")
    long_axis.set_xlabel("message number")
    long_axis.set_ylabel("latency (ms, log scale)")
    long_axis.grid(True, which="both", alpha=0.3)
    long_axis.legend()
    box_axis = panels[5]
    data, labels, colours = [], [], []
    for phase in PHASE_TITLES:
        for name, colour in COLOURS.items():
            data.append(samples[name][phase] or [math.nan])
            labels.append(f"{phase}\n{name}")
            colours.append(colour)
    boxes = box_axis.boxplot(data, labels=labels, whis=(5, 95), showfliers=False, patch_artist=True)
    for patch, colour in zip(boxes["boxes"], colours):
        patch.set_facecolor(colour)
        patch.set_alpha(0.5)
    box_axis.set_yscale("log")
    _readable_log_ticks(box_axis.yaxis)
    box_axis.set_title("all phases (box: p25–p75, whiskers: p5–p95)")
    box_axis.set_ylabel("latency (ms, log scale)")
    box_axis.tick_params(axis="x", labelsize=8)
    fig.suptitle(f"IMT assistant (ours) vs stock rasa init, Rasa {meta['rasa']}, {meta['when']}")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def write_all(result: Dict[str, Any], out: Path) -> Dict[str, Path]:
    """bench.json, bench.md and bench.png in `out`."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "bench.json", "markdown": out / "bench.md", "png": out / "bench.png"}
    paths["json"].write_text(json.dumps(result, indent=2, allow_nan=False) + "\n")
    paths["markdown"].write_text(markdown(result))
    plot(result, paths["png"])
    return paths
