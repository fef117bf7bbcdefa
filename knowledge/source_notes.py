"""Source notes: the sentence or table row of a reference that supports a claim.

A reviewer checks a claim against its note without opening the reference, so every number
a claim states, in either wording, must be written in its note (a derived figure is written
there with its derivation, e.g. "5 of 14 = 36%").
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import List, Optional, Set

# A number, with or without a unit glued on ("5x ULN", "250mg"), but not inside an identifier
# that starts with letters (CYP3A4, D5F3, ADVL0912, R1) nor the tail of a hyphenated name
# (COVID-19).
_CLAIM_NUMBER = re.compile(r"(?<![A-Za-z]-)(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?(?![.,]?\d)")
_ANY_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
# A note that is the claim itself copied checks nothing.
_MAX_SIMILARITY_TO_CLAIM = 0.9


def _normalise(number: str) -> str:
    return number.replace(",", "")


def claim_numbers(text: str) -> Set[str]:
    return {_normalise(match) for match in _CLAIM_NUMBER.findall(text)}


def note_numbers(note: str) -> Set[str]:
    return {_normalise(match) for match in _ANY_NUMBER.findall(note)}


def source_note_problems(clinician: str, patient: str, note: Optional[str]) -> List[str]:
    """What keeps a note from supporting its claim; empty when it does."""
    numbers = claim_numbers(clinician) | claim_numbers(patient)
    if not note:
        return [f"states {', '.join(sorted(numbers))} without a source note"] if numbers else []
    problems = []
    missing = numbers - note_numbers(note)
    if missing:
        problems.append(f"numbers not in the source note: {', '.join(sorted(missing))}")
    if SequenceMatcher(None, note.lower(), clinician.lower()).ratio() > _MAX_SIMILARITY_TO_CLAIM:
        problems.append("the source note repeats the claim instead of quoting or paraphrasing its source")
    return problems
