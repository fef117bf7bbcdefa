"""What changed in an entry's clinical content since it was approved, for the review sheet.

Both versions are flattened to labelled fields ("claim dosing-x-1, clinician wording",
"facets, population", "reference R1, title"), so an added, removed or changed field is
one row, and a changed text is shown word by word.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple

# Readable names for the content's fields (knowledge/signoff_content.py).
FIELD_LABELS = {
    "clinician": "clinician wording",
    "patient": "patient wording",
    "cites": "citations",
    "evidence": "evidence kind",
    "certainty": "certainty",
    "belief": "false belief",
    "corrected_by": "corrected by",
}


@dataclass(frozen=True)
class Change:
    where: str
    before: Optional[str]  # None: added
    after: Optional[str]  # None: removed


def _flatten(value: Any, label: str, out: Dict[str, str]) -> None:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            if key == "id":
                continue
            _flatten(inner, f"{label}, {FIELD_LABELS.get(key, key)}" if label else FIELD_LABELS.get(key, key), out)
    elif isinstance(value, list) and any(isinstance(item, Mapping) for item in value):
        for index, item in enumerate(value, 1):
            name = item.get("id", str(index)) if isinstance(item, Mapping) else str(index)
            _flatten(item, f"{label.rstrip('s')} {name}", out)
    elif isinstance(value, list):
        out[label] = ", ".join(str(item) for item in value)
    else:
        out[label] = "" if value is None else str(value)


def flatten(content: Mapping[str, Any]) -> Dict[str, str]:
    flat: Dict[str, str] = {}
    for key, value in content.items():
        if key == "references":  # keyed by reference id
            for ref_id, reference in value.items():
                _flatten(reference, f"reference {ref_id}", flat)
        elif key != "id":
            _flatten(value, FIELD_LABELS.get(key, key), flat)
    return flat


def changes(approved: Mapping[str, Any], current: Mapping[str, Any]) -> List[Change]:
    """Every field added, removed or changed, in the current content's order."""
    before, after = flatten(approved), flatten(current)
    found = [Change(where, before.get(where), text) for where, text in after.items() if before.get(where) != text]
    found += [Change(where, text, None) for where, text in before.items() if where not in after]
    return found


def word_diff(before: str, after: str) -> List[Tuple[str, str]]:
    """(kind, words) pieces: kind is "same", "removed" or "added"."""
    old, new = before.split(), after.split()
    pieces: List[Tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(("same", " ".join(old[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("removed", " ".join(old[i1:i2])))
        if j2 > j1:
            pieces.append(("added", " ".join(new[j1:j2])))
    return pieces
