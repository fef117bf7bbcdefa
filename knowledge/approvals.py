"""The sign-off log (knowledge/approvals.yml): clinicians' decisions, kept apart from the entries.

One file keyed by entry id, each entry's decisions oldest first, written only by
`python -m knowledge.review`. Kept apart so that curators editing claims and questions in
knowledge/data never touch a sign-off, and a hospital can keep its own log
(IMT_APPROVALS_FILE). At load time each entry gets the state its log gives it: an approval
counts only while the entry's clinical content still has the approved hash.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

import yaml

from knowledge.schema import Decision, Entry, Reference, Review, ReviewStatus, SignOff
from knowledge.signoff_content import clinical_content, entry_hash, hash_content

SignOffLog = Dict[str, List[SignOff]]

HEADER = """\
# Clinicians' sign-offs, keyed by entry id, oldest first. Written by `python -m knowledge.review`
# (approve / request-changes); do not edit by hand: each approval keeps the content it approved
# and that content's hash, and the loader refuses a record whose content no longer matches it.
"""


def read_log(path: Path) -> SignOffLog:
    if not path.exists():
        return {}
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{path.name}: expected a mapping of entry ids to their sign-offs")
    log: SignOffLog = {}
    for entry_id, decisions in raw.items():
        try:
            log[str(entry_id)] = [SignOff(**decision) for decision in decisions or []]
        except Exception as error:  # name the file and entry, as the entry loader does
            raise ValueError(f"{path.name}: sign-offs of {entry_id!r}: {error}") from error
    return log


def write_log(path: Path, log: SignOffLog) -> None:
    """Write the whole log atomically: a crash never leaves half a file."""
    data = {entry_id: [json.loads(s.json(exclude_none=True)) for s in log[entry_id]] for entry_id in sorted(log)}
    text = HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, path)


def record(
    path: Path,
    entry: Entry,
    references: Mapping[str, Reference],
    decision: Decision,
    reviewer: str,
    note: Optional[str] = None,
    now: Optional[dt.datetime] = None,
) -> SignOff:
    """Append one decision on the entry's current content to the log."""
    content = clinical_content(entry, references)
    sign_off = SignOff(
        decision=decision,
        reviewer=reviewer,
        at=(now or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0),
        content_hash=hash_content(content),
        content=content if decision == Decision.approved else None,
        note=note,
    )
    log = read_log(path)
    log.setdefault(entry.id, []).append(sign_off)
    write_log(path, log)
    return sign_off


def last_approval(decisions: List[SignOff]) -> Optional[SignOff]:
    return next((s for s in reversed(decisions) if s.decision == Decision.approved), None)


def review_state(entry: Entry, references: Mapping[str, Reference], decisions: List[SignOff]) -> Review:
    """The entry's review as its sign-offs give it.

    Approved only while the content hash matches the approval; changed afterwards, it is
    under review again. Changes requested stay requested until the content changes.
    """
    if not decisions:
        return entry.review
    current = entry_hash(entry, references)
    latest, approval = decisions[-1], last_approval(decisions)
    changed = approval is not None and approval.content_hash != current
    if latest.content_hash == current:
        status = ReviewStatus.approved if latest.decision == Decision.approved else ReviewStatus.changes_requested
        return Review(
            status=status,
            reviewer=latest.reviewer,
            last_reviewed=latest.at.date(),
            note=latest.note,
            last_approval=approval,
            changed_since_approval=changed,
        )
    return entry.review.copy(
        update={"status": ReviewStatus.under_review, "last_approval": approval, "changed_since_approval": changed}
    )


def apply_log(entries: List[Entry], references: Mapping[str, Reference], log: SignOffLog) -> List[Entry]:
    """The entries with the review state their sign-offs give them."""
    return [
        entry.copy(update={"review": review_state(entry, references, log[entry.id])}) if entry.id in log else entry
        for entry in entries
    ]


def orphans(entry_ids: List[str], log: SignOffLog) -> List[str]:
    """Signed-off ids no entry has any more (renamed or removed entries)."""
    known = set(entry_ids)
    return sorted(entry_id for entry_id in log if entry_id not in known)


CURATED_REVIEW_FIELDS = {"status", "reviewer", "last_reviewed"}


def check_curated_review(raw: Any) -> None:
    """Refuse a sign-off written straight into an entry's YAML: it would carry no hash of
    what was reviewed, and nothing would notice the content changing afterwards."""
    review = raw.get("review") if isinstance(raw, dict) else None
    if not isinstance(review, dict):
        return  # the schema reports a missing or malformed review
    status = review.get("status")
    extra = sorted(set(review) - CURATED_REVIEW_FIELDS)
    if status in (ReviewStatus.approved.value, ReviewStatus.changes_requested.value) or extra:
        raise ValueError(
            f"review may say only draft or under_review (got status {status!r}, fields {extra}): a clinician's "
            "decision is recorded with `python -m knowledge.review approve|request-changes`, with the hash of what "
            "was reviewed"
        )
