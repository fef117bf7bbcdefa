"""A request for the sources is one whatever it names (nlu/components/sources_gate.py), and
the sources it gets are those of what it names, or of the last answer. Phrasings written
for these tests."""

import asyncio

import pytest

from actions.actions import ActionAnswer, ActionShowSources
from knowledge.ranker import get_ranker, load_retrieval_vocabulary
from nlu.components.sources_gate import SourcesGate
from tests.conftest import DOMAIN, make_tracker, message_classified_as


def _gate(text, guessed):
    message = message_classified_as(text, guessed, 0.7)
    SourcesGate().process([message])
    return message.get("intent")["name"]


@pytest.mark.parametrize(
    ("text", "guessed"),
    [
        ("citation for the alectinib dose please", "ask_dosing"),
        ("is the 5-year figure from a trial or from case reports?", "ask_prognosis"),
        ("where do those response figures come from", "ask_treatment"),
        ("was this checked by a doctor?", "bot_challenge"),
        ("how current is this information", "ask_overview"),
        ("which guidelines do you rely on", "nlu_fallback"),
        ("can you share the papers", "set_audience"),
        ("any trusted websites you would recommend for families?", "ask_overview"),
        ("strength of evidence?", "ask_treatment"),
    ],
)
def test_a_sources_request_is_one_whatever_the_classifier_guessed(text, guessed):
    assert _gate(text, guessed) == "ask_sources"


@pytest.mark.parametrize(
    ("text", "guessed"),
    [
        # a question of its own, with the words of sources in it
        ("is it from sun exposure or something she ate?", "ask_overview"),
        ("is the dose based on her weight", "ask_dosing"),
        ("what's the reference range for ALT on crizotinib", "ask_side_effects"),
        ("should he be seen at a sarcoma reference centre", "ask_treatment"),
        ("why do some sources say it is benign and others call it a sarcoma?", "ask_overview"),
        ("level of evidence for radiotherapy after an incomplete resection?", "ask_treatment"),
        # long: asks its own question; the answer carries the citations
        (
            "my daughter was started on 280 mg per square metre twice a day, is that right for a 7 year old"
            " and where does that number come from",
            "ask_dosing",
        ),
        # a question sent out of scope stays there
        ("reference for alectinib in ALK lung cancer", "out_of_scope"),
    ],
)
def test_other_questions_keep_the_classifiers_intent(text, guessed):
    assert _gate(text, guessed) == guessed


def test_the_strict_wording_is_also_a_sources_request_for_the_action():
    vocabulary = load_retrieval_vocabulary()
    assert vocabulary.asks_for_sources("was that taken from the FDA label?")
    assert not vocabulary.asks_for_sources("how is IMT treated in adults")


def test_a_sources_request_names_its_subject_or_nothing(kb):
    ranker = get_ranker(kb)
    subject = ranker.sources_subject("citation for lorlatinib in IMT?")
    assert subject is not None and "lorlatinib" in subject.id
    assert ranker.sources_subject("is this from the label?") is None
    assert ranker.sources_subject("refs please") is None


def _run(action, dispatcher, tracker):
    return asyncio.run(action.run(dispatcher, tracker, DOMAIN))


def test_the_sources_of_what_the_request_names_before_any_answer(dispatcher, kb):
    _run(ActionShowSources(), dispatcher, make_tracker("citation for lorlatinib in IMT?", "ask_sources"))
    message = dispatcher.messages[0]
    subject = get_ranker(kb).sources_subject("citation for lorlatinib in IMT?")
    expected = {ref for claim in subject.claims for ref in claim.cites}
    assert {r["ref_id"] for r in message["custom"]["references"]} == expected
    assert message["text"].startswith(DOMAIN["responses"]["utter_sources_intro_subject"][0]["text"].split("{")[0])
    assert subject.title in message["text"]


def test_a_request_about_the_last_answer_lists_the_last_answers_sources(dispatcher, kb):
    answer_dispatcher = type(dispatcher)()
    events = _run(ActionAnswer(), answer_dispatcher, make_tracker("what is the survival rate", "ask_prognosis"))
    claim_ids = next(e["value"] for e in events if e.get("name") == "last_claim_ids")
    slots = {"last_claim_ids": claim_ids}
    tracker = make_tracker("where did you get the survival numbers?", "ask_sources", slots=slots)
    _run(ActionShowSources(), dispatcher, tracker)
    expected = {ref for cid in claim_ids for ref in kb.claim_by_id(cid).cites}
    assert {r["ref_id"] for r in dispatcher.messages[0]["custom"]["references"]} == expected
    assert dispatcher.messages[0]["text"].startswith(DOMAIN["responses"]["utter_sources_intro"][0]["text"])
