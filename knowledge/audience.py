"""Tell clinician from patient language requests ("I'm a parent", "I'm an oncologist")."""

from __future__ import annotations

import functools
import re
from typing import Dict, List, Optional

from knowledge.schema import Audience
from knowledge.vocabulary import load_vocabulary


@functools.lru_cache(maxsize=1)
def _audience_terms() -> Dict[Audience, List[str]]:
    return {Audience(name): terms for name, terms in load_vocabulary().audience.items()}


def audience_from_text(text: str) -> Optional[Audience]:
    """The audience whose terms appear most; patient wins a tie (plainer is safer)."""
    lowered = text.lower()
    counts = {
        audience: sum(1 for term in terms if re.search(rf"\b{re.escape(term)}\b", lowered))
        for audience, terms in _audience_terms().items()
    }
    if not any(counts.values()):
        return None
    if counts[Audience.patient] >= counts[Audience.clinician]:
        return Audience.patient
    return Audience.clinician
