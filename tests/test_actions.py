"""Every custom action, run against rasa_sdk tracker fixtures."""

import asyncio

import pytest
from rasa_sdk.events import SlotSet

from actions.actions import (
    ActionAnswer,
    ActionFallback,
    ActionPersonalDecision,
    ActionSetAudience,
    ActionShowSources,
    ActionUnusableInput,
)
from knowledge import templates
from tests.conftest import DOMAIN, make_tracker


def run(action, dispatcher, tracker):
    return asyncio.run(action.run(dispatcher, tracker, DOMAIN))


def response_text(name):
    return DOMAIN["responses"][name][0]["text"]


def slots_of(events):
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_answer_sends_one_message_with_text_and_payload(dispatcher):
    tracker = make_tracker("what's the dose of xalkori?", "ask_dosing", [{"entity": "drug", "value": "crizotinib"}])
    events = run(ActionAnswer(), dispatcher, tracker)
    assert len(dispatcher.messages) == 1
    message = dispatcher.messages[0]
    custom = message["custom"]
    assert custom["type"] == "imt_answer" and custom["topic"] == "dosing" and custom["audience"] == "clinician"
    assert custom["entities"]["drug"] == "crizotinib"
    assert custom["citations"] and all(c.get("pmid") or c.get("doi") or c.get("url") for c in custom["citations"])
    assert custom["disclaimer"] in message["text"] and "Sources" in message["text"]
    assert set(custom) >= {"answer", "suggestions", "entities", "citations", "disclaimer"}
    slots = slots_of(events)
    assert slots["topic"] == "dosing" and slots["drug"] == "crizotinib"
    assert slots["last_claim_ids"] == custom["claim_ids"]


def test_inform_follow_up_keeps_the_topic(dispatcher):
    tracker = make_tracker(
        "and for a 6-year-old?",
        "inform",
        [{"entity": "population", "value": "pediatric"}],
        slots={"topic": "dosing", "drug": "crizotinib"},
        earlier=["what's the dose of xalkori?"],
    )
    events = run(ActionAnswer(), dispatcher, tracker)
    custom = dispatcher.messages[0]["custom"]
    assert custom["topic"] == "dosing" and custom["entities"]["population"] == "pediatric"
    assert "280 mg/m²" in custom["answer"]
    assert slots_of(events)["population"] == "pediatric"


def test_the_entry_that_answers_wins_over_the_nlu_topic(dispatcher, kb):
    """The NLU's topic is a feature, not a wall: a monitoring question it took for an
    overview question (unsure) still gets the monitoring schedule, and the topic slot
    follows as that entry's questions are asked (monitoring is a side-effects question)."""
    tracker = make_tracker(
        "what blood tests are done while on xalkori and how often",
        "ask_overview",
        [{"entity": "drug", "value": "crizotinib"}],
        intent_ranking=[{"name": "ask_overview", "confidence": 0.6}, {"name": "ask_dosing", "confidence": 0.3}],
    )
    events = run(ActionAnswer(), dispatcher, tracker)
    custom = dispatcher.messages[0]["custom"]
    assert kb.entry_of_claim[custom["claim_ids"][0]].id == "dosing-crizotinib-monitoring"
    assert slots_of(events)["topic"] == custom["topic"] == "side_effects"
    assert len(custom["claim_ids"]) <= 4 and custom["suggestions"]


def test_an_elliptical_follow_up_is_read_with_the_previous_question(dispatcher, kb):
    tracker = make_tracker(
        "how often?",
        "inform",
        slots={"topic": "dosing", "drug": "crizotinib"},
        earlier=["which blood tests are needed on crizotinib?"],
    )
    run(ActionAnswer(), dispatcher, tracker)
    custom = dispatcher.messages[0]["custom"]
    assert kb.entry_of_claim[custom["claim_ids"][0]].id == "dosing-crizotinib-monitoring"


def test_chit_chat_in_between_does_not_break_a_follow_up(dispatcher, kb):
    tracker = make_tracker("how often?", "inform", slots={"topic": "dosing", "drug": "crizotinib"})
    question = {"event": "user", "text": "which blood tests are needed on crizotinib?"}
    question["parse_data"] = {"intent": {"name": "ask_dosing"}}
    thanks = {"event": "user", "text": "thanks, that helps", "parse_data": {"intent": {"name": "thank"}}}
    tracker.events[:0] = [question, thanks]
    run(ActionAnswer(), dispatcher, tracker)
    custom = dispatcher.messages[0]["custom"]
    assert kb.entry_of_claim[custom["claim_ids"][0]].id == "dosing-crizotinib-monitoring"


