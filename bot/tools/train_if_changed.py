"""Train the Rasa model only when its inputs changed.

`rasa train` is slow even when it decides to skip work, so the run and test commands
compare a hash of every training input with the one stored next to the model.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import List

from nlu.training_inputs import TOKENIZER_INPUTS, TRIAGE_INPUTS, digest

ROOT = Path(__file__).resolve().parents[2]
MODEL_DIR = ROOT / "models"
MODEL_NAME = "imt"
MODEL_FILE = MODEL_DIR / f"{MODEL_NAME}.tar.gz"
FINGERPRINT_FILE = MODEL_DIR / f"{MODEL_NAME}.fingerprint"
DOMAIN = ROOT / "domain.yml"
CONFIG = ROOT / "config.yml"
TRAINING_DATA = [ROOT / "nlu" / "data", ROOT / "stories"]
# Besides the data: the code and lists that shape the tokenizer's masks and the safety
# gate's second opinion (nlu/training_inputs.py), and the pinned dependencies.
CODE = [ROOT / "pyproject.toml", *TOKENIZER_INPUTS, *TRIAGE_INPUTS]


def fingerprint() -> str:
    return digest([DOMAIN, CONFIG, *TRAINING_DATA, *CODE])


def train_command(out: Path = MODEL_DIR, name: str = MODEL_NAME) -> List[str]:
    """`rasa train` of the repository's assistant into `out`/`name`.tar.gz (the benchmark
    trains into a temporary folder)."""
    return [
        sys.executable,
        "-m",
        "rasa",
        "train",
        "--domain",
        str(DOMAIN),
        "--config",
        str(CONFIG),
        "--data",
        *[str(p) for p in TRAINING_DATA],
        "--out",
        str(out),
        "--fixed-model-name",
        name,
    ]


def main() -> int:
    MODEL_DIR.mkdir(parents=True, exist_ok=True)
    # One training at a time: the end-to-end tier's workers each make sure of the model at
    # start, and the second must find the first one's model, not train over it.
    with (MODEL_DIR / ".train.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _train_if_changed()


def _train_if_changed() -> int:
    current = fingerprint()
    if MODEL_FILE.exists() and FINGERPRINT_FILE.exists() and FINGERPRINT_FILE.read_text().strip() == current:
        print(f"==> model {MODEL_FILE.relative_to(ROOT)} is up to date (training inputs unchanged)")
        return 0
    print("==> training inputs changed: training the model")
    started = time.monotonic()
    # Progress bars only help on a terminal; in CI logs they are thousands of lines.
    env = {**os.environ, "TQDM_DISABLE": os.environ.get("TQDM_DISABLE", "" if sys.stdout.isatty() else "1")}
    result = subprocess.run(train_command(), cwd=ROOT, env=env)
    if result.returncode != 0 or not MODEL_FILE.exists():
        print("ERROR: rasa train failed", file=sys.stderr)
        return result.returncode or 1
    FINGERPRINT_FILE.write_text(current + "\n")
    print(f"==> trained in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
