"""Export the knowledge base as a review sheet a clinician can read without YAML.

    python -m knowledge.review_sheet --format html --out results/review_sheet.html
    python -m knowledge.review_sheet --format md   --out results/review_sheet.md
    python -m knowledge.review_sheet --changed-since-approval   # only entries changed since approval, with the changes

One row per claim: topic, entry, facets, both wordings, evidence kind, certainty,
citations (resolved to full references) and the entry's review state (who approved it
and when, "REVIEW DUE" past the review period, or that it changed since its approval).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from jinja2 import Environment, select_autoescape

from knowledge.content_diff import changes, word_diff
from knowledge.loader import DATA_DIR, load_knowledge_base
from knowledge.review_state import describe, review_due
from knowledge.schema import Entry, KnowledgeBase
from knowledge.settings import get_settings
from knowledge.signoff_content import clinical_content

HTML_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>IMT knowledge base: review sheet</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5rem;font-size:14px}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.4rem;vertical-align:top}
th{background:#f3f3f3;position:sticky;top:0}.uncertain{background:#fff4e5}.limited{background:#fffbe6}
.refs{font-size:12px;color:#444}.due{color:#a30000;font-weight:bold}
del{background:#ffe0e0}ins{background:#dcffdc;text-decoration:none}
</style></head><body>
<h1>IMT knowledge base: review sheet{% if changed_only %}: changed since approval{% endif %}</h1>
<p>{{ rows|length }} claims in {{ entries }} entries, {{ references }} references. Status counts:
{% for status, count in statuses.items() %}{{ status }} {{ count }}{% if not loop.last %}, {% endif %}{% endfor %}.
Review due (approved {{ period_months }} months ago or more, as of {{ today }}): {{ due }}.
Changed since approval: {{ changed|length }}.</p>
{% if changed %}<h2>Changed since approval</h2>
<table><thead><tr><th>Topic / entry</th><th>Approved</th><th>What changed</th><th>Approved version → now</th></tr></thead><tbody>
{% for e in changed %}{% for c in e.changes %}<tr class="changed">{% if loop.first %}<td rowspan="{{ e.changes|length }}"><b>{{ e.topic }}</b><br>{{ e.title }}<br><code>{{ e.id }}</code></td>
<td rowspan="{{ e.changes|length }}">{{ e.approved }}</td>{% endif %}<td>{{ c.where }}</td>
<td>{% for kind, words in c.pieces %}{% if kind == "removed" %}<del>{{ words }}</del>{% elif kind == "added" %}<ins>{{ words }}</ins>{% else %}{{ words }}{% endif %} {% endfor %}</td></tr>
{% endfor %}{% endfor %}</tbody></table>{% endif %}
<table><thead><tr><th>#</th><th>Topic / entry</th><th>Facets</th><th>Clinician wording</th><th>Patient wording</th>
<th>Evidence</th><th>Certainty</th><th>Citations</th><th>Review</th></tr></thead><tbody>
{% for row in rows %}<tr class="{{ row.certainty }}"><td>{{ loop.index }}</td>
<td><b>{{ row.topic }}</b><br>{{ row.entry_title }}<br><code>{{ row.claim_id }}</code></td>
<td>{{ row.facets }}</td><td>{{ row.clinician }}</td><td>{{ row.patient }}</td>
<td>{{ row.evidence }}</td><td>{{ row.certainty }}</td>
<td class="refs">{% for ref in row.refs %}<p>{{ ref.id }}: {{ ref.full }}{% if ref.link %} <a href="{{ ref.link }}">link</a>{% endif %}</p>{% endfor %}
{% if row.source_note %}<p><i>Source note:</i> {{ row.source_note }}</p>{% endif %}</td>
<td{% if row.review_due %} class="due"{% endif %}>{{ row.review }}</td></tr>
{% endfor %}</tbody></table>
<h2>Questions each entry answers, and the false beliefs it corrects</h2>
<table><thead><tr><th>Topic / entry</th><th>Offered as "More:"</th><th>Questions it answers</th>
<th>False beliefs it corrects (statements; correcting claims)</th></tr></thead><tbody>
{% for e in entry_rows %}<tr><td><b>{{ e.topic }}</b><br>{{ e.title }}<br><code>{{ e.id }}</code></td><td>{{ e.ask }}</td>
<td><ul>{% for q in e.questions %}<li>{{ q }}</li>{% endfor %}</ul></td>
<td>{% for m in e.misconceptions %}<p><b>{{ m.belief }}</b> ({{ m.corrected_by|join(", ") }})<br>
{{ m.statements|join(" · ") }}</p>{% endfor %}</td></tr>
{% endfor %}</tbody></table></body></html>
"""


