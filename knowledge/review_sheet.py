"""Export the knowledge base as a review sheet a clinician can read without YAML.

    python -m knowledge.review_sheet --format html --out results/review_sheet.html
    python -m knowledge.review_sheet --format md   --out results/review_sheet.md

One row per claim: topic, entry, facets, both wordings, evidence kind, certainty,
citations (resolved to full references) and the entry's review status.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Dict, List

from jinja2 import Environment, select_autoescape

from knowledge.loader import load_knowledge_base
from knowledge.schema import KnowledgeBase

HTML_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>IMT knowledge base: review sheet</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5rem;font-size:14px}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.4rem;vertical-align:top}
th{background:#f3f3f3;position:sticky;top:0}.uncertain{background:#fff4e5}.limited{background:#fffbe6}
.refs{font-size:12px;color:#444}
</style></head><body>
<h1>IMT knowledge base: review sheet</h1>
<p>{{ rows|length }} claims in {{ entries }} entries, {{ references }} references. Status counts:
{% for status, count in statuses.items() %}{{ status }} {{ count }}{% if not loop.last %}, {% endif %}{% endfor %}.</p>
<table><thead><tr><th>#</th><th>Topic / entry</th><th>Facets</th><th>Clinician wording</th><th>Patient wording</th>
<th>Evidence</th><th>Certainty</th><th>Citations</th><th>Review</th></tr></thead><tbody>
{% for row in rows %}<tr class="{{ row.certainty }}"><td>{{ loop.index }}</td>
<td><b>{{ row.topic }}</b><br>{{ row.entry_title }}<br><code>{{ row.claim_id }}</code></td>
<td>{{ row.facets }}</td><td>{{ row.clinician }}</td><td>{{ row.patient }}</td>
<td>{{ row.evidence }}</td><td>{{ row.certainty }}</td>
<td class="refs">{% for ref in row.refs %}<p>{{ ref.id }}: {{ ref.full }}{% if ref.link %} <a href="{{ ref.link }}">link</a>{% endif %}</p>{% endfor %}</td>
<td>{{ row.status }}<br>{{ row.reviewer or "no reviewer yet" }}<br>{{ row.last_reviewed }}</td></tr>
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


def rows(kb: KnowledgeBase) -> List[Dict[str, Any]]:
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
                    "status": entry.review.status.value,
                    "reviewer": entry.review.reviewer,
                    "last_reviewed": entry.review.last_reviewed.isoformat(),
                }
            )
    return table


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


def render_markdown(kb: KnowledgeBase) -> str:
    lines = [
        "# IMT knowledge base: review sheet",
        "",
        "| # | Topic / entry | Facets | Clinician wording | Patient wording | Evidence | Certainty | Citations | Review |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for n, row in enumerate(rows(kb), 1):
        refs = "<br>".join(f"{r.id}: {r.full}" for r in row["refs"])
        review = f"{row['status']}, {row['reviewer'] or 'no reviewer yet'}, {row['last_reviewed']}"
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


def render_html(kb: KnowledgeBase) -> str:
    from collections import Counter

    table = rows(kb)
    template = Environment(autoescape=select_autoescape(default=True)).from_string(HTML_TEMPLATE)
    html: str = template.render(
        rows=table,
        entry_rows=entry_rows(kb),
        entries=len(kb.entries),
        references=len(kb.references),
        statuses=dict(Counter(r["status"] for r in table)),
    )
    return html


def main() -> int:
    parser = argparse.ArgumentParser(description="Export the knowledge base as a review sheet.")
    parser.add_argument("--format", choices=["html", "md"], default="html")
    parser.add_argument("--out", type=Path, help="file to write (default: stdout)")
    args = parser.parse_args()
    kb = load_knowledge_base()
    text = render_html(kb) if args.format == "html" else render_markdown(kb)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out} ({len(rows(kb))} claims)")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
