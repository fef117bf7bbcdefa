"""False-premise detection: recognized when asserted, silent on neutral questions."""

import pytest

from knowledge.premises import cross_validate, get_premise_detector


def test_unseen_statements_are_recognized_and_neutral_questions_left_alone(kb):
    figures = cross_validate(kb)
    # As measured on 2026-11-29: 45% and 0.2% over 28 beliefs, 37% and 0.3% over 40 (more
    # beliefs to tell apart); contradicting a neutral question is the costly error, so its
    # bound is the tight one.
    assert figures["neutral_flagged"] <= 0.01
    assert figures["statement_recall"] >= 0.35


@pytest.mark.parametrize(
    "question,belief_word",
    [
        ("my surgeon got it all out so it's gone for good, right?", "comes back"),
        ("since crizotinib has to be taken on an empty stomach, when should he eat?", "empty stomach"),
    ],
)
def test_an_asserted_belief_is_named(kb, question, belief_word):
    found = get_premise_detector(kb).detect(question)
    assert found is not None and belief_word in found.misconception.belief


@pytest.mark.parametrize("question", ["can IMT come back after surgery?", "should crizotinib be taken with food?"])
def test_asking_is_not_asserting(kb, question):
    assert get_premise_detector(kb).detect(question) is None