def rows(
    kb: KnowledgeBase, today: Optional[dt.date] = None, period_months: Optional[int] = None
) -> List[Dict[str, Any]]:
    today, period_months = _when(today, period_months)
    table = []
    for entry in kb.entries:
        facets = ", ".join(f"{k}: {'/'.join(v)}" for k, v in entry.facets.dict().items() if v) or "general"
        for claim in entry.claims:
            table.append(
                {
                    "topic": entry.topic.value,
                    "entry_title": entry.title,
                    "claim_id": claim.id,
                    "facets": facets,
                    "clinician": claim.clinician,
                    "patient": claim.patient,
                    "evidence": claim.evidence.value,
                    "certainty": claim.certainty.value,
                    "refs": [kb.references[r] for r in claim.cites],
                    "source_note": claim.source_note or "",
                    "status": entry.review.status.value,
                    "reviewer": entry.review.reviewer,
                    "last_reviewed": entry.review.last_reviewed.isoformat(),
                    "review": describe(entry.review, today, period_months),
                    "review_due": review_due(entry.review, today, period_months),
                }
            )
    return table


def _when(today: Optional[dt.date], period_months: Optional[int]) -> Tuple[dt.date, int]:
    return today or dt.date.today(), period_months or get_settings().review_period_months


def changed_since_approval(kb: KnowledgeBase) -> List[Dict[str, Any]]:
    """Entries whose clinical content changed after their last approval, with each change
    (texts word by word, approved version against the current one)."""
    found = []
    for entry in kb.entries:
        approval = entry.review.last_approval
        if not entry.review.changed_since_approval or approval is None or approval.content is None:
            continue
        found.append(
            {
                "topic": entry.topic.value,
                "title": entry.title,
                "id": entry.id,
                "approved": f"by {approval.reviewer} on {approval.at.date()}",
                "changes": [
                    {"where": c.where, "pieces": word_diff(c.before or "", c.after or "")}
                    for c in changes(approval.content, clinical_content(entry, kb.references))
                ],
            }
        )
    return found


def only_changed(kb: KnowledgeBase) -> KnowledgeBase:
    """The knowledge base cut to the entries changed since their approval."""
    keep: List[Entry] = [e for e in kb.entries if e.review.changed_since_approval]
    return kb.copy(update={"entries": keep})


def entry_rows(kb: KnowledgeBase) -> List[Dict[str, Any]]:
    """One row per entry: what it answers (its questions) and the beliefs it corrects."""
    return [
        {
            "topic": entry.topic.value,
            "title": entry.title,
            "id": entry.id,
            "ask": entry.ask,
            "questions": entry.questions,
            "misconceptions": [m.dict() for m in entry.misconceptions],
        }
        for entry in kb.entries
    ]


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _md_diff(pieces: List[Any]) -> str:
    marks = {"removed": "~~{}~~", "added": "**{}**", "same": "{}"}
    return " ".join(marks[kind].format(words) for kind, words in pieces)


def _scope(
    kb: KnowledgeBase, today: Optional[dt.date], period_months: Optional[int], changed_only: bool
) -> Tuple[KnowledgeBase, dt.date, int, List[Dict[str, Any]]]:
    """What a sheet shows: the entries (only those changed since approval, if asked), the
    date and period that decide "review due", and the changes."""
    today, period_months = _when(today, period_months)
    changed = changed_since_approval(kb)
    return (only_changed(kb) if changed_only else kb), today, period_months, changed


