"""Clinicians' sign-off: list entries by review state, approve them, or ask for changes.

    python -m knowledge.review                     # entries by status, oldest review first
    python -m knowledge.review list --status approved --as-of 2027-12-01
    python -m knowledge.review approve ENTRY [ENTRY ...] --reviewer "Dr Jane Roe, paediatric oncologist"
    python -m knowledge.review request-changes ENTRY --reviewer "Dr Jane Roe, paediatric oncologist" --note "..."

Each decision goes into the sign-off log (IMT_APPROVALS_FILE, knowledge/approvals.yml) with
the time and the hash of the entry's clinical content (knowledge/signoff_content.py). Approving
an entry again renews its approval; an entry changed since its approval is listed as such.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from knowledge.approvals import orphans, read_log, record
from knowledge.loader import DATA_DIR, load_knowledge_base
from knowledge.review_state import describe, review_due
from knowledge.schema import Decision, Entry, KnowledgeBase, ReviewStatus
from knowledge.settings import get_settings

# Listed in this order: what needs a clinician's attention first.
STATUS_ORDER = [
    ReviewStatus.changes_requested,
    ReviewStatus.under_review,
    ReviewStatus.draft,
    ReviewStatus.approved,
]
STATUS_HEADINGS = {
    ReviewStatus.changes_requested: "Changes requested",
    ReviewStatus.under_review: "Under review (not yet approved)",
    ReviewStatus.draft: "Draft",
    ReviewStatus.approved: "Approved",
}


def reviewer_name(value: str) -> str:
    """The reviewer as answers show them: "Name, role"."""
    name, _, role = value.partition(",")
    if not (name.strip() and role.strip()):
        raise argparse.ArgumentTypeError(
            f'give the reviewer as "Name, role" (e.g. "Dr Jane Roe, oncologist"), not {value!r}'
        )
    return f"{name.strip()}, {role.strip()}"


def listing(kb: KnowledgeBase, today: dt.date, period_months: int, status: Optional[ReviewStatus] = None) -> str:
    groups: Dict[ReviewStatus, List[Entry]] = {s: [] for s in STATUS_ORDER}
    for entry in kb.entries:
        groups[entry.review.status].append(entry)
    lines = []
    width = max((len(e.id) for e in kb.entries), default=10)
    for group_status in STATUS_ORDER:
        entries = groups[group_status]
        if status is not None and group_status != status:
            continue
        # Oldest review first; within "under review", what changed since its approval first.
        entries.sort(key=lambda e: (not e.review.changed_since_approval, e.review.last_reviewed, e.id))
        due = sum(review_due(e.review, today, period_months) for e in entries)
        extra = f", {due} review due" if due else ""
        lines.append(f"{STATUS_HEADINGS[group_status]}: {len(entries)}{extra}")
        lines.extend(
            f"  {e.id:<{width}}  {e.topic.value:<12}  {describe(e.review, today, period_months)}" for e in entries
        )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _entry(kb: KnowledgeBase, entry_id: str) -> Entry:
    for entry in kb.entries:
        if entry.id == entry_id:
            return entry
    raise SystemExit(f"no entry {entry_id!r}; `python -m knowledge.review` lists them")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="List, approve or request changes to knowledge-base entries.")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="the knowledge base (default: knowledge/data)")
    parser.add_argument("--approvals", type=Path, help="the sign-off log (default: IMT_APPROVALS_FILE)")
    commands = parser.add_subparsers(dest="command")
    show = commands.add_parser("list", help="entries by review state and age (the default)")
    show.add_argument("--status", choices=[s.value for s in STATUS_ORDER])
    show.add_argument("--as-of", type=dt.date.fromisoformat, help="date to judge 'review due' by (default: today)")
    approve = commands.add_parser("approve", help="approve entries as they are now")
    approve.add_argument("entries", nargs="+", metavar="ENTRY")
    approve.add_argument("--reviewer", required=True, type=reviewer_name, help='"Name, role"')
    changes = commands.add_parser("request-changes", help="ask for changes to an entry")
    changes.add_argument("entries", nargs="+", metavar="ENTRY")
    changes.add_argument("--reviewer", required=True, type=reviewer_name, help='"Name, role"')
    changes.add_argument("--note", required=True, help="what to change")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = _parser().parse_args(argv)
    settings = get_settings()
    approvals: Path = args.approvals or settings.approvals_file
    kb = load_knowledge_base(args.data_dir, approvals_file=approvals)
    if args.command in (None, "list"):
        today = getattr(args, "as_of", None) or dt.date.today()
        status = getattr(args, "status", None)
        sys.stdout.write(listing(kb, today, settings.review_period_months, ReviewStatus(status) if status else None))
        stale = orphans([e.id for e in kb.entries], read_log(approvals))
        if stale:
            print(f"Sign-offs of entries that no longer exist (renamed or removed): {', '.join(stale)}")
        return 0
    decision = Decision.approved if args.command == "approve" else Decision.changes_requested
    entries = [_entry(kb, entry_id) for entry_id in args.entries]  # all known before anything is written
    for entry in entries:
        sign_off = record(approvals, entry, kb.references, decision, args.reviewer, getattr(args, "note", None))
        when = sign_off.at.isoformat()
        print(f"{entry.id}: {decision.value} by {sign_off.reviewer} at {when} ({sign_off.content_hash})")
    print(f"recorded in {approvals}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
