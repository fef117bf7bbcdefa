"""The benchmark (`make bench`, bot/tools/bench/): its pure parts without any server, then a
smoke run end to end (both assistants started, tiny counts, no training), checking that it
works and writes every figure, never how fast anything is.

IMT_BENCH_PORTS=5200-5299 keeps the smoke run's three servers within a port range
(default: any free ports).
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import subprocess
import sys
from collections import Counter
from typing import Any, Dict

import pytest
from aiohttp import web

from bot.tools.bench import load
from bot.tools.bench.__main__ import config_from, parse_args
from bot.tools.bench.figures import ASSISTANTS, FIGURE_KEYS, FIGURES, OPTIONAL
from bot.tools.bench.memory import cpu_seconds, process_tree, rss_kb, tree_rss_mb
from bot.tools.bench.messages import KINDS, load_mix
from bot.tools.bench.report import markdown, plot
from bot.tools.bench.stats import percentile, ratio, window_median, windows
from bot.tools.bench.targets import TARGETS, evaluate
from tests.conftest import ROOT

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# --- statistics -------------------------------------------------------------------------
def test_percentiles_interpolate_between_ranks_like_numpy():
    values = [15.0, 20.0, 35.0, 40.0, 50.0]
    assert percentile(values, 50) == 35.0
    assert percentile(values, 95) == pytest.approx(48.0)  # numpy.percentile(values, 95)
    assert percentile(values, 0) == 15.0 and percentile(values, 100) == 50.0
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 50) is None
    with pytest.raises(ValueError):
        percentile(values, 101)


def test_a_ratio_needs_both_figures_and_a_stock_figure_other_than_zero():
    assert ratio(30.0, 60.0) == 0.5
    assert ratio(None, 1.0) is None and ratio(1.0, None) is None
    assert ratio(0.0, 0.0) is None, "0 errors against 0 errors has no ratio"
    assert ratio(math.inf, 1.0) is None


def test_long_conversation_windows_are_first_middle_and_last():
    assert windows(200, 10) == {"first": (1, 10), "middle": (96, 105), "last": (191, 200)}
    assert windows(15, 5) == {"first": (1, 5), "middle": (6, 10), "last": (11, 15)}
    with pytest.raises(ValueError):
        windows(5, 10)
    latencies = [10.0, None, 30.0, 40.0]
    assert window_median(latencies, (1, 3)) == 20.0, "a failed message is left out"
    assert window_median([None, None], (1, 2)) is None


# --- targets ------------------------------------------------------------------------------
def _figures(**ours: float) -> Dict[str, Dict[str, Any]]:
    stock = dict.fromkeys(FIGURE_KEYS, 100.0)
    stock.update({key: 0 for key in FIGURE_KEYS if key.endswith("errors")})
    mine = {**stock, **ours}
    return {"ours": mine, "stock": stock}


def _statuses(figures: Dict[str, Dict[str, Any]]) -> Dict[str, str]:
    return {t["key"]: t["status"] for t in evaluate(figures)}


def test_targets_pass_and_miss_on_either_side_of_their_limits():
    passing = _figures(
        seq_p50_ms=60.0,  # 0.6 exactly: the limit is inclusive
        c16_p95_ms=40.0,
        c16_throughput=250.0,
        c64_errors=0,
        long_first_ms=50.0,
        long_last_ms=59.0,
        start_to_ready_s=50.0,
        rss_mb=90.0,
        training_s=100.0,
    )
    assert set(_statuses(passing).values()) == {"PASS"}
    missing = _figures(
        seq_p50_ms=61.0,
        c16_p95_ms=51.0,
        c16_throughput=150.0,  # higher is better: below 2x misses
        c64_errors=1,
        long_first_ms=50.0,
        long_last_ms=61.0,
        start_to_ready_s=61.0,
        rss_mb=91.0,
        training_s=101.0,
    )
    assert set(_statuses(missing).values()) == {"MISS"}
    assert len(TARGETS) == 8


def test_a_target_without_its_figures_is_skipped():
    figures = _figures()
    figures["ours"]["training_s"] = figures["stock"]["training_s"] = None
    assert _statuses(figures)["training"] == "SKIP"


# --- the message mix ----------------------------------------------------------------------
def test_every_conversation_opens_with_a_first_question_and_the_mix_uses_every_kind():
    mix = load_mix()
    conversations = mix.conversations(16, 10)
    assert all(c[0].kind == "first" for c in conversations)
    assert {m.kind for c in conversations for m in c} == set(KINDS)
    assert mix.conversations(3, 5) == mix.conversations(3, 5), "deterministic"
    assert conversations[0] != conversations[1]


def test_any_ten_messages_of_the_long_conversation_hold_the_same_mix():
    mix = load_mix()
    long = mix.conversation(0, 200)
    counts = [Counter(m.kind for m in long[start : start + 10]) for start in range(0, 191)]
    assert all(c == counts[0] for c in counts)
    assert counts[0]["emergency"] == 1, "emergencies are a tenth, not the bulk"


# --- memory -------------------------------------------------------------------------------
def test_memory_of_this_process_and_a_child_it_started():
    own = rss_kb(os.getpid())
    assert own and own > 1000
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in process_tree(os.getpid())
        # The tree holds this process and the child. This process's own memory can move while it
        # is read (a busy worker frees some), so it is bounded by a reading on either side.
        child_kb = rss_kb(child.pid) or 0
        tree_kb = tree_rss_mb(os.getpid()) * 1024
        own_after = rss_kb(os.getpid()) or 0
        assert child_kb > 0 and tree_kb >= min(own, own_after) + child_kb
        assert cpu_seconds([os.getpid()]) > 0
    finally:
        child.kill()
        child.wait()
    assert rss_kb(child.pid) is None, "a process that is gone has no memory"


# --- the load clients, against a tiny local server ------------------------------------------
async def _against_fake_server(run):
    async def webhook(request):
        body = await request.json()
        if body["message"] == "boom":
            return web.Response(status=500)
        if body["message"] == "slow":
            await asyncio.sleep(2)
        return web.json_response([] if body["message"] == "quiet" else [{"text": "ok"}])

    app = web.Application()
    app.router.add_post(load.WEBHOOK_PATH, webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        return await run(load.Endpoint("fake", f"http://127.0.0.1:{port}"))
    finally:
        await runner.cleanup()


def test_the_load_counts_errors_and_timeouts_instead_of_raising():
    from bot.tools.bench.messages import Message

    script = [Message("first", text) for text in ("hello", "boom", "slow", "quiet", "hello")]

    async def run(endpoint):
        return await load.conversations(endpoint, [script, script[:1]], 2, "t", timeout_s=0.5, budget_s=30)

    result = asyncio.run(_against_fake_server(run))
    assert result.errors == Counter({"HTTP 500": 1, "timeout": 1})
    assert result.empty == 1 and result.not_sent == 0
    assert [v is None for v in result.conversations[0]] == [False, True, True, False, False]
    assert len(result.latencies_ms) == 4 and result.throughput and result.throughput > 0


def test_a_phase_stops_sending_when_its_time_is_up():
    from bot.tools.bench.messages import Message

    script = [Message("first", "slow")] * 5

    async def run(endpoint):
        return await load.conversations(endpoint, [script], 1, "t", timeout_s=5, budget_s=1)

    result = asyncio.run(_against_fake_server(run))
    assert len(result.conversations[0]) == 1 and result.not_sent == 4


# --- the report and the CLI ---------------------------------------------------------------
FIXED_RESULT: Dict[str, Any] = {
    "meta": {
        "when": "2026-01-01T00:00:00+00:00",
        "rasa": "3.6.21",
        "python": "3.10.13",
        "cpus": 2,
        "load_average_before": [0.5, 0.5, 0.5],
        "load_average_after": [1.0, 1.0, 1.0],
        "config": {"rounds": 3, "smoke": False, "long_length": 200},
        "long_windows": {"first": [1, 10], "middle": [96, 105], "last": [191, 200]},
        "definitions": {"start_to_ready": "until the webhook answers"},
    },
    "figures": _figures(seq_p50_ms=50.0, c16_throughput=210.0, rss_mb=120.0),
    "samples_ms": {
        name: {
            **{phase: [10.0 + i for i in range(20)] for phase in ("parse", "seq", "c16", "c64")},
            "long": [20.0, None, *([25.0] * 198)],
        }
        for name in ASSISTANTS
    },
}
FIXED_RESULT["ratios"] = {
    key: ratio(FIXED_RESULT["figures"]["ours"][key], FIXED_RESULT["figures"]["stock"][key]) for key in FIGURE_KEYS
}
FIXED_RESULT["targets"] = evaluate(FIXED_RESULT["figures"])


def test_the_markdown_puts_every_figure_beside_its_ratio_and_every_target_with_its_result():
    text = markdown(FIXED_RESULT)
    assert "| figure | ours | stock | ours/stock |" in text
    assert "| target | measure | value | limit | result |" in text
    for figure in FIGURES:
        assert f"| {figure.label} |" in text
    assert "| webhook sequential p50 | 50.0 ms | 100.0 ms | 0.50× |" in text
    assert "| webhook 16 concurrent throughput | 210.0 msg/s | 100.0 msg/s | 2.10× |" in text
    assert "| webhook 64 concurrent errors | 0 | 0 | — |" in text
    assert "| sequential webhook p50 | ours/stock | 0.50 | ≤ 0.6 | PASS |" in text
    assert "| resident memory, all processes | ours/stock | 1.20 | ≤ 0.9 | MISS |" in text


def test_the_plot_is_a_png(tmp_path):
    path = plot(FIXED_RESULT, tmp_path / "bench.png")
    assert path.read_bytes()[:8] == PNG_MAGIC


def test_the_cli_builds_a_smoke_run_with_overrides(tmp_path):
    config = config_from(parse_args(["--smoke", "--rounds", "2", "--out", str(tmp_path), "--ports", "5200-5299"]))
    assert config.smoke and config.skip_training and config.rounds == 2 and config.ports == (5200, 5299)
    assert config.long_window <= config.long_length
    full = config_from(parse_args(["--skip-training"]))
    assert full.skip_training and not full.smoke and full.long_length == 200 and full.rounds == 3
    with pytest.raises(SystemExit):
        parse_args(["--ports", "5200"])


# --- end to end: a smoke run against both assistants ------------------------------------------
SMOKE_TIMEOUT_S = 600  # the first run also builds the stock project (about a minute)


def test_a_smoke_run_writes_every_figure_for_both_assistants(trained_model, tmp_path):
    out = tmp_path / "bench"
    command = [sys.executable, "-m", "bot.tools.bench", "--smoke", "--no-progress", "--out", str(out)]
    if os.environ.get("IMT_BENCH_PORTS"):
        command += ["--ports", os.environ["IMT_BENCH_PORTS"]]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=SMOKE_TIMEOUT_S)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]

    result = json.loads((out / "bench.json").read_text())
    for name in ASSISTANTS:
        figures = result["figures"][name]
        assert set(figures) == set(FIGURE_KEYS)
        for key, value in figures.items():
            if key in OPTIONAL:
                assert value is None, f"{name} {key}: the smoke run skips training"
            elif key.endswith("errors"):
                assert isinstance(value, int) and value >= 0, f"{name} {key} = {value!r}"
            else:
                assert isinstance(value, (int, float)) and math.isfinite(value) and value > 0, f"{name} {key}={value!r}"
        assert result["meta"]["exited_during_run"][name] == {}, f"{name}: a server exited during the run"
    assert {t["status"] for t in result["targets"]} <= {"PASS", "MISS", "SKIP"}
    assert next(t for t in result["targets"] if t["key"] == "training")["status"] == "SKIP"

    text = (out / "bench.md").read_text()
    assert "| figure | ours | stock | ours/stock |" in text and "×" in text
    assert (out / "bench.png").read_bytes()[:8] == PNG_MAGIC
    assert "ours/stock" in run.stdout, "the figures and their ratios are printed too"
