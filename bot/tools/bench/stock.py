"""The stock assistant: what `rasa init --no-prompt` makes (and trains), cached per Rasa version.

The first run builds it in var/bench-stock/rasa-<version>/ (about a minute on 2 cores);
later runs copy it to a temporary folder and serve it from there, as its users would:
`rasa run --enable-api` in the project folder, with nothing else (no action server, the
default in-memory tracker store).
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parents[3]
CACHE = ROOT / "var" / "bench-stock"
COMPLETE = ".complete"  # written last: a folder without it is a build that did not finish
INIT_TIMEOUT_S = 900


def rasa_version() -> str:
    return importlib.metadata.version("rasa")


def quiet_env(**extra: str) -> Dict[str, str]:
    """The environment for every Rasa process the benchmark starts: no telemetry (nothing
    leaves loopback), no TensorFlow chatter."""
    return {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2"),
        **extra,
    }


def _project(cache: Path) -> Path:
    return cache / f"rasa-{rasa_version()}"


def is_cached(cache: Path = CACHE) -> bool:
    return (_project(cache) / COMPLETE).exists()


def cached_project(cache: Path = CACHE, log_dir: Path = ROOT / "var") -> Path:
    """The stock project for this Rasa version, built with `rasa init --no-prompt` if missing."""
    project = _project(cache)
    if is_cached(cache):
        return project
    cache.mkdir(parents=True, exist_ok=True)
    log_dir.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix="building-", dir=cache))
    log = log_dir / "stock-init.log"
    try:
        with log.open("w") as out:
            result = subprocess.run(
                [sys.executable, "-m", "rasa", "init", "--no-prompt", "--init-dir", str(building)],
                cwd=building,
                env=quiet_env(),
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=INIT_TIMEOUT_S,
            )
        if result.returncode != 0 or not list((building / "models").glob("*.tar.gz")):
            raise RuntimeError(f"`rasa init --no-prompt` failed (code {result.returncode}); see {log}")
        shutil.rmtree(building / ".rasa", ignore_errors=True)  # the training cache: not part of the project
        (building / COMPLETE).write_text(rasa_version() + "\n")
        shutil.rmtree(project, ignore_errors=True)
        building.rename(project)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return project


def copy_project(project: Path, destination: Path) -> Path:
    """A working copy of the stock project (its trained model included)."""
    shutil.copytree(project, destination, ignore=shutil.ignore_patterns(COMPLETE, ".rasa"))
    return destination


def run_command(port: int) -> List[str]:
    """`rasa run --enable-api` as in the stock project's instructions, bound to loopback."""
    return [sys.executable, "-m", "rasa", "run", "--enable-api", "--port", str(port), "--interface", "127.0.0.1"]


def train_command(out: Path, name: str) -> List[str]:
    """`rasa train` of the stock project (run in its folder) into `out`."""
    return [sys.executable, "-m", "rasa", "train", "--out", str(out), "--fixed-model-name", name]
