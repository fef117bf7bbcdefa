"""The NLU components around the classifier: InputGuard first, SafetyGate last."""

from rasa.shared.nlu.training_data.message import Message

from nlu.components.safety_gate import GATE_KEY, InputGuard, SafetyGate
from tests.conftest import message_classified_as


def _through_gate(text, classifier_intent, ranking):
    message = Message(data={"text": text})
    InputGuard().process([message])
    message.set("intent", classifier_intent)
    message.set("intent_ranking", ranking)
    SafetyGate().process([message])
    return message


def test_rules_override_the_classifier():
    message = _through_gate(
        "I have chest pain",
        {"name": "ask_side_effects", "confidence": 0.9},
        [{"name": "ask_side_effects", "confidence": 0.9}],
    )
    assert message.get("intent") == {"name": "red_flag", "confidence": 1.0}
    assert message.get("intent_ranking")[0]["name"] == "red_flag"
    assert {"entity": "triage_category", "value": "chest_pain"}.items() <= message.get("entities")[-1].items()
    assert message.get(GATE_KEY)["level"] == "emergency"


def test_an_acknowledgement_is_thanks_whatever_the_classifier_says():
    message = _through_gate("ok", {"name": "inform", "confidence": 0.63}, [{"name": "inform", "confidence": 0.63}])
    assert message.get("intent") == {"name": "thank", "confidence": 1.0}


def test_input_guard_cleans_text_and_records_the_verdict():
    message = Message(data={"text": "<i>what is IMT?</i>\x00"})
    InputGuard().process([message])
    assert message.get("text") == "what is IMT?"
    assert message.get(GATE_KEY) == {"kind": None, "original_length": 20}


def test_unconfident_classifier_red_flag_is_demoted():
    ranking = [{"name": "red_flag", "confidence": 0.5}, {"name": "ask_side_effects", "confidence": 0.4}]
    message = _through_gate("does it hurt", ranking[0], ranking)
    assert message.get("intent")["name"] == "ask_side_effects"


def test_confident_classifier_red_flag_is_kept():
    ranking = [{"name": "red_flag", "confidence": 0.95}, {"name": "ask_side_effects", "confidence": 0.05}]
    message = _through_gate("something is very wrong with my dad", ranking[0], ranking)
    assert message.get("intent")["name"] == "red_flag"
    assert message.get("entities")[-1]["value"] == "general_emergency"


def test_gate_only_intent_from_classifier_is_never_kept():
    ranking = [{"name": "personal_decision", "confidence": 0.9}, {"name": "ask_dosing", "confidence": 0.1}]
    message = _through_gate("how often are labs drawn", ranking[0], ranking)
    assert message.get("intent")["name"] == "ask_dosing"


def test_a_decision_about_another_condition_stays_out_of_scope():
    # The scope gate, before this one, sent it out of scope: the reply says the question is not
    # about IMT, not that the care team decides about IMT.
    tamoxifen = "Should I take tamoxifen for 5 or 10 years after breast cancer?"
    out = {"name": "out_of_scope", "confidence": 1.0}
    assert _through_gate(tamoxifen, out, [out]).get("intent")["name"] == "out_of_scope"
    own = {"name": "ask_treatment", "confidence": 0.8}
    decision = _through_gate("should I stop taking my crizotinib?", own, [own])
    assert decision.get("intent")["name"] == "personal_decision"
    # An emergency still overrides scope.
    assert _through_gate("I have chest pain after my tamoxifen", out, [out]).get("intent")["name"] == "red_flag"


def _through_scope_gate(text, classifier_intent):
    from nlu.components.imt_entities import find_entities
    from nlu.components.scope_gate import ScopeGate

    message = message_classified_as(text, classifier_intent, 0.6, entities=find_entities(text))
    ScopeGate().process([message])
    return message.get("intent")["name"]


def test_scope_gate_answers_a_question_the_classifier_sent_away_when_the_knowledge_base_answers_it():
    # Close to questions the knowledge base answers, naming no other condition.
    assert _through_scope_gate("what is the crizotinib dose for children with IMT?", "nlu_fallback") == "ask_dosing"
    assert _through_scope_gate("how often does IMT come back after surgery?", "out_of_scope") == "ask_prognosis"


