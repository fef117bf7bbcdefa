"""What a clinician's sign-off covers: an entry's clinical content and its hash.

An approval holds for exactly the content a clinician read. Covered: the claims (both
wordings, the evidence kind, the certainty, the cited reference ids, and the claim ids
that name them), the facets (which patients an entry is served for: an adult dose
re-scoped to children is a new clinical statement), the topic, the false beliefs an entry
corrects with the claims that correct them, and the cited references themselves (swapping
what "R1" points to changes what supports a claim). Doses live in the claim texts.

Left out, because they decide which question finds an entry and not what it says:
`questions`, `keywords`, `ask`, a belief's `statements` (retrieval phrasings, tuned all the
time) and the `title` (a label for curators and for the review line). The entry's own
`review` is left out, as are a reference's `note` (how its identifiers were checked).
The list is of what to leave out, so a field added to the schema later counts as
clinical until someone decides otherwise: a new field voids approvals rather than
slipping past them.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any, Dict, Mapping, Union

if TYPE_CHECKING:  # the schema imports hash_content for its own validation
    from knowledge.schema import Entry, Reference

NOT_CLINICAL_ENTRY_FIELDS = {"questions", "keywords", "ask", "asked_as", "title", "review"}
NOT_CLINICAL_REFERENCE_FIELDS = {"note"}


def clinical_content(entry: Entry, references: Mapping[str, Reference]) -> Dict[str, Any]:
    """The part of an entry a sign-off covers, as plain JSON-like data (kept in the log)."""
    exclude: Dict[Union[int, str], Any] = {name: True for name in NOT_CLINICAL_ENTRY_FIELDS}
    exclude["misconceptions"] = {"__all__": {"statements"}}
    content: Dict[str, Any] = json.loads(entry.json(exclude=exclude))
    for claim in content["claims"]:
        # A claim without a source note hashes as it did before notes existed; writing
        # one changes what a reviewer checks against, so it voids the approval.
        if claim.get("source_note") is None:
            claim.pop("source_note", None)
    cited = sorted({ref_id for claim in entry.claims for ref_id in claim.cites})
    content["references"] = {
        ref_id: json.loads(references[ref_id].json(exclude=NOT_CLINICAL_REFERENCE_FIELDS))
        for ref_id in cited
        if ref_id in references
    }
    return content


def hash_content(content: Mapping[str, Any]) -> str:
    """A stable hash of clinical content: canonical JSON (sorted keys), SHA-256."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def entry_hash(entry: Entry, references: Mapping[str, Reference]) -> str:
    return hash_content(clinical_content(entry, references))
