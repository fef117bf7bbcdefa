"""An entry's review state: how old, whether due again (IMT_REVIEW_PERIOD_MONTHS), in one
line of words for curators (the listing and the review sheet), and as answers carry it."""

from __future__ import annotations

import calendar
import datetime as dt

from knowledge.schema import AnswerReview, Entry, Review, ReviewStatus


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the month's last day when it is shorter (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def review_due(review: Review, today: dt.date, period_months: int) -> bool:
    """An approval is due for review once the period has passed since it was given."""
    return review.status == ReviewStatus.approved and today >= add_months(review.last_reviewed, period_months)


def age_in_days(review: Review, today: dt.date) -> int:
    return (today - review.last_reviewed).days


def describe(review: Review, today: dt.date, period_months: int) -> str:
    """Who signed off and when, how long ago, and what needs doing."""
    age = age_in_days(review, today)
    if review.status == ReviewStatus.approved:
        text = f"approved by {review.reviewer} on {review.last_reviewed} ({age} days ago)"
        return text + (" · REVIEW DUE" if review_due(review, today, period_months) else "")
    if review.status == ReviewStatus.changes_requested:
        return f"changes requested by {review.reviewer} on {review.last_reviewed} ({age} days ago): {review.note}"
    approval = review.last_approval
    if review.changed_since_approval and approval is not None:
        return f"CHANGED since approved by {approval.reviewer} on {approval.at.date()}; not approved as it is now"
    return f"{review.status.value.replace('_', ' ')}, no clinician sign-off (curated {review.last_reviewed})"


def answer_review(entry: Entry, today: dt.date, period_months: int) -> AnswerReview:
    """The review state an answer shows for one entry it used."""
    review, approval = entry.review, entry.review.last_approval
    if review.status in (ReviewStatus.approved, ReviewStatus.changes_requested):
        reviewer, reviewed_on = review.reviewer, review.last_reviewed
    elif approval is not None:  # approved once, changed since: say whose review it no longer is
        reviewer, reviewed_on = approval.reviewer, approval.at.date()
    else:
        reviewer, reviewed_on = None, None
    return AnswerReview(
        entry_id=entry.id,
        title=entry.title,
        status=review.status,
        reviewer=reviewer,
        reviewed_on=reviewed_on,
        review_due=review_due(review, today, period_months),
        changed_since_approval=review.changed_since_approval,
    )