def test_scope_gate_answers_an_unsure_question_that_names_imt_terms_at_a_lower_closeness():
    # Closeness 0.43: under the bar for any question, over the bar for one naming IMT terms.
    pfs = "median PFS in the 2021 CREATE update, ALK-pos vs ALK-neg?"
    assert _through_scope_gate(pfs, "nlu_fallback") in {"ask_prognosis", "ask_treatment"}
    # A confident out-of-scope guess keeps the higher bar; no IMT term, no lower bar.
    assert _through_scope_gate(pfs, "out_of_scope") == "out_of_scope"
    assert _through_scope_gate("who won the champions league last year", "nlu_fallback") == "nlu_fallback"


def test_scope_gate_answers_a_question_that_names_imt_however_far_from_known_questions():
    for text in ["Is IMT related to lung cancer?", "My son has IMT and asthma, can he still take crizotinib?"]:
        assert _through_scope_gate(text, "out_of_scope").startswith("ask_"), text


def test_scope_gate_answers_what_the_scope_rules_keep_in_though_the_classifier_sent_it_out():
    # Another condition named only to compare the user's own tumour, or with the user's drug.
    for text in ["is her tumour anything like the lymphoma her cousin had?", "does omeprazole interact with it?"]:
        assert _through_scope_gate(text, "out_of_scope").startswith("ask_"), text
    assert _through_scope_gate("does warfarin interact with amiodarone?", "out_of_scope") == "out_of_scope"
    # Giving something "with it", the user's drug, though no condition or drug is named.
    assert _through_scope_gate("ok to give her calpol alongside it?", "out_of_scope").startswith("ask_")


def test_scope_gate_takes_an_elliptical_follow_up_that_names_a_detail_for_one():
    # Far from every known question, yet a follow-up: the answer resolves it in context.
    assert _through_scope_gate("and in children specifically?", "nlu_fallback") == "inform"
    assert _through_scope_gate("what about the bladder?", "out_of_scope") == "inform"
    # A continuation that asks something of its own, or names nothing of IMT, is not.
    assert _through_scope_gate("and the weather in paris?", "nlu_fallback") == "nlu_fallback"
    assert _through_scope_gate("and lung cancer?", "nlu_fallback") == "out_of_scope"


def test_scope_gate_answers_a_false_belief_the_knowledge_base_corrects():
    belief = "they took the whole tumour out so it can never come back now, right?"
    assert _through_scope_gate(belief, "nlu_fallback") == "ask_prognosis"
    assert _through_scope_gate("the weather is lovely today, right?", "nlu_fallback") == "nlu_fallback"


def test_scope_gate_answers_a_question_the_classifier_took_for_chat():
    # The classifier read these false beliefs as goodbyes (0.54, 0.46).
    gone = "my surgeon got it all out, so it's gone for good, right?"
    assert _through_scope_gate(gone, "goodbye") == "ask_prognosis"
    chemo = "the surgeon got it all out, but I'll still need chemo afterwards to be safe, right?"
    assert _through_scope_gate(chemo, "goodbye").startswith("ask_")
    # Chat that asks nothing, or asks nothing the knowledge base answers, stays chat.
    assert _through_scope_gate("got it all, thanks, bye", "goodbye") == "goodbye"
    assert _through_scope_gate("thanks! see you next week?", "goodbye") == "goodbye"
    assert _through_scope_gate("hi there, how are you?", "greet") == "greet"


def test_scope_gate_reads_a_bare_follow_up_as_the_question_before_asked_again():
    # The classifier reads a topic into the bare words ("how often" as side effects' frequency).
    bare = [
        ("how often?", "ask_side_effects"),
        ("for how long", "ask_dosing"),
        ("and methotrexate?", "ask_treatment"),
        # A name put to the question before ("which drug is approved?" ... "would that be Xalkori?").
        ("could that be lorlatinib?", "ask_side_effects"),
    ]
    for text, guess in bare:
        assert _through_scope_gate(text, guess) == "inform", text
    # A question of its own that opens the same way keeps its topic.
    assert _through_scope_gate("could it be lorlatinib causing the swelling?", "ask_side_effects") == "ask_side_effects"
    # Its topic guesses leave the ranking, so the answer takes the conversation's topic.
    from nlu.components.imt_entities import find_entities
    from nlu.components.scope_gate import ScopeGate

    message = message_classified_as("how often?", "ask_side_effects", 0.99, entities=find_entities("how often?"))
    ScopeGate().process([message])
    assert [r["name"] for r in message.get("intent_ranking")] == ["inform"]
    # A question of its own keeps its topic.
    assert _through_scope_gate("how often do the scans happen?", "ask_prognosis") == "ask_prognosis"
    assert _through_scope_gate("and what are its side effects?", "ask_side_effects") == "ask_side_effects"


