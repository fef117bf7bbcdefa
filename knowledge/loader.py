"""Loads the knowledge YAML: entries, references, answer suggestions, and the domain's
fixed replies that channels send without Rasa. The vocabulary and the triage taxonomy are
loaded beside their schemas (knowledge/vocabulary.py, knowledge/safety.py), because the
entry schema itself validates facets against the vocabulary.

Everything is parsed and validated on first use, once per process, so requests never
touch the disk.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

from knowledge.approvals import apply_log, check_curated_review, read_log
from knowledge.schema import Entry, KnowledgeBase, Reference, ReviewStatus
from knowledge.settings import get_settings

KNOWLEDGE_DIR = Path(__file__).resolve().parent
DATA_DIR = KNOWLEDGE_DIR / "data"
REFERENCES_FILE = "references.yml"
DOMAIN_FILE = KNOWLEDGE_DIR.parent / "domain.yml"


def _read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def load_knowledge_base(
    data_dir: Path = DATA_DIR, approved_only: bool = False, approvals_file: Optional[Path] = None
) -> KnowledgeBase:
    """Parse every YAML file in `data_dir` into one validated KnowledgeBase.

    references.yml holds a list of references; every other *.yml file holds a list
    of entries. Validation errors name the file so curators can find them. Each entry's
    review state comes from the sign-off log (`approvals_file`, by default the setting
    IMT_APPROVALS_FILE): an approval whose content has changed since is under review again.
    """
    references = [Reference(**raw) for raw in _read_yaml(data_dir / REFERENCES_FILE)]
    entries: List[Entry] = []
    for path in sorted(data_dir.glob("*.yml")):
        if path.name == REFERENCES_FILE:
            continue
        raw_entries = _read_yaml(path) or []
        for raw in raw_entries:
            try:
                check_curated_review(raw)
                entries.append(Entry(**raw))
            except Exception as error:  # re-raise with the file and entry id for curators
                raise ValueError(f"{path.name}: entry {raw.get('id')!r}: {error}") from error
    by_id = {r.id: r for r in references}
    entries = apply_log(entries, by_id, read_log(approvals_file or get_settings().approvals_file))
    if approved_only:
        entries = [e for e in entries if e.review.status == ReviewStatus.approved]
    return KnowledgeBase(references=by_id, entries=entries)


@functools.lru_cache(maxsize=2)
def get_knowledge_base(approved_only: bool = False) -> KnowledgeBase:
    """The served knowledge base, every entry with its review state. IMT_APPROVED_ONLY=1 is
    applied when answering (knowledge/composer.py), not here: the unreviewed entries still
    tell the composer what a question is about, so it can say that nothing reviewed covers it."""
    return load_knowledge_base(approved_only=approved_only)


# Replies a channel sends on its own when Rasa failed or cannot be reached; their wording
# lives with every other fixed reply, in the domain.
CHANNEL_RESPONSES = ("utter_server_trouble", "utter_assistant_unreachable", "utter_feedback_thanks")


@functools.lru_cache(maxsize=1)
def _domain_responses() -> Dict[str, Any]:
    responses: Dict[str, Any] = _read_yaml(DOMAIN_FILE)["responses"]
    return responses


def fixed_reply(name: str) -> str:
    """The text of a domain response, for a channel that must answer without Rasa."""
    return str(_domain_responses()[name][0]["text"])
