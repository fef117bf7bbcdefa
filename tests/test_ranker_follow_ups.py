"""How the ranker reads a follow-up that only names a facet: a new drug is a new subject,
a new group or site narrows the question before (knowledge/ranker.py, `_replaces_facets`)."""

import pytest

from knowledge.context import Context
from knowledge.ranker import get_ranker
from knowledge.schema import Topic


@pytest.fixture(scope="module")
def ranker(kb):
    return get_ranker(kb)


def top_entry(ranker, previous: str, follow_up: str, **facets: str) -> str:
    context = Context(topic=Topic.treatment, named_now=frozenset(facets), follows_up=True, **facets)
    return ranker.rank(follow_up, context, previous_question=previous)[0].entry.id


def test_a_drug_the_question_before_did_not_name_is_what_the_follow_up_asks_about(ranker):
    # Before: the question before was asked again unchanged, and its NSAID entry won.
    previous = "can anti-inflammatory medicines treat IMT?"
    assert top_entry(ranker, previous, "and steroids?", drug="prednisone") == "treatment-corticosteroids"


def test_a_group_the_question_before_did_not_name_narrows_it(ranker):
    # Appending "pediatric" to the question before would hand it to crizotinib in children.
    previous = "does chemotherapy work for IMT?"
    assert top_entry(ranker, previous, "and in children?", population="pediatric") == "treatment-chemotherapy"


def test_a_drug_swapped_for_another_asks_the_question_before_again(ranker):
    previous = "has crizotinib been used for IMT?"
    expected = "treatment-alk-inhibitors-after-crizotinib"
    assert top_entry(ranker, previous, "and alectinib?", drug="alectinib") == expected
