"""The answer composer: selection, citations, disclaimer, and the grounding guarantee."""

import itertools
import re

import pytest

from knowledge import templates as messages
from knowledge.composer import MAX_CLAIMS, compose_answer, select_entries, suggestions_for
from knowledge.context import Context, next_context
from knowledge.render_text import render_text
from knowledge.schema import Audience, Topic
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
            messages.DOSING_POPULATION_UNCLEAR,
            messages.PATIENT_DOSING_NOTE,
            messages.ALTERNATIVES_TEMPLATE,
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
        assert section.heading in (messages.GUIDELINES_HEADING, messages.RESEARCH_HEADING)
        for answer_claim in section.claims:
            claim = kb.claim_by_id(answer_claim.id)
            assert claim is not None
            assert answer_claim.text == claim.text_for(Audience(payload.audience))
            assert [by_number[n] for n in answer_claim.citations] == claim.cites
            pieces.append(f"{answer_claim.text} {''.join(f'[{n}]' for n in answer_claim.citations)}")
    assert payload.answer == " ".join(pieces), "answer contains text that is neither claim nor template"
    assert payload.disclaimer == messages.DISCLAIMERS[Audience(payload.audience)]


def test_grounding_over_topics_facets_and_audiences(kb):
    composed = 0
    for topic, facets, audience in itertools.product(Topic, _facet_grid(), Audience):
        context = Context(topic=topic, audience=audience, named_now=frozenset(facets), **facets)
        payload = compose_answer(kb, context)
        assert_grounded(kb, payload)
        assert len(payload.claim_ids) <= MAX_CLAIMS
        composed += 1
    assert composed > 500


def test_guidelines_come_before_research(kb):
    payload = compose_answer(kb, Context(topic=Topic.treatment))
    headings = [s.heading for s in payload.sections]
    assert headings == sorted(headings, key=[messages.GUIDELINES_HEADING, messages.RESEARCH_HEADING].index)


def test_dosing_without_population_gives_both_groups_and_says_so(kb):
    payload = compose_answer(kb, Context(topic=Topic.dosing))
    text = payload.answer
    assert messages.DOSING_POPULATION_UNCLEAR in payload.intro
    assert "250 mg" in text and "280 mg/m²" in text


def test_pediatric_follow_up_gives_pediatric_dose_only(kb):
    first = next_context(Context(), "ask_dosing", [])
    follow = next_context(first, "inform", [{"entity": "population", "value": "pediatric"}])
    payload = compose_answer(kb, follow, "and for a 6-year-old?")
    assert "280 mg/m²" in payload.answer
    assert not re.search(r"adults?[^.]*250 mg orally twice daily", payload.answer)
    assert payload.entities.population == "pediatric"


def test_patient_dosing_answer_defers_to_care_team(kb):
    payload = compose_answer(kb, Context(topic=Topic.dosing, audience=Audience.patient))
    assert messages.PATIENT_DOSING_NOTE in payload.intro
    assert "BID" not in payload.answer


def test_keywords_pick_the_specific_entry(kb):
    payload = compose_answer(kb, Context(topic=Topic.dosing), "what if I miss a dose?")
    assert any("missed" in claim_id for claim_id in payload.claim_ids)
    payload = compose_answer(kb, Context(topic=Topic.dosing), "dose in severe hepatic impairment")
    assert any("hepatic" in claim_id for claim_id in payload.claim_ids)


def test_named_facet_without_specific_entries_is_said_plainly(kb):
    context = Context(topic=Topic.prognosis, body_site="breast", named_now=frozenset({"body_site"}))
    selection = select_entries(kb, context)
    assert "body_site" in selection.unmatched
    payload = compose_answer(kb, context)
    assert any(
        "no specific prognosis information about breast" in line or "no prognosis information about breast" in line
        for line in payload.intro
    )


def test_citations_are_numbered_in_order_of_first_use(kb):
    payload = compose_answer(kb, Context(topic=Topic.treatment))
    seen = []
    for section in payload.sections:
        for claim in section.claims:
            seen.extend(n for n in claim.citations if n not in seen)
    assert seen == list(range(1, len(seen) + 1))


def test_text_rendering_has_markers_sources_and_disclaimer(kb):
    payload = compose_answer(kb, Context(topic=Topic.overview))
    text = render_text(payload)
    assert "[1]" in text and "\nSources\n" in text and payload.disclaimer in text
    for citation in payload.citations:
        assert citation.link in text


@pytest.mark.parametrize("topic", list(Topic))
def test_suggestions_do_not_repeat_the_question(topic):
    first = suggestions_for(topic)[0]
    assert first not in suggestions_for(topic, first)


def test_topic_follows_the_question_words_among_close_candidates(kb):
    from knowledge.composer import resolve_topic

    question = "what if they have severe kidney disease?"
    assert resolve_topic(kb, Topic.overview, [Topic.dosing], question) == Topic.dosing
    # The classifier's topic stands when its own entries match the question.
    assert resolve_topic(kb, Topic.dosing, [Topic.overview], "what is the dose of crizotinib?") == Topic.dosing
    # Nothing matches anywhere: keep the classifier's choice.
    assert resolve_topic(kb, Topic.prognosis, [Topic.treatment], "hmm ok and then?") == Topic.prognosis
