"""Context carry-over rules: new questions switch topic, follow-ups keep it, facets carry until replaced."""

from knowledge.context import Context, from_slots, next_context
from knowledge.loader import get_knowledge_base
from knowledge.ranker import get_ranker
from knowledge.schema import Audience, Topic


def test_follow_up_keeps_topic_and_adds_detail():
    first = next_context(Context(), "ask_dosing", [{"entity": "drug", "value": "crizotinib"}])
    follow = next_context(first, "inform", [{"entity": "population", "value": "pediatric"}])
    assert follow.topic == Topic.dosing
    assert follow.drug == "crizotinib" and follow.population == "pediatric"
    assert follow.named_now == {"population"}


def test_new_question_switches_topic_and_remembers_every_facet():
    before = Context(
        topic=Topic.dosing, drug="crizotinib", population="pediatric", biomarker="ALK", biomarker_status="positive"
    )
    after = next_context(before, "ask_prognosis", [])
    assert after.topic == Topic.prognosis
    assert (after.drug, after.population, after.biomarker, after.biomarker_status) == (
        "crizotinib",
        "pediatric",
        "ALK",
        "positive",
    )


def test_a_remembered_drug_applies_to_dose_and_side_effect_questions_and_follow_ups_only():
    before = Context(topic=Topic.dosing, drug="crizotinib", population="pediatric")
    assert next_context(before, "ask_prognosis", []).applied().drug is None
    assert next_context(before, "ask_diagnosis", []).applied().population == "pediatric"
    assert next_context(before, "ask_side_effects", []).applied().drug == "crizotinib"
    assert next_context(before, "ask_treatment", [], refers_back=True).applied().drug == "crizotinib"
    assert next_context(before, "inform", [{"entity": "population", "value": "adult"}]).applied().drug == "crizotinib"
    named = next_context(before, "ask_prognosis", [{"entity": "drug", "value": "alectinib"}])
    assert named.applied().drug == "alectinib"


def test_a_new_value_replaces_the_old_one():
    before = Context(topic=Topic.dosing, drug="crizotinib", body_site="lung")
    after = next_context(before, "ask_side_effects", [{"entity": "drug", "value": "alectinib"}])
    assert (after.drug, after.body_site, after.named_now) == ("alectinib", "lung", {"drug"})


def test_in_general_forgets_what_the_question_does_not_name():
    before = Context(topic=Topic.dosing, drug="crizotinib", population="pediatric", body_site="lung")
    after = next_context(before, "ask_treatment", [{"entity": "body_site", "value": "bladder"}], starts_afresh=True)
    assert after.facets() == {
        "drug": None,
        "biomarker": None,
        "biomarker_status": None,
        "population": None,
        "body_site": "bladder",
    }


def test_a_gene_without_a_status_applies_to_its_own_question_only():
    ctx = next_context(Context(), "ask_diagnosis", [{"entity": "gene", "value": "ALK"}])
    assert ctx.biomarker == "ALK"  # "ALK IHC": this question is about the ALK test
    assert ctx.as_slots()["biomarker"] is None  # ... and the conversation does not remember it
    assert next_context(ctx, "ask_prognosis", []).biomarker is None
    positive = next_context(Context(), "ask_diagnosis", [{"entity": "biomarker", "value": "ROS1", "role": "positive"}])
    assert next_context(positive, "ask_prognosis", []).biomarker == "ROS1"


def test_biomarker_status_comes_from_the_entity_role_and_resets_with_a_new_gene():
    ctx = next_context(Context(), "ask_treatment", [{"entity": "biomarker", "value": "ALK", "role": "negative"}])
    assert (ctx.biomarker, ctx.biomarker_status) == ("ALK", "negative")
    ctx = next_context(ctx, "inform", [{"entity": "gene", "value": "ROS1"}])
    assert (ctx.biomarker, ctx.biomarker_status) == ("ROS1", "positive")  # "what about ROS1?"


def test_detail_without_any_topic_infers_one():
    assert next_context(Context(), "inform", [{"entity": "drug", "value": "alectinib"}]).topic == Topic.treatment
    assert next_context(Context(), "inform", [{"entity": "body_site", "value": "lung"}]).topic == Topic.overview


def test_slots_round_trip():
    ctx = Context(topic=Topic.side_effects, audience=Audience.patient, drug="crizotinib", population="adult")
    assert from_slots(ctx.as_slots()) == ctx


def test_a_new_question_that_refers_back_follows_up():
    before = Context(topic=Topic.treatment, drug="crizotinib")
    after = next_context(before, "ask_prognosis", [], refers_back=True)
    assert (after.topic, after.drug, after.follows_up) == (Topic.prognosis, "crizotinib", True)
    assert after.applied().drug == "crizotinib"
    assert not next_context(before, "ask_prognosis", []).follows_up


def test_a_detail_follow_up_follows_up_only_after_a_question():
    assert next_context(Context(topic=Topic.treatment), "inform", []).follows_up
    assert not next_context(Context(), "inform", [{"entity": "drug", "value": "alectinib"}]).follows_up


def test_a_bare_gene_in_a_question_keeps_the_tumours_gene_remembered():
    # "ROS1 FISH worth doing?" in an ALK-positive case asks about the ROS1 test; the case
    # stays ALK-positive for the questions after it.
    case = next_context(Context(), "ask_treatment", [{"entity": "biomarker", "value": "ALK", "role": "positive"}])
    test = next_context(case, "ask_diagnosis", [{"entity": "gene", "value": "ROS1"}])
    assert (test.biomarker, test.biomarker_status) == ("ROS1", None)
    slots = test.as_slots()
    assert (slots["biomarker"], slots["biomarker_status"]) == ("ALK", "positive")
    after = next_context(from_slots(slots), "ask_prognosis", [])
    assert (after.biomarker, after.biomarker_status) == ("ALK", "positive")


def test_a_parents_son_or_daughter_is_a_child_until_an_age_or_population_says_otherwise():
    ranker = get_ranker(get_knowledge_base())
    implied = ranker.implied_population("our daughter's IMT is in her bladder, what now?")
    assert implied == "pediatric"
    assert ranker.implied_population("my grown-up son has an IMT in his lung") is None
    assert ranker.implied_population("is IMT more common in girls?") is None
    ctx = next_context(Context(), "ask_overview", [], implied_population=implied)
    assert ctx.population == "pediatric" and "population" not in ctx.named_now
    # An age or a population named wins, now or later.
    aged = [{"entity": "population", "value": "adult"}]
    assert next_context(Context(), "ask_overview", aged, implied_population=implied).population == "adult"
    adult = Context(topic=Topic.overview, population="adult")
    assert next_context(adult, "ask_treatment", [], implied_population=implied).population == "adult"
