"""The answer composer: the best entry first, corrections, citations, disclaimer, and the
grounding guarantee."""

import itertools
import re
from dataclasses import replace

import pytest

from knowledge import templates as messages
from knowledge.composer import MAX_CLAIMS, compose_answer
from knowledge.context import Context, next_context
from knowledge.render_text import render_text
from knowledge.schema import Audience, KnowledgeBase, Topic
from knowledge.vocabulary import load_vocabulary

VOCABULARY = load_vocabulary()
DRUGS, BIOMARKERS = VOCABULARY.values("drug"), VOCABULARY.values("biomarker")
POPULATIONS, BODY_SITES = VOCABULARY.values("population"), VOCABULARY.values("body_site")


def _template_regex(template: str) -> str:
    parts = re.split(r"\{[a-z_]+\}", template)
    return ".+?".join(re.escape(p) for p in parts)


ALLOWED_INTRO = re.compile(
    "^(?:"
    + "|".join(
        _template_regex(t)
        for t in [
            messages.CONTEXT_TEMPLATE,
            messages.NO_SPECIFIC_TEMPLATE,
            messages.NOTHING_FOUND_TEMPLATE,
            messages.NOTHING_AT_ALL,
            messages.CLOSEST_QUESTIONS,
            messages.NOT_REVIEWED_NEAREST,
            messages.NOTHING_REVIEWED_YET,
            messages.RELATED_QUESTIONS,
            messages.DOSING_POPULATION_UNCLEAR,
            messages.PATIENT_DOSING_NOTE,
        ]
    )
    + ")$"
)


def _facet_grid():
    yield {}
    for drug in sorted(DRUGS):
        yield {"drug": drug}
    for gene, status in itertools.product(sorted(BIOMARKERS), [None, "positive", "negative"]):
        yield {"biomarker": gene, "biomarker_status": status}
    for population in sorted(POPULATIONS):
        yield {"population": population}
        yield {"population": population, "biomarker": "ALK", "biomarker_status": "positive"}
    for site in sorted(BODY_SITES):
        yield {"body_site": site}


def assert_grounded(kb, payload):
    """Every sentence comes from a claim or a fixed template; every claim's citations are shown."""
    by_number = {c.n: c.ref_id for c in payload.citations}
    assert sorted(by_number) == list(range(1, len(by_number) + 1))
    pieces = []
    for line in payload.intro:
        assert ALLOWED_INTRO.match(line), f"intro line not from a template: {line!r}"
        pieces.append(line)
    for section in payload.sections:
        assert section.heading in (messages.GUIDELINES_HEADING, messages.RESEARCH_HEADING, messages.CORRECTION_HEADING)
        for index, answer_claim in enumerate(section.claims):
            claim = kb.claim_by_id(answer_claim.id)
            assert claim is not None
            assert answer_claim.text == claim.text_for(Audience(payload.audience))
            assert [by_number[n] for n in answer_claim.citations] == claim.cites
            lead = f"{section.heading} " if section.heading == messages.CORRECTION_HEADING and index == 0 else ""
            pieces.append(f"{lead}{answer_claim.text} {''.join(f'[{n}]' for n in answer_claim.citations)}")
    assert payload.answer == " ".join(pieces), "answer contains text that is neither claim nor template"
    assert payload.disclaimer == messages.DISCLAIMERS[Audience(payload.audience)]


QUESTIONS = [
    "",
    "what is the dose?",
    "what does the tumor look like?",
    "how often does it come back?",
    "side effects?",
    "my surgeon got it all out so it's gone for good, right?",
    "tell me a joke",
]


def test_grounding_over_questions_facets_and_audiences(kb):
    composed = 0
    for question, facets, audience in itertools.product(QUESTIONS, _facet_grid(), Audience):
        context = Context(audience=audience, named_now=frozenset(facets), **facets)
        payload = compose_answer(kb, context, question)
        assert_grounded(kb, payload)
        assert len(payload.claim_ids) <= MAX_CLAIMS
        composed += 1
    assert composed > 500


@pytest.mark.parametrize(
    "entry_id", [e.id for e in __import__("knowledge.loader").loader.load_knowledge_base().entries]
)
def test_every_entry_answers_its_own_suggestion_question(kb, entry_id):
    """A "More:" suggestion, clicked or typed, is answered by the entry it stands for."""
    entry = next(e for e in kb.entries if e.id == entry_id)
    payload = compose_answer(kb, Context(), entry.ask)
    assert payload.claim_ids, entry.ask
    assert kb.entry_of_claim[payload.claim_ids[0]].id == entry_id, entry.ask
    assert_grounded(kb, payload)


def test_the_direct_answer_comes_first_and_is_short(kb):
    payload = compose_answer(kb, Context(), "At what age is IMT usually diagnosed?")
    assert 0 < len(payload.claim_ids) <= MAX_CLAIMS
    assert "age" in payload.sections[0].claims[0].text.lower()


def test_dosing_without_population_gives_one_group_and_offers_the_other(kb):
    payload = compose_answer(kb, Context(), "what is the dose of crizotinib?")
    assert any(line.startswith("You did not say which patient group") for line in payload.intro)
    assert "250 mg" in payload.answer
    assert any("children" in s for s in payload.suggestions)


def test_pediatric_follow_up_gives_pediatric_dose(kb):
    first = next_context(Context(), "ask_dosing", [{"entity": "drug", "value": "crizotinib"}])
    follow = next_context(first, "inform", [{"entity": "population", "value": "pediatric"}])
    payload = compose_answer(kb, follow, "and for a 6-year-old?", previous_question="what is the crizotinib dose?")
    assert "280 mg/m²" in payload.answer
    assert not re.search(r"adults?[^.]*250 mg orally twice daily", payload.answer)
    assert payload.entities.population == "pediatric"


