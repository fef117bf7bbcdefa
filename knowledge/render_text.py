"""Plain-text rendering of an answer payload: REST `text`, rasa shell, transcripts.

The core's own renderer (the action server puts this text beside the payload); the
channel renderers in bot/rendering build on the same review line.
"""

from __future__ import annotations

from typing import List, Optional

from knowledge import templates
from knowledge.links import safe_link
from knowledge.schema import AnswerPayload


def review_line(answer: AnswerPayload) -> Optional[str]:
    if not answer.review_status:
        return None
    return templates.REVIEW_LINE.format(
        status=templates.REVIEW_STATUS_LABELS[answer.review_status], date=answer.last_reviewed
    )


def _source_line(n: int, label: str, link: str) -> str:
    safe = safe_link(link)  # a payload read back from the tracker store may carry anything
    return f"[{n}] {label}. {safe}" if safe else f"[{n}] {label}."


def render_text(payload: AnswerPayload) -> str:
    lines: List[str] = list(payload.intro)
    for section in payload.sections:
        lines.append("")
        lines.append(section.heading)
        for claim in section.claims:
            markers = "".join(f"[{n}]" for n in claim.citations)
            lines.append(f"• {claim.text} {markers}")
    if payload.citations:
        lines.append("")
        lines.append("Sources")
        lines.extend(_source_line(c.n, c.label, c.link) for c in payload.citations)
    review = review_line(payload)
    if review:
        lines.append("")
        lines.append(review)
    lines.append("")
    lines.append(f"Disclaimer: {payload.disclaimer}")
    if payload.suggestions:
        lines.append("")
        lines.extend(f"{templates.MORE_LABEL} {suggestion}" for suggestion in payload.suggestions)
    return "\n".join(lines).strip()
