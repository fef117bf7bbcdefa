"""Training time from clean: each assistant trained into a temporary folder with an empty
Rasa training cache (RASA_CACHE_DIRECTORY), so nothing is reused from earlier runs and
models/imt.tar.gz is never touched."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import List

from bot.tools import train_if_changed
from bot.tools.bench import stock

TRAIN_TIMEOUT_S = 3600


def _timed(command: List[str], cwd: Path, workdir: Path, out: Path, log: Path) -> float:
    env = stock.quiet_env(
        RASA_CACHE_DIRECTORY=str(workdir / "cache"),
        TQDM_DISABLE="1",
        PYTHONPATH=f"{stock.ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
    )
    started = time.monotonic()
    with log.open("w") as output:
        result = subprocess.run(
            command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT, timeout=TRAIN_TIMEOUT_S
        )
    elapsed = time.monotonic() - started
    if result.returncode != 0 or not out.exists():
        raise RuntimeError(f"training failed (code {result.returncode}); see {log}")
    return elapsed


def train_ours(log: Path) -> float:
    """`rasa train` of this repository's config, domain and data, as bot.tools.train_if_changed runs it."""
    with tempfile.TemporaryDirectory(prefix="bench-train-ours-") as tmp:
        workdir = Path(tmp)
        command = train_if_changed.train_command(out=workdir / "models", name="bench")
        return _timed(command, stock.ROOT, workdir, workdir / "models" / "bench.tar.gz", log)


def train_stock(project: Path, log: Path) -> float:
    """`rasa train` in a clean copy of the stock project."""
    with tempfile.TemporaryDirectory(prefix="bench-train-stock-") as tmp:
        workdir = Path(tmp)
        copy = stock.copy_project(project, workdir / "project")
        shutil.rmtree(copy / "models", ignore_errors=True)  # from clean: not even the old model
        command = stock.train_command(workdir / "models", "bench")
        return _timed(command, copy, workdir, workdir / "models" / "bench.tar.gz", log)