def _through_boundary_gate(text, ranking):
    from nlu.components.topic_boundary_gate import TopicBoundaryGate

    message = message_classified_as(text, ranking[0][0], ranking[0][1])
    message.set("intent_ranking", [{"name": n, "confidence": c} for n, c in ranking])
    TopicBoundaryGate().process([message])
    return message


def test_how_long_a_treatment_is_taken_is_a_treatment_question():
    ranking = [("ask_prognosis", 0.9), ("ask_treatment", 0.08), ("ask_dosing", 0.02)]
    for text in [
        "how long do pts stay on it?",
        "how long does the course last?",
        "how long is crizotinib given for?",
        "how long will she be on the tablets?",
        "how many months is the chemo course?",
    ]:
        message = _through_boundary_gate(text, ranking)
        assert message.get("intent")["name"] == "ask_treatment", text
        # The two topics trade places, the guide's asked as certain; the others keep theirs.
        assert [(r["name"], r["confidence"]) for r in message.get("intent_ranking")] == [
            ("ask_treatment", 1.0),
            ("ask_prognosis", 0.08),
            ("ask_dosing", 0.02),
        ]
    # How long a response, a remission or the surveillance lasts stays prognosis.
    for text in [
        "how long do responses to crizotinib last?",
        "how long should we keep doing scans after treatment?",
        "how long will he live on treatment?",
        "how long until it comes back after stopping treatment?",
        "how long does it usually keep working?",
    ]:
        assert _through_boundary_gate(text, ranking).get("intent")["name"] == "ask_prognosis", text
    # Only a prognosis guess is moved.
    side = [("ask_side_effects", 0.9), ("ask_prognosis", 0.1)]
    assert _through_boundary_gate("how long does the nausea last when taking it?", side).get("intent")["name"] == (
        "ask_side_effects"
    )


def test_stopping_a_treatment_is_a_treatment_question():
    ranking = [("ask_prognosis", 0.8), ("ask_treatment", 0.15), ("ask_dosing", 0.05)]
    for text in [
        "she's had 2 years of alectinib and the team wants to stop it, is that safe?",
        "can he come off crizotinib now the scan is clear?",
    ]:
        assert _through_boundary_gate(text, ranking).get("intent")["name"] == "ask_treatment", text
    # Whether the tumour comes back after stopping, or when a drug stops working, stays prognosis.
    for text in ["will it come back if we stop crizotinib?", "when does crizotinib usually stop working?"]:
        assert _through_boundary_gate(text, ranking).get("intent")["name"] == "ask_prognosis", text


def test_a_test_result_that_comes_back_is_a_diagnosis_question():
    ranking = [("ask_prognosis", 0.62), ("inform", 0.21), ("ask_diagnosis", 0.1)]
    message = _through_boundary_gate("and if it comes back ALK negative?", ranking)
    assert message.get("intent")["name"] == "ask_diagnosis"
    # The guide's boundary decides, as a rule does: asked as certain.
    assert message.get("intent_ranking")[0] == {"name": "ask_diagnosis", "confidence": 1.0}
    assert message.get("intent")["confidence"] == 1.0
    # A tumour that comes back is a recurrence.
    for text in ["what if it comes back after surgery?", "what if it comes back in the lung?"]:
        assert _through_boundary_gate(text, ranking).get("intent")["name"] == "ask_prognosis", text


def test_how_it_is_found_is_diagnosis_and_how_it_is_managed_is_treatment():
    overview = [("ask_overview", 0.7), ("ask_diagnosis", 0.2), ("ask_treatment", 0.1)]
    for text in ["how is a lung IMT in a teenager diagnosed?", "what scan would show it?"]:
        assert _through_boundary_gate(text, overview).get("intent")["name"] == "ask_diagnosis", text
    for text in ["orbital IMT in an adult - how is it managed?", "can they take it out completely?"]:
        assert _through_boundary_gate(text, overview).get("intent")["name"] == "ask_treatment", text
    # What the tumour is stays overview; a question about tests is not a management question.
    for text in ["how common is IMT in the orbit?", "what are the options for testing for ROS1?"]:
        assert _through_boundary_gate(text, overview).get("intent")["name"] == "ask_overview", text
    diagnosis = [("ask_diagnosis", 0.6), ("ask_treatment", 0.3), ("ask_overview", 0.1)]
    assert (
        _through_boundary_gate("so how do they get rid of it, take it out?", diagnosis).get("intent")["name"]
        == "ask_treatment"
    )


