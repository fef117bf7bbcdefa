"""Whether a message is about IMT: the scope decision, shared by the NLU and the actions.

A message that names another condition, cancer or non-IMT drug (the entity
`other_condition`, found over knowledge/other_conditions.yml) is out of scope unless it
also names IMT itself, or compares the user's own tumour ("it", "this") with that
condition ("could it be a lymphoma instead?"). Plain YAML and regular expressions: the
action server uses this without spaCy.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, Dict, Iterable, List

import yaml
from pydantic import BaseModel

OTHER_CONDITIONS_FILE = Path(__file__).resolve().parent / "other_conditions.yml"
OTHER_CONDITION = "other_condition"  # the entity type
OUT_OF_SCOPE_INTENT = "out_of_scope"

# IMT's own names. "The tumour", "his tumour" are not: they would keep every
# "my son's tumour is a lymphoma" in scope.
IMT_NAME = re.compile(
    r"\bimts?\b|\binflammatory\s+myofibroblastic|\bmyofibroblastic\s+(tumou?rs?|sarcomas?|neoplasms?)\b|"
    r"\binflammatory\s+pseudo-?\s?tumou?rs?\b|\beims\b|\bplasma\s+cell\s+granulomas?\b",
    re.IGNORECASE,
)
# The user's own tumour held up against another condition: a differential diagnosis,
# which the knowledge base answers ("is this related to lung cancer?").
COMPARISON = re.compile(
    r"\b(could|might|may|can)\s+(it|this|that)\s+(be|have\s+been|turn)\b|"
    r"\b(is|was)\s+(it|this|that)\s+(like|related|similar|linked|connected|associated|caused|the\s+same)\b|"
    r"\brule\s+out\b|\bdifferential\b|\bdistinguish|\btell\s+(it\s+|them\s+)?apart\b|\bmimic|"
    r"\b(think|thought|said|told\s+us)\s+(it|this|that)\s+(was|is|might|could)\b|"
    r"\binstead\b|\brather\s+than\b|\bmistaken\s+for\b|\bconfused\s+with\b|"
    r"\bhow\s+is\s+(it|this)\s+different\b",
    re.IGNORECASE,
)


class OtherCondition(BaseModel):
    name: str
    code: str
    kind: str  # cancer | condition | drug
    aliases: List[str] = []
    exact: List[str] = []  # case-sensitive abbreviations that are also words ("ALL")

    class Config:
        extra = "forbid"


class OtherConditions(BaseModel):
    items: List[OtherCondition]

    class Config:
        extra = "forbid"

    def surface_forms(self) -> Dict[str, List[str]]:
        """Condition name -> the (lowercase) words people write for it."""
        return {item.name: [item.name, *item.aliases] for item in self.items}


@functools.lru_cache(maxsize=2)
def load_other_conditions(path: Path = OTHER_CONDITIONS_FILE) -> OtherConditions:
    with path.open(encoding="utf-8") as handle:
        return OtherConditions(**yaml.safe_load(handle))


def names_imt(text: str) -> bool:
    return IMT_NAME.search(text) is not None


def other_conditions(entities: Iterable[Dict[str, Any]]) -> List[str]:
    return [str(e.get("value")) for e in entities if e.get("entity") == OTHER_CONDITION]


def is_out_of_scope(text: str, entities: Iterable[Dict[str, Any]]) -> bool:
    """Another condition is named, and neither IMT nor the user's own tumour is its subject."""
    if not other_conditions(entities):
        return False
    return not names_imt(text) and COMPARISON.search(text) is None