def render_markdown(
    kb: KnowledgeBase, today: Optional[dt.date] = None, period_months: Optional[int] = None, changed_only: bool = False
) -> str:
    kb, today, period_months, changed = _scope(kb, today, period_months, changed_only)
    due = sum(review_due(e.review, today, period_months) for e in kb.entries)
    lines = [
        "# IMT knowledge base: review sheet" + (": changed since approval" if changed_only else ""),
        "",
        f"Review due (approved {period_months} months ago or more, as of {today}): {due}. "
        f"Changed since approval: {len(changed)}.",
        "",
    ]
    if changed:
        lines += [
            "## Changed since approval",
            "",
            "| Topic / entry | Approved | What changed | Approved version → now (~~removed~~ **added**) |",
            "|---|---|---|---|",
        ]
        for e in changed:
            for c in e["changes"]:
                cells = [f"**{e['topic']}** {e['title']} `{e['id']}`", e["approved"], c["where"], _md_diff(c["pieces"])]
                lines.append("| " + " | ".join(_md_cell(cell) for cell in cells) + " |")
        lines.append("")
    lines += [
        "| # | Topic / entry | Facets | Clinician wording | Patient wording | Evidence | Certainty | Citations | Review |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for n, row in enumerate(rows(kb, today, period_months), 1):
        refs = "<br>".join(f"{r.id}: {r.full}" for r in row["refs"])
        if row["source_note"]:
            refs += f"<br>*Source note:* {row['source_note']}"
        review = row["review"]
        cells = [
            n,
            f"**{row['topic']}** {row['entry_title']} `{row['claim_id']}`",
            row["facets"],
            row["clinician"],
            row["patient"],
            row["evidence"],
            row["certainty"],
            refs,
            review,
        ]
        lines.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
    lines += [
        "",
        "## Questions each entry answers, and the false beliefs it corrects",
        "",
        '| Topic / entry | Offered as "More:" | Questions it answers | False beliefs it corrects |',
        "|---|---|---|---|",
    ]
    for row in entry_rows(kb):
        beliefs = "<br>".join(
            f"**{m['belief']}** ({', '.join(m['corrected_by'])}): {' · '.join(m['statements'])}"
            for m in row["misconceptions"]
        )
        cells = [f"**{row['topic']}** {row['title']} `{row['id']}`", row["ask"], "<br>".join(row["questions"]), beliefs]
        lines.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def render_html(
    kb: KnowledgeBase, today: Optional[dt.date] = None, period_months: Optional[int] = None, changed_only: bool = False
) -> str:
    kb, today, period_months, changed = _scope(kb, today, period_months, changed_only)
    table = rows(kb, today, period_months)
    template = Environment(autoescape=select_autoescape(default=True)).from_string(HTML_TEMPLATE)
    html: str = template.render(
        rows=table,
        entry_rows=entry_rows(kb),
        entries=len(kb.entries),
        references=len(kb.references),
        statuses=dict(Counter(r["status"] for r in table)),
        changed=changed,
        changed_only=changed_only,
        due=sum(review_due(e.review, today, period_months) for e in kb.entries),
        today=today,
        period_months=period_months,
    )
    return html


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Export the knowledge base as a review sheet.")
    parser.add_argument("--format", choices=["html", "md"], default="html")
    parser.add_argument("--out", type=Path, help="file to write (default: stdout)")
    parser.add_argument(
        "--changed-since-approval",
        action="store_true",
        help="only entries changed since their approval, with the changes",
    )
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="the knowledge base (default: knowledge/data)")
    parser.add_argument("--approvals", type=Path, help="the sign-off log (default: IMT_APPROVALS_FILE)")
    args = parser.parse_args(argv)
    kb = load_knowledge_base(args.data_dir, approvals_file=args.approvals)
    render = render_html if args.format == "html" else render_markdown
    text = render(kb, changed_only=args.changed_since_approval)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        shown = only_changed(kb) if args.changed_since_approval else kb
        print(f"wrote {args.out} ({len(rows(shown))} claims)")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