def test_a_boundary_cue_makes_an_unsure_guess_of_its_topic_sure():
    ranking = [("ask_treatment", 0.6), ("ask_side_effects", 0.3), ("ask_overview", 0.1)]
    message = _through_boundary_gate("has lorlatinib been tried in IMT?", ranking)
    assert message.get("intent")["name"] == "ask_treatment" and message.get("intent")["confidence"] == 1.0
    # Without a cue the classifier's confidence stands.
    message = _through_boundary_gate("what about lorlatinib?", ranking)
    assert message.get("intent")["confidence"] == 0.6


def test_what_is_done_when_it_comes_back_or_grows_is_a_treatment_question():
    ranking = [("ask_prognosis", 0.9), ("ask_treatment", 0.08), ("ask_dosing", 0.02)]
    for text in [
        "it has grown back after the operation, what now?",
        "still progressing on lorlatinib. next line?",
        "what margins are recommended for a chest wall IMT?",
        "the relapse is in the same spot - resectable?",
        "will he need more chemo?",
        "if it recurs what's the treatment then",
    ]:
        assert _through_boundary_gate(text, ranking).get("intent")["name"] == "ask_treatment", text
    # How things turn out stays prognosis, and so does whether a drug works again.
    for text in [
        "what are the odds it grows back after we stop?",
        "survival after a second recurrence?",
        "how likely is it to return if the margins were involved?",
        "does crizotinib work again if restarted after a relapse?",
        "if it comes back, will it come back for good?",
    ]:
        assert _through_boundary_gate(text, ranking).get("intent")["name"] == "ask_prognosis", text


def test_how_a_drug_is_taken_is_dosing_and_whether_it_is_used_is_treatment():
    side_effects = [("ask_side_effects", 0.95), ("ask_dosing", 0.03), ("ask_treatment", 0.02)]
    for text in [
        "is it ok to take it without food?",
        "he spat it out straight after, do we give another?",
        "the dose can be cut if the rash gets bad?",
        "she forgot a dose last night",
    ]:
        assert _through_boundary_gate(text, side_effects).get("intent")["name"] == "ask_dosing", text
    for text in ["is lorlatinib used for children with IMT?", "has entrectinib been tried in adults?"]:
        assert _through_boundary_gate(text, side_effects).get("intent")["name"] == "ask_treatment", text
    # A risk or a check stays side effects: a lower dose's effects, vomiting as a symptom,
    # a drug in pregnancy, a food interaction.
    for text in [
        "does a lower dose mean fewer side effects?",
        "is vomiting after every dose normal?",
        "can lorlatinib be used in pregnancy?",
        "does grapefruit interact with it if taken with food?",
    ]:
        assert _through_boundary_gate(text, side_effects).get("intent")["name"] == "ask_side_effects", text


def test_scope_gate_keeps_chat_and_other_conditions_out():
    assert _through_scope_gate("how long do I cook pasta", "out_of_scope") == "out_of_scope"
    assert _through_scope_gate("tell me a joke", "nlu_fallback") == "nlu_fallback"
    # Another condition overrides even a confident topic guess.
    lung_cancer_dose = "what is the alectinib dose for ALK positive lung cancer"
    assert _through_scope_gate(lung_cancer_dose, "ask_dosing") == "out_of_scope"


def test_scope_gate_builds_the_premise_detector_only_for_a_message_that_asserts(monkeypatch):
    # Building it takes seconds: a fallback such as "tell me a joke" must not wait for it.
    import knowledge.premises as premises

    built = []
    monkeypatch.setattr(premises, "get_premise_detector", lambda kb: built.append(kb))
    assert _through_scope_gate("tell me a joke about cats", "nlu_fallback") == "nlu_fallback"
    assert not built


def _through_statement_gate(text, classifier_intent):
    from nlu.components.statement_gate import StatementGate

    message = message_classified_as(text, classifier_intent)
    StatementGate().process([message])
    return message.get("intent")["name"]


def test_statement_gate_reads_a_statement_as_a_detail_whatever_topic_its_words_suggest():
    assert (
        _through_statement_gate("my baby is 9 months old and they think it's IMT in the liver", "ask_dosing")
        == "inform"
    )
    assert _through_statement_gate("they found a mass in her pelvis", "nlu_fallback") == "inform"
    assert _through_statement_gate("my son has an IMT in his lung, is it cancer?", "ask_overview") == "ask_overview"
    assert (
        _through_statement_gate("my son is on crizotinib and has diarrhoea", "ask_side_effects") == "ask_side_effects"
    )
    # Not a question intent to begin with: left alone.
    assert _through_statement_gate("my son is 12", "out_of_scope") == "out_of_scope"
