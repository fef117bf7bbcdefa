"""Approved-only mode and the review state every channel shows for each entry an answer used.

The approval here is a fixture, recorded in a temporary log over a copy of the knowledge
base: the shipped entries stay unapproved until a clinician signs them off.
"""

import datetime as dt
import json

import pytest

from bot.rendering.common import read_bot_message
from bot.rendering.html import render_html
from bot.rendering.markdown import render_transcript
from bot.rendering.slack import escape, render_blocks
from knowledge import templates
from knowledge.approvals import read_log, record, review_state
from knowledge.composer import compose_answer
from knowledge.context import Context
from knowledge.render_text import render_text, review_lines
from knowledge.review_state import add_months
from knowledge.schema import AnswerPayload, AnswerReview, Decision
from knowledge.settings import get_settings
from tests.test_composer import assert_grounded

APPROVED = "dosing-crizotinib-adult"
APPROVED_ASK = "What is the crizotinib dose for adults?"
REVIEWER = "Dr Test Reviewer, paediatric oncologist"
APPROVED_ON = dt.date(2026, 3, 15)
DOSE_QUESTION = "what is the crizotinib dose for adults?"
FOOD_QUESTION = "can crizotinib be taken with food?"


@pytest.fixture
def approved_kb(kb, tmp_path):
    """The session's knowledge base with one entry approved through a log of its own.

    The approval's state is set on the session's entry object and put back afterwards,
    rather than loading a second knowledge base: its ranker and premise detector would
    take half a minute to build again.
    """
    entry = next(e for e in kb.entries if e.id == APPROVED)
    log = tmp_path / "approvals.yml"
    now = dt.datetime.combine(APPROVED_ON, dt.time(10), tzinfo=dt.timezone.utc)
    record(log, entry, kb.references, Decision.approved, REVIEWER, now=now)
    unreviewed = entry.review
    entry.review = review_state(entry, kb.references, read_log(log)[APPROVED])
    assert entry.review.status == "approved"
    yield kb
    entry.review = unreviewed


def test_approved_only_answers_from_the_approved_entry(approved_kb):
    payload = compose_answer(approved_kb, Context(), DOSE_QUESTION, approved_only=True, today=APPROVED_ON)
    assert payload.claim_ids and all(approved_kb.entry_of_claim[c].id == APPROVED for c in payload.claim_ids)
    assert [r.entry_id for r in payload.reviews] == [APPROVED]
    assert payload.review_status == "approved"
    assert f"Reviewed by {REVIEWER} on 2026-03-15" in render_text(payload)
    assert_grounded(approved_kb, payload)


def test_approved_only_says_plainly_when_nothing_approved_covers_a_question(approved_kb):
    payload = compose_answer(approved_kb, Context(), FOOD_QUESTION, approved_only=True)
    assert payload.claim_ids == [] and payload.sections == [] and payload.reviews == []
    assert payload.intro == [templates.NOT_REVIEWED_NEAREST.format(topic="dosing")]
    assert payload.suggestions == [APPROVED_ASK]  # the nearest approved question, to click
    assert_grounded(approved_kb, payload)


def test_without_approved_only_the_same_question_is_answered_and_marked_unreviewed(approved_kb):
    payload = compose_answer(approved_kb, Context(), FOOD_QUESTION, approved_only=False)
    assert payload.claim_ids and all(r.status == "under_review" for r in payload.reviews)
    assert templates.NOT_YET_REVIEWED in render_text(payload)


def test_approved_only_with_nothing_approved_says_so_and_points_to_the_care_team(kb):
    payload = compose_answer(kb, Context(), DOSE_QUESTION, approved_only=True)
    assert payload.claim_ids == [] and payload.suggestions == []
    assert payload.intro == [templates.NOTHING_REVIEWED_YET]
    assert "care team" in render_text(payload)


