"""Plain-text rendering of an answer payload: REST `text`, rasa shell, transcripts.

The core's own renderer (the action server puts this text beside the payload); the
channel renderers in bot/rendering build on the same review lines (one per entry used).
"""

from __future__ import annotations

from typing import List

from knowledge import templates
from knowledge.links import safe_link
from knowledge.schema import AnswerPayload, AnswerReview, ReviewStatus


def review_text(review: AnswerReview) -> str:
    """One entry's review state in words: who reviewed it and when, or that nobody has yet."""
    if review.status == ReviewStatus.approved.value:
        text = templates.REVIEWED_BY.format(reviewer=review.reviewer, date=review.reviewed_on)
        return f"{text} · {templates.REVIEW_DUE}" if review.review_due else text
    if review.status == ReviewStatus.changes_requested.value:
        return templates.CHANGES_REQUESTED.format(date=review.reviewed_on)
    if review.changed_since_approval and review.reviewer:
        return templates.CHANGED_SINCE_REVIEW.format(reviewer=review.reviewer, date=review.reviewed_on)
    return templates.NOT_YET_REVIEWED


def review_lines(answer: AnswerPayload) -> List[str]:
    """The review state of every entry the answer used; each names its entry when there
    are several, so a reader knows which part of the answer was reviewed."""
    if not answer.reviews:
        if not answer.review_status:
            return []
        # A payload stored before per-entry states existed, read back from the tracker store.
        status = templates.REVIEW_STATUS_LABELS.get(answer.review_status, str(answer.review_status))
        return [templates.REVIEW_LINE.format(status=status, date=answer.last_reviewed)]
    if len(answer.reviews) == 1:
        return [review_text(answer.reviews[0])]
    return [f"{review.title}: {review_text(review)}" for review in answer.reviews]


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
    reviews = review_lines(payload)
    if reviews:
        lines.append("")
        lines.extend(reviews)
    lines.append("")
    lines.append(f"Disclaimer: {payload.disclaimer}")
    if payload.suggestions:
        lines.append("")
        lines.extend(f"{templates.MORE_LABEL} {suggestion}" for suggestion in payload.suggestions)
    return "\n".join(lines).strip()
