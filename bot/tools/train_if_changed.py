"""Train the Rasa model only when its inputs changed.

`rasa train` is slow even when it decides to skip work, so the run and test commands
compare a hash of every training input with the one stored next to the model.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterable, List

ROOT = Path(__file__).resolve().parents[2]
MODEL_DIR = ROOT / "models"
MODEL_NAME = "imt"
MODEL_FILE = MODEL_DIR / f"{MODEL_NAME}.tar.gz"
FINGERPRINT_FILE = MODEL_DIR / f"{MODEL_NAME}.fingerprint"
DOMAIN = ROOT / "domain.yml"
CONFIG = ROOT / "config.yml"
TRAINING_DATA = [ROOT / "nlu" / "data", ROOT / "stories"]
# The tokenizer shapes the trained features (it masks entity mentions found by the entity
# rules), so its code and the vocabulary count as training inputs, and so do the safety
# examples the gate's second-opinion classifier learns from. The triage rules themselves
# are read at start-up and need no retraining, but they share files with the classifier.
CODE = [
    ROOT / "nlu" / "spacy_pipeline.py",
    ROOT / "nlu" / "components" / "spacy_tokenizer.py",
    ROOT / "nlu" / "components" / "imt_entities.py",
    ROOT / "knowledge" / "vocabulary.yml",
    ROOT / "knowledge" / "vocabulary.py",
    ROOT / "pyproject.toml",
    # The safety gate's trained second opinion learns from these (InputGuard.train).
    ROOT / "knowledge" / "safety.yml",
    ROOT / "knowledge" / "safety.py",
    ROOT / "knowledge" / "safety_examples",
    ROOT / "nlu" / "triage.py",
    ROOT / "nlu" / "triage_model.py",
    ROOT / "nlu" / "components" / "safety_gate.py",
]


def _files(paths: Iterable[Path]) -> List[Path]:
    found: List[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix in {".yml", ".yaml", ".py"} and "__pycache__" not in p.parts
            )
        elif path.exists():
            found.append(path)
    return found


def fingerprint() -> str:
    digest = hashlib.sha256()
    for path in _files([DOMAIN, CONFIG, *TRAINING_DATA, *CODE]):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


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