def test_a_follow_up_beyond_the_loaded_turns_is_read_with_the_last_question_answered(dispatcher, kb):
    # The tracker store loads only recent turns; the question before them is in its slot.
    slots = {"topic": "side_effects", "drug": "crizotinib", "last_question": "does crizotinib cause vision problems?"}
    tracker = make_tracker("is that common?", "inform", slots=slots)
    thanks = {"event": "user", "text": "thanks, that helps", "parse_data": {"intent": {"name": "thank"}}}
    tracker.events[:0] = [thanks, thanks]
    run(ActionAnswer(), dispatcher, tracker)
    custom = dispatcher.messages[0]["custom"]
    assert kb.entry_of_claim[custom["claim_ids"][0]].id == "side-effects-crizotinib-vision"


def test_an_answer_records_its_question_for_later_follow_ups(dispatcher):
    question = "what is the dose of crizotinib?"
    events = run(ActionAnswer(), dispatcher, make_tracker(question, "ask_dosing"))
    assert slots_of(events)["last_question"] == question


def test_a_question_taken_for_an_audience_switch_is_answered(dispatcher):
    tracker = make_tracker("my tumour has a ROS1 change - can crizotinib help?", "set_audience")
    run(ActionSetAudience(), dispatcher, tracker)
    custom = dispatcher.messages[0]["custom"]
    assert custom["type"] == "imt_answer" and custom["claim_ids"]


def test_a_question_taken_for_a_sources_request_is_answered(dispatcher, kb):
    tracker = make_tracker("which ALK fusion partners have been reported in IMT?", "ask_sources")
    run(ActionShowSources(), dispatcher, tracker)
    custom = dispatcher.messages[0]["custom"]
    assert custom["type"] == "imt_answer"
    assert kb.entry_of_claim[custom["claim_ids"][0]].id == "diagnosis-alk-staining-patterns"


def test_a_real_sources_request_is_not_answered_as_a_question(dispatcher):
    run(ActionShowSources(), dispatcher, make_tracker("where does that come from?", "ask_sources"))
    assert dispatcher.messages[0]["response"] == "utter_no_sources_yet"


def test_a_continuation_with_nothing_before_it_is_not_guessed(dispatcher):
    tracker = make_tracker("and for a 6-year-old?", "inform", [{"entity": "population", "value": "pediatric"}])
    events = run(ActionAnswer(), dispatcher, tracker)
    assert dispatcher.messages[0]["response"] == "utter_details_noted"
    assert slots_of(events)["population"] == "pediatric"


def test_a_statement_before_any_question_is_noted_not_answered(dispatcher):
    entities = [{"entity": "population", "value": "pediatric"}, {"entity": "body_site", "value": "pelvis"}]
    tracker = make_tracker(
        "my daughter is 4, they found a mass in her pelvis and the biopsy says IMT", "inform", entities
    )
    events = run(ActionAnswer(), dispatcher, tracker)
    message = dispatcher.messages[0]
    assert message["response"] == "utter_details_noted" and not message.get("custom")
    assert "children" in message["details"] and "pelvis" in message["details"]
    slots = slots_of(events)
    assert slots["population"] == "pediatric" and slots["body_site"] == "pelvis" and slots["topic"] is None
    # The question that follows is answered for that child.
    follow = make_tracker(
        "how is it treated?", "ask_treatment", slots={"population": "pediatric", "body_site": "pelvis"}
    )
    dispatcher.messages.clear()
    run(ActionAnswer(), dispatcher, follow)
    assert dispatcher.messages[0]["custom"]["entities"]["population"] == "pediatric"


def test_a_detail_that_completed_a_question_is_not_the_question_to_complete(dispatcher, kb):
    # "she's 40 kg" after "and for a 12 year old child?" completes the dose question before it.
    tracker = make_tracker(
        "she's 40 kg", "inform", slots={"topic": "dosing", "drug": "alectinib", "population": "pediatric"}
    )
    dose = {
        "event": "user",
        "text": "What is the usual alectinib dose?",
        "parse_data": {"intent": {"name": "ask_dosing"}},
    }
    child = {"event": "user", "text": "ok. and for a 12 year old child?", "parse_data": {"intent": {"name": "inform"}}}
    tracker.events[:0] = [dose, child]
    events = run(ActionAnswer(), dispatcher, tracker)
    custom = dispatcher.messages[0]["custom"]
    assert custom["topic"] == "dosing"
    assert kb.entry_of_claim[custom["claim_ids"][0]].topic.value == "dosing"
    assert slots_of(events)["last_question"] == "What is the usual alectinib dose?"


