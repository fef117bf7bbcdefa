"""Context carry-over rules: new questions switch topic, follow-ups keep it."""

from knowledge.context import Context, from_slots, next_context
from knowledge.schema import Audience, Topic


def test_follow_up_keeps_topic_and_adds_detail():
    first = next_context(Context(), "ask_dosing", [{"entity": "drug", "value": "crizotinib"}])
    follow = next_context(first, "inform", [{"entity": "population", "value": "pediatric"}])
    assert follow.topic == Topic.dosing
    assert follow.drug == "crizotinib" and follow.population == "pediatric"
    assert follow.named_now == {"population"}


def test_new_question_switches_topic_keeps_patient_facets_and_drops_drug():
    before = Context(
        topic=Topic.dosing, drug="crizotinib", population="pediatric", biomarker="ALK", biomarker_status="positive"
    )
    after = next_context(before, "ask_prognosis", [])
    assert after.topic == Topic.prognosis
    assert after.drug is None
    assert (after.population, after.biomarker, after.biomarker_status) == ("pediatric", "ALK", "positive")


def test_biomarker_status_comes_from_the_entity_role_and_resets_with_a_new_gene():
    ctx = next_context(Context(), "ask_treatment", [{"entity": "biomarker", "value": "ALK", "role": "negative"}])
    assert (ctx.biomarker, ctx.biomarker_status) == ("ALK", "negative")
    ctx = next_context(ctx, "inform", [{"entity": "biomarker", "value": "ROS1"}])
    assert (ctx.biomarker, ctx.biomarker_status) == ("ROS1", None)


def test_detail_without_any_topic_infers_one():
    assert next_context(Context(), "inform", [{"entity": "drug", "value": "alectinib"}]).topic == Topic.treatment
    assert next_context(Context(), "inform", [{"entity": "body_site", "value": "lung"}]).topic == Topic.overview


def test_slots_round_trip():
    ctx = Context(topic=Topic.side_effects, audience=Audience.patient, drug="crizotinib", population="adult")
    assert from_slots(ctx.as_slots()) == ctx


def test_a_new_question_that_refers_back_keeps_the_drug():
    before = Context(topic=Topic.dosing, drug="crizotinib")
    after = next_context(before, "ask_side_effects", [], refers_back=True)
    assert (after.topic, after.drug, after.follows_up) == (Topic.side_effects, "crizotinib", True)
    assert next_context(before, "ask_side_effects", []).drug is None


def test_a_detail_follow_up_follows_up_only_after_a_question():
    assert next_context(Context(topic=Topic.treatment), "inform", []).follows_up
    assert not next_context(Context(), "inform", [{"entity": "drug", "value": "alectinib"}]).follows_up