def test_patient_dosing_answer_defers_to_care_team(kb):
    payload = compose_answer(kb, Context(audience=Audience.patient), "what dose of crizotinib do adults take?")
    assert messages.PATIENT_DOSING_NOTE in payload.intro
    assert "BID" not in payload.answer


@pytest.mark.parametrize(
    "question,entry_id",
    [
        ("what if I miss a dose?", "dosing-crizotinib-missed-dose"),
        ("dose in severe hepatic impairment", "dosing-crizotinib-hepatic-impairment-adult"),
        ("What fusion partners has ALK got in these tumours?", "diagnosis-alk-staining-patterns"),
        ("what blood tests are done while on xalkori and how often", "dosing-crizotinib-monitoring"),
    ],
)
def test_the_entry_that_answers_is_chosen_across_topics(kb, question, entry_id):
    payload = compose_answer(kb, Context(topic=Topic.overview), question)  # the NLU's topic is no wall
    assert kb.entry_of_claim[payload.claim_ids[0]].id == entry_id


def test_a_named_drug_never_gets_another_drugs_facts(kb):
    context = Context(drug="alectinib", named_now=frozenset({"drug"}))
    payload = compose_answer(kb, context, "what is the alectinib dose?")
    for claim_id in payload.claim_ids:
        assert "crizotinib" not in kb.entry_of_claim[claim_id].facets.drug


def test_a_false_premise_is_corrected_first(kb):
    payload = compose_answer(kb, Context(), "my surgeon got it all out so it's gone for good, right?")
    assert payload.sections[0].heading == messages.CORRECTION_HEADING
    assert payload.answer.startswith(messages.CORRECTION_HEADING)


def test_a_neutral_question_gets_no_correction(kb):
    for question in ["can IMT come back after surgery?", "is IMT cancer?", "what is the dose for children?"]:
        payload = compose_answer(kb, Context(), question)
        assert all(s.heading != messages.CORRECTION_HEADING for s in payload.sections), question


def test_a_question_nothing_answers_gets_the_closest_questions_not_a_guess(kb):
    payload = compose_answer(kb, Context(), "tell me a joke")
    assert not payload.claim_ids and not payload.citations
    assert messages.CLOSEST_QUESTIONS in payload.intro and payload.suggestions


def test_named_facet_without_specific_entries_is_said_plainly(kb):
    context = Context(body_site="breast", named_now=frozenset({"body_site"}))
    payload = compose_answer(kb, context, "what is the outlook?")
    assert any("information about breast" in line for line in payload.intro)


def test_citations_are_numbered_in_order_of_first_use(kb):
    payload = compose_answer(kb, Context(), "how well does crizotinib work in adults?")
    seen = []
    for section in payload.sections:
        for claim in section.claims:
            seen.extend(n for n in claim.citations if n not in seen)
    assert seen == list(range(1, len(seen) + 1))


def test_text_rendering_has_markers_sources_disclaimer_and_more(kb):
    payload = compose_answer(kb, Context(), "what is IMT?")
    text = render_text(payload)
    assert "[1]" in text and "\nSources\n" in text and payload.disclaimer in text
    for citation in payload.citations:
        assert citation.link in text
    for suggestion in payload.suggestions:
        assert f"{messages.MORE_LABEL} {suggestion}" in text


def test_suggestions_never_repeat_the_question(kb):
    for entry in kb.entries:
        assert entry.ask not in compose_answer(kb, Context(), entry.ask).suggestions


def test_a_carried_drug_is_a_wall_and_the_missing_dose_is_said_plainly(kb):
    """ "What is the ceritinib dose?" then "and for a 6 year old child?": never crizotinib's dose."""
    first = next_context(Context(), "ask_dosing", [{"entity": "drug", "value": "ceritinib"}])
    follow = next_context(first, "inform", [{"entity": "population", "value": "pediatric"}])
    earlier = "What is the dose of ceritinib?"
    payload = compose_answer(kb, follow, "and for a 6 year old child?", previous_question=earlier)
    assert not any(kb.entry_of_claim[c].facets.drug == ["crizotinib"] for c in payload.claim_ids)
    assert "280 mg/m" not in payload.answer
    assert any("ceritinib in children" in line for line in payload.intro)
    assert_grounded(kb, payload)


def test_a_topic_with_nothing_on_the_drug_is_said_so_not_answered_from_another(kb):
    # The knowledge base now has alectinib side effects; drop them to keep a drug with nothing on the topic.
    entries = [e for e in kb.entries if not (e.topic == Topic.side_effects and "alectinib" in e.facets.drug)]
    kb = KnowledgeBase(references=kb.references, entries=entries)
    context = Context(drug="alectinib", named_now=frozenset({"drug"}))
    payload = compose_answer(
        kb, context, "What are the common side effects of alectinib?", topic_confidence={Topic.side_effects: 1.0}
    )
    assert payload.topic == Topic.side_effects and not payload.claim_ids
    assert any("no side-effect information about alectinib" in line for line in payload.intro)
    assert messages.RELATED_QUESTIONS in payload.intro and payload.suggestions
    assert_grounded(kb, payload)


def test_a_facet_swap_asks_the_question_before_again(kb):
    first = next_context(Context(), "ask_treatment", [{"entity": "body_site", "value": "lung"}])
    first = replace(first, topic=Topic.treatment)
    follow = next_context(first, "inform", [{"entity": "body_site", "value": "bladder"}])
    payload = compose_answer(kb, follow, "and in the bladder?", previous_question="How is lung IMT operated on?")
    assert payload.topic == Topic.treatment
    assert payload.claim_ids and not any(c.startswith("treatment-surgery-lung") for c in payload.claim_ids)