def test_approved_only_follows_the_setting(approved_kb, monkeypatch):
    monkeypatch.setenv("IMT_APPROVED_ONLY", "1")
    get_settings.cache_clear()
    try:
        assert compose_answer(approved_kb, Context(), FOOD_QUESTION).claim_ids == []
    finally:
        monkeypatch.delenv("IMT_APPROVED_ONLY")
        get_settings.cache_clear()
    assert compose_answer(approved_kb, Context(), FOOD_QUESTION).claim_ids


def test_an_old_approval_shows_review_due(approved_kb):
    fresh = compose_answer(approved_kb, Context(), DOSE_QUESTION, today=add_months(APPROVED_ON, 11))
    due = compose_answer(approved_kb, Context(), DOSE_QUESTION, today=add_months(APPROVED_ON, 12))
    assert not fresh.reviews[0].review_due and due.reviews[0].review_due
    assert review_lines(due) == [f"Reviewed by {REVIEWER} on 2026-03-15 · {templates.REVIEW_DUE}"]


def _message(payload):
    """The bot message as the REST channel returns it and channels read it back."""
    return {"text": render_text(payload), "custom": json.loads(payload.json())}


def test_every_channel_shows_each_entrys_review_state(approved_kb):
    reviewed = compose_answer(approved_kb, Context(), DOSE_QUESTION, today=add_months(APPROVED_ON, 13))
    unreviewed = compose_answer(approved_kb, Context(), FOOD_QUESTION)
    for payload in (reviewed, unreviewed):
        lines = review_lines(payload)
        assert lines
        raw = _message(payload)
        assert raw["custom"]["reviews"][0]["status"] == payload.reviews[0].status  # the REST payload
        message = read_bot_message(raw)
        html = render_html(message)
        slack = json.dumps(render_blocks(message), ensure_ascii=False)
        markdown = render_transcript([{"from": "bot", "message": message}])
        for line in lines:
            assert line in raw["text"] and line in markdown
            assert line.replace("'", "&#39;") in html
            assert escape(line) in slack
    assert f"Reviewed by {REVIEWER}" in review_lines(reviewed)[0] and templates.REVIEW_DUE in review_lines(reviewed)[0]
    assert review_lines(unreviewed) == [templates.NOT_YET_REVIEWED]


def _payload(reviews, **extra):
    return AnswerPayload(
        topic="dosing",
        audience="clinician",
        answer="…",
        sections=[],
        entities={},
        citations=[],
        disclaimer="d",
        suggestions=[],
        reviews=reviews,
        claim_ids=[],
        **extra,
    )


def test_an_answer_from_several_entries_names_each_entrys_state():
    reviews = [
        AnswerReview(entry_id="a", title="Adult dose", status="approved", reviewer=REVIEWER, reviewed_on=APPROVED_ON),
        AnswerReview(entry_id="b", title="Food", status="under_review"),
        AnswerReview(
            entry_id="c", title="Pellets", status="changes_requested", reviewer=REVIEWER, reviewed_on=APPROVED_ON
        ),
        AnswerReview(
            entry_id="d",
            title="Renal",
            status="under_review",
            reviewer=REVIEWER,
            reviewed_on=APPROVED_ON,
            changed_since_approval=True,
        ),
    ]
    assert review_lines(_payload(reviews)) == [
        f"Adult dose: Reviewed by {REVIEWER} on 2026-03-15",
        f"Food: {templates.NOT_YET_REVIEWED}",
        "Pellets: " + templates.CHANGES_REQUESTED.format(date="2026-03-15"),
        "Renal: " + templates.CHANGED_SINCE_REVIEW.format(reviewer=REVIEWER, date="2026-03-15"),
    ]


def test_a_stored_payload_from_before_per_entry_states_still_shows_its_status():
    legacy = _payload([], review_status="under_review", last_reviewed="2026-11-29")
    assert review_lines(legacy) == ["Review status: under review · last reviewed 2026-11-29"]