def test_the_topic_asked_is_the_conversations_though_another_topics_entry_answers(dispatcher, kb):
    # The bladder's entry, an overview of the site, answers a treatment question; the
    # conversation goes on about treatment.
    tracker = make_tracker(
        "Bladder IMT: is TURBT enough or partial cystectomy?",
        "ask_treatment",
        [{"entity": "body_site", "value": "bladder"}],
        intent_ranking=[{"name": "ask_treatment", "confidence": 0.95}, {"name": "ask_overview", "confidence": 0.05}],
    )
    events = run(ActionAnswer(), dispatcher, tracker)
    custom = dispatcher.messages[0]["custom"]
    assert kb.entry_of_claim[custom["claim_ids"][0]].id == "overview-bladder"
    assert slots_of(events)["topic"] == custom["topic"] == "treatment"


def _unsure(text, next_guess, slots=None, earlier=()):
    ranking = [{"name": "nlu_fallback", "confidence": 0.45}, {"name": next_guess, "confidence": 0.3}]
    return make_tracker(text, "nlu_fallback", intent_ranking=ranking, slots=slots, earlier=earlier)


def test_a_message_the_classifier_could_not_place_follows_up_the_conversation(dispatcher, kb):
    slots = {"topic": "dosing", "drug": "crizotinib"}
    tracker = _unsure("how often?", "ask_treatment", slots, ["which blood tests are needed on crizotinib?"])
    run(ActionFallback(), dispatcher, tracker)
    custom = dispatcher.messages[0]["custom"]
    assert kb.entry_of_claim[custom["claim_ids"][0]].id == "dosing-crizotinib-monitoring"


def test_a_sources_request_the_classifier_was_unsure_of_lists_the_sources(dispatcher, kb):
    claims = [c.id for c in kb.entries[0].claims[:2]]
    tracker = _unsure("refs pls?", "ask_sources", {"topic": "overview", "last_claim_ids": claims})
    run(ActionFallback(), dispatcher, tracker)
    assert dispatcher.messages[0]["custom"]["references"]


@pytest.mark.parametrize(
    "slots,next_guess",
    [({}, "ask_treatment"), ({"topic": "dosing"}, "out_of_scope"), ({"topic": "dosing"}, "greet")],
    ids=["no conversation yet", "chat in a conversation", "a greeting in a conversation"],
)
def test_a_message_the_classifier_could_not_place_is_otherwise_asked_again(dispatcher, slots, next_guess):
    run(ActionFallback(), dispatcher, _unsure("zorp blim quux", next_guess, slots))
    assert dispatcher.messages[0]["response"] == "utter_ask_rephrase"


def test_answer_in_patient_language(dispatcher):
    tracker = make_tracker("what are the side effects", "ask_side_effects", slots={"audience": "patient"})
    run(ActionAnswer(), dispatcher, tracker)
    custom = dispatcher.messages[0]["custom"]
    assert custom["audience"] == "patient"
    assert custom["disclaimer"] == templates.DISCLAIMERS["patient"]


def test_rasa_shell_gets_text_only(dispatcher):
    run(ActionAnswer(), dispatcher, make_tracker("what is IMT", "ask_overview", channel="cmdline"))
    assert dispatcher.messages[0]["text"] and not dispatcher.messages[0].get("custom")


def test_sources_lists_full_references_of_the_last_answer(dispatcher, kb):
    answer_dispatcher = type(dispatcher)()
    events = run(ActionAnswer(), answer_dispatcher, make_tracker("how is it treated", "ask_treatment"))
    claim_ids = slots_of(events)["last_claim_ids"]
    run(ActionShowSources(), dispatcher, make_tracker("sources?", "ask_sources", slots={"last_claim_ids": claim_ids}))
    refs = dispatcher.messages[0]["custom"]["references"]
    expected = {r for cid in claim_ids for r in kb.claim_by_id(cid).cites}
    assert {r["ref_id"] for r in refs} == expected
    for ref in refs:
        assert ref["full"] in dispatcher.messages[0]["text"]


def test_sources_before_any_answer(dispatcher):
    run(ActionShowSources(), dispatcher, make_tracker("sources?", "ask_sources"))
    assert dispatcher.messages[0]["response"] == "utter_no_sources_yet"


