"""Load and validate the knowledge base once per process.

Actions call `get_knowledge_base()`; the YAML is parsed and validated on the first
call only, so requests never touch the disk.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import List, Optional

import yaml

from knowledge.schema import Entry, KnowledgeBase, Reference, ReviewStatus

DATA_DIR = Path(__file__).resolve().parent / "data"
REFERENCES_FILE = "references.yml"


def _read_yaml(path: Path):
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def load_knowledge_base(data_dir: Path = DATA_DIR, approved_only: bool = False) -> KnowledgeBase:
    """Parse every YAML file in `data_dir` into one validated KnowledgeBase.

    references.yml holds a list of references; every other *.yml file holds a list
    of entries. Validation errors name the file so curators can find them.
    """
    references = [Reference(**raw) for raw in _read_yaml(data_dir / REFERENCES_FILE)]
    entries: List[Entry] = []
    for path in sorted(data_dir.glob("*.yml")):
        if path.name == REFERENCES_FILE:
            continue
        raw_entries = _read_yaml(path) or []
        for raw in raw_entries:
            try:
                entries.append(Entry(**raw))
            except Exception as error:  # re-raise with the file and entry id for curators
                raise ValueError(f"{path.name}: entry {raw.get('id')!r}: {error}") from error
    if approved_only:
        entries = [e for e in entries if e.review.status == ReviewStatus.approved]
    return KnowledgeBase(references={r.id: r for r in references}, entries=entries)


def approved_only_from_env() -> bool:
    """IMT_APPROVED_ONLY=1 makes the server answer from approved entries only."""
    return os.environ.get("IMT_APPROVED_ONLY", "").strip().lower() in {"1", "true", "yes"}


@functools.lru_cache(maxsize=1)
def get_knowledge_base(approved_only: Optional[bool] = None) -> KnowledgeBase:
    if approved_only is None:
        approved_only = approved_only_from_env()
    return load_knowledge_base(approved_only=approved_only)
