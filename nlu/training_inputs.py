"""The files, besides the training data and config.yml, that shape what `rasa train` learns.

Rasa caches each trained node under a key made of the component's own class source, its
config and its inputs; the rules and vocabularies a component reads from other files are not
in that key. Without them a local retraining restored a tokenizer output masked with an
older vocabulary, and its classifier differed from the one a fresh clone trains. The
components add these digests to their keys (`fingerprint_addon`), and the run and test
commands retrain when any of these files change (bot/tools/train_if_changed.py).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable, List

ROOT = Path(__file__).resolve().parents[1]
_KNOWLEDGE = ROOT / "knowledge"
_NLU = ROOT / "nlu"

# The tokenizer masks entity mentions (a drug, an age, another condition) before the
# classifier sees them: what it masks follows the entity rules and every list they read.
TOKENIZER_INPUTS = [
    _NLU / "spacy_pipeline.py",
    _NLU / "condition_matcher.py",
    _NLU / "components" / "spacy_tokenizer.py",
    _NLU / "components" / "imt_entities.py",
    _KNOWLEDGE / "vocabulary.yml",
    _KNOWLEDGE / "vocabulary.py",
    _KNOWLEDGE / "context.py",
    _KNOWLEDGE / "scope.py",
    _KNOWLEDGE / "scope_cues.yml",
    _KNOWLEDGE / "other_conditions.yml",
    # The entity rules read the exclusion cues ("besides ALK") from here. Not the ranker's
    # code, which only compiles them: tuning the ranking must not cost a retraining.
    _KNOWLEDGE / "retrieval.yml",
]

# The safety gate's second-opinion classifier learns from the triage rules' taxonomy and
# the safety examples (InputGuard.train).
TRIAGE_INPUTS = [
    _KNOWLEDGE / "safety.yml",
    _KNOWLEDGE / "safety.py",
    _KNOWLEDGE / "safety_examples",
    _NLU / "triage.py",
    _NLU / "triage_model.py",
    _NLU / "gate_rules.py",
    _NLU / "components" / "safety_gate.py",
]


def files(paths: Iterable[Path]) -> List[Path]:
    """The paths, with each folder replaced by its YAML and Python files, in a stable order."""
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


def digest(paths: Iterable[Path], root: Path = ROOT) -> str:
    """A hash of the files' names (relative to `root`) and contents."""
    hashed = hashlib.sha256()
    for path in files(paths):
        hashed.update(str(path.relative_to(root)).encode())
        hashed.update(path.read_bytes())
    return hashed.hexdigest()