def test_audience_switch_re_answers_last_question(dispatcher):
    tracker = make_tracker(
        "I'm a parent, please explain simply", "set_audience", slots={"topic": "dosing", "population": "pediatric"}
    )
    events = run(ActionSetAudience(), dispatcher, tracker)
    assert SlotSet("audience", "patient") in events
    custom = dispatcher.messages[0]["custom"]
    assert custom["audience"] == "patient" and custom["topic"] == "dosing"
    assert response_text("utter_audience_set_patient") in custom["lead"]


def test_audience_switch_repeats_the_same_claims(dispatcher):
    first = type(dispatcher)()
    events = run(ActionAnswer(), first, make_tracker("what if I miss a dose?", "ask_dosing"))
    claim_ids = slots_of(events)["last_claim_ids"]
    assert any("missed" in c for c in claim_ids)
    tracker = make_tracker("I'm a patient", "set_audience", slots={**slots_of(events)})
    run(ActionSetAudience(), dispatcher, tracker)
    custom = dispatcher.messages[0]["custom"]
    assert custom["claim_ids"] == claim_ids and custom["audience"] == "patient"


def test_audience_switch_without_previous_answer(dispatcher):
    events = run(
        ActionSetAudience(),
        dispatcher,
        make_tracker("I'm an oncologist", "set_audience", slots={"audience": "patient"}),
    )
    assert SlotSet("audience", "clinician") in events
    assert dispatcher.messages[0]["response"] == "utter_audience_set_clinician"


def test_personal_decision_defers_to_care_team_and_gives_facts(dispatcher):
    tracker = make_tracker(
        "should I stop my crizotinib?",
        "personal_decision",
        [{"entity": "drug", "value": "crizotinib"}],
        intent_ranking=[{"name": "personal_decision", "confidence": 1.0}, {"name": "ask_treatment", "confidence": 0.6}],
    )
    run(ActionPersonalDecision(), dispatcher, tracker)
    message = dispatcher.messages[0]
    assert message["text"].startswith(response_text("utter_care_team"))
    assert message["custom"]["citations"]
    assert "you should stop" not in message["text"].lower()


@pytest.mark.parametrize(
    "kind,response",
    [
        ("empty", "utter_unusable_empty"),
        ("no_text", "utter_unusable_no_text"),
        ("too_long", "utter_unusable_too_long"),
        ("unreadable", "utter_unusable_unreadable"),
        ("other_language", "utter_unusable_other_language"),
        (None, "utter_unusable_other"),
    ],
)
def test_unusable_input_replies_clearly(dispatcher, kind, response):
    tracker = make_tracker("", "unusable_input", extra={"imt_gate": {"kind": kind, "original_length": 5000}})
    run(ActionUnusableInput(), dispatcher, tracker)
    message = dispatcher.messages[0]
    assert message["response"] == response and response in DOMAIN["responses"]
    if kind == "too_long":  # the template's variables come with the message
        assert message["length"] == 5000 and message["limit"] == 1000


def test_follow_up_question_stays_on_the_topic_its_words_fit(dispatcher):
    ranking = [{"name": "ask_overview", "confidence": 0.6}, {"name": "ask_prognosis", "confidence": 0.3}]
    tracker = make_tracker(
        "what if they have severe kidney disease?", "ask_overview", intent_ranking=ranking, slots={"topic": "dosing"}
    )
    run(ActionAnswer(), dispatcher, tracker)
    custom = dispatcher.messages[0]["custom"]
    assert custom["topic"] == "dosing" and "250 mg once daily" in custom["answer"]


def test_answer_refuses_a_question_about_another_condition(dispatcher):
    # Even if the NLU missed it: the latest message names lung cancer and not IMT.
    tracker = make_tracker(
        "what's the alectinib dose for ALK positive lung cancer",
        "ask_dosing",
        [{"entity": "drug", "value": "alectinib"}, {"entity": "other_condition", "value": "lung cancer"}],
    )
    events = run(ActionAnswer(), dispatcher, tracker)
    assert events == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_out_of_scope"]
    assert "custom" not in dispatcher.messages[0] or not dispatcher.messages[0]["custom"]


def test_answer_keeps_imt_compared_with_another_condition(dispatcher):
    tracker = make_tracker(
        "how do you tell IMT from GIST?",
        "ask_diagnosis",
        [{"entity": "other_condition", "value": "gastrointestinal stromal tumour"}],
    )
    run(ActionAnswer(), dispatcher, tracker)
    assert dispatcher.messages[0]["custom"]["type"] == "imt_answer"
