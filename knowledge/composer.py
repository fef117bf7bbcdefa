"""Compose an answer payload from the knowledge base: select entries, then assemble.

Pure functions over the validated knowledge base (no Rasa imports), so they are unit
tested directly and every answer is built from claim text plus the connective templates
in knowledge/templates.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple

from knowledge import templates as messages
from knowledge.context import FACETS, Context
from knowledge.loader import load_suggestions
from knowledge.schema import (
    AnswerClaim,
    AnswerEntities,
    AnswerPayload,
    AnswerSection,
    Audience,
    Citation,
    Claim,
    Entry,
    KnowledgeBase,
    Reference,
    ReviewStatus,
    SourcesPayload,
    Topic,
)

MAX_CLAIMS = 7
KEYWORD_POINTS = 4  # per question word matching an entry keyword; a facet match is 3
_STATUS_ORDER = [ReviewStatus.draft, ReviewStatus.under_review, ReviewStatus.approved]


@dataclass(frozen=True)
class Selection:
    entries: Tuple[Entry, ...]
    unmatched: Tuple[str, ...]  # facets the question named that no entry of the topic covers


def _mentions(question: str, keyword: str) -> bool:
    """Whole-word match, allowing a plural ("kid" does not match "kidney")."""
    return re.search(rf"\b{re.escape(keyword)}(?:s|es)?\b", question) is not None


def _keyword_hits(entry: Entry, question: str, common: FrozenSet[str]) -> int:
    return sum(1 for keyword in entry.keywords if keyword not in common and _mentions(question, keyword))


def _facet_score(entry: Entry, context: Context, asked_for: bool) -> Optional[int]:
    """None excludes the entry; otherwise 3 points per facet it specifically matches.

    An entry specific to a facet the question did not name is shown only when it is
    core or when the question's own words point at it (`asked_for`).
    """
    score = 0
    for name in FACETS:
        wanted, covered = context.facet(name), getattr(entry.facets, name)
        if not covered:
            continue
        if wanted is None:
            if not (entry.core or asked_for):
                return None
        elif wanted in covered:
            score += 3
        else:
            return None
    return score


def topic_evidence(kb: KnowledgeBase, question: str) -> Dict[Topic, float]:
    """For each topic, how specifically the question's words match its best entry."""
    question = question.lower()
    best: Dict[Topic, float] = {topic: 0.0 for topic in Topic}
    for entry, weights in kb.keyword_weights:
        score = sum(weight for keyword, weight in weights.items() if _mentions(question, keyword))
        best[entry.topic] = max(best[entry.topic], score)
    return best


# Evidence a runner-up needs (about one keyword found in at most a few entries).
MIN_SWITCH_EVIDENCE = 2.0


def resolve_topic(kb: KnowledgeBase, predicted: Topic, candidates: Sequence[Topic], question: str) -> Topic:
    """Keep the classifier's topic unless none of its entries shares a keyword with the
    question while a candidate's entries clearly do (candidates: the classifier's
    runners-up and the conversation's current topic). "What if they have severe kidney
    disease?" after a dosing answer stays on dosing even if the classifier says overview."""
    evidence = topic_evidence(kb, question)
    if evidence[predicted] > 0:
        return predicted
    best = max(candidates, key=lambda topic: evidence[topic], default=predicted)
    return best if evidence[best] >= MIN_SWITCH_EVIDENCE else predicted


def select_entries(kb: KnowledgeBase, context: Context, question: str = "") -> Selection:
    if context.topic is None:
        raise ValueError("select_entries needs a topic")
    question = question.lower()
    topic_entries = [entry for entry in kb.entries if entry.topic == context.topic]
    common = kb.common_keywords[context.topic]
    scored = []
    for order, entry in enumerate(topic_entries):
        hits = _keyword_hits(entry, question, common)
        if entry.only_when_asked and not hits:
            continue
        score = _facet_score(entry, context, asked_for=hits > 0)
        if score is None:
            continue
        # A word of the question outweighs a context facet: it says what is being asked.
        scored.append((score + KEYWORD_POINTS * hits, order, entry))
    covered_named = {
        name
        for name in context.named_now
        if context.facet(name) and any(context.facet(name) in getattr(e.facets, name) for _, _, e in scored)
    }
    unmatched = tuple(
        name
        for name in FACETS
        if name in context.named_now
        and context.facet(name)
        and name not in covered_named
        and name != "biomarker_status"
    )
    if any(score > 0 for score, _, _ in scored):
        scored = [item for item in scored if item[0] > 0]
    elif unmatched:
        # The question named something we have nothing specific on: general entries only,
        # never entries about a different drug, gene, site or population.
        scored = [item for item in scored if not _has_facets(item[2])]
    scored.sort(key=lambda item: (-item[0], item[1]))
    chosen: List[Entry] = []
    claims = 0
    for _, _, entry in scored:
        if claims >= MAX_CLAIMS:
            break
        chosen.append(entry)
        claims += len(entry.claims)
    return Selection(tuple(chosen), unmatched)


def _has_facets(entry: Entry) -> bool:
    return any(getattr(entry.facets, name) for name in FACETS)


def _label(value: str) -> str:
    return messages.FACET_LABELS.get(value, value.replace("_", " "))


def describe_context(context: Context) -> str:
    parts = []
    if context.drug:
        parts.append(context.drug)
    if context.biomarker:
        status = f"-{context.biomarker_status}" if context.biomarker_status else ""
        parts.append(f"{context.biomarker}{status} IMT")
    if context.body_site:
        parts.append(f"{_label(context.body_site)} IMT")
    if context.population:
        parts.append(_label(context.population))
    return ", ".join(parts)


def _intro(context: Context, selection: Selection) -> List[str]:
    assert context.topic is not None  # compose_answer checks it first
    lines = []
    described = describe_context(context)
    if described:
        lines.append(messages.CONTEXT_TEMPLATE.format(context=described))
    topic_label = messages.TOPIC_LABELS[context.topic]
    for name in selection.unmatched:
        template = messages.NO_SPECIFIC_TEMPLATE if selection.entries else messages.NOTHING_FOUND_TEMPLATE
        lines.append(template.format(topic=topic_label, value=_label(context.facet(name) or "")))
    if not selection.entries and not selection.unmatched:
        lines.append(messages.NOTHING_AT_ALL)
    if context.topic == Topic.dosing and selection.entries:
        populations = {p for e in selection.entries for p in e.facets.population}
        if context.population is None and len(populations) > 1:
            lines.append(messages.DOSING_POPULATION_UNCLEAR)
        if context.audience == Audience.patient:
            lines.append(messages.PATIENT_DOSING_NOTE)
    return lines


def _other_topics_with(kb: KnowledgeBase, context: Context, unmatched: Sequence[str]) -> List[Topic]:
    topics = []
    for entry in kb.entries:
        if entry.topic == context.topic or entry.topic in topics:
            continue
        if any(context.facet(name) in getattr(entry.facets, name) for name in unmatched):
            topics.append(entry.topic)
    return topics


def suggestions_for(topic: Topic, question: str = "") -> List[str]:
    asked = question.strip().lower()
    return [s.text for s in load_suggestions()[topic] if s.text.lower() != asked]


def _selection_of(kb: KnowledgeBase, claim_ids: Sequence[str]) -> Tuple[Selection, List[Claim]]:
    """The entries and claims of an earlier answer, in that answer's order."""
    entry_of = kb.entry_of_claim
    known = [claim_id for claim_id in claim_ids if claim_id in entry_of]
    entries = {entry_of[claim_id].id: entry_of[claim_id] for claim_id in known}  # first-use order
    return Selection(tuple(entries.values()), ()), [kb.claims_by_id[claim_id] for claim_id in known]


def compose_answer(
    kb: KnowledgeBase, context: Context, question: str = "", same_claims: Optional[Sequence[str]] = None
) -> AnswerPayload:
    """Build the one answer payload every channel renders.

    `same_claims` re-composes an earlier answer (e.g. in the other audience's wording)
    from its claim ids instead of selecting again.
    """
    if context.topic is None:
        raise ValueError("compose_answer needs a topic")
    if same_claims:
        selection, claims = _selection_of(kb, same_claims)
    else:
        selection = select_entries(kb, context, question)
        claims = [claim for entry in selection.entries for claim in entry.claims][:MAX_CLAIMS]
    intro = _intro(context, selection)
    if selection.unmatched:
        others = _other_topics_with(kb, context, selection.unmatched)
        if others:
            intro.append(
                messages.ALTERNATIVES_TEMPLATE.format(topics=", ".join(messages.TOPIC_LABELS[t] for t in others))
            )

    guideline_claims = [c for c in claims if c.is_guideline]
    research_claims = [c for c in claims if not c.is_guideline]

    numbers: Dict[str, int] = {}
    citations: List[Citation] = []

    def cite(ref_id: str) -> int:
        if ref_id not in numbers:
            numbers[ref_id] = len(numbers) + 1
            citations.append(citation(kb.references[ref_id], numbers[ref_id]))
        return numbers[ref_id]

    sections = []
    for heading, group in (
        (messages.GUIDELINES_HEADING, guideline_claims),
        (messages.RESEARCH_HEADING, research_claims),
    ):
        if group:
            sections.append(
                AnswerSection(
                    heading=heading,
                    claims=[
                        AnswerClaim(
                            id=c.id,
                            text=c.text_for(context.audience),
                            citations=[cite(r) for r in c.cites],
                            certainty=c.certainty,
                        )
                        for c in group
                    ],
                )
            )

    body = " ".join(
        [*intro] + [f"{c.text} {''.join(f'[{n}]' for n in c.citations)}" for s in sections for c in s.claims]
    )
    statuses = [e.review.status for e in selection.entries]
    dates = [e.review.last_reviewed for e in selection.entries]
    return AnswerPayload(
        topic=context.topic,
        audience=context.audience,
        answer=body,
        intro=intro,
        sections=sections,
        entities=AnswerEntities(**{name: context.facet(name) for name in FACETS}),
        citations=citations,
        disclaimer=messages.DISCLAIMERS[context.audience],
        suggestions=suggestions_for(context.topic, question),
        # An answer is only as reviewed as its least-reviewed entry.
        review_status=min(statuses, key=_STATUS_ORDER.index) if statuses else None,
        last_reviewed=min(dates) if dates else None,
        claim_ids=[c.id for s in sections for c in s.claims],
    )


def compose_sources(kb: KnowledgeBase, claim_ids: Sequence[str]) -> Optional[SourcesPayload]:
    """The full references of an earlier answer, numbered in first-cited order; None when
    there was no answer with sources."""
    ref_ids: List[str] = []
    for claim_id in claim_ids:
        claim = kb.claim_by_id(claim_id)
        for ref_id in claim.cites if claim else []:
            if ref_id not in ref_ids:
                ref_ids.append(ref_id)
    if not ref_ids:
        return None
    return SourcesPayload(references=[citation(kb.references[ref_id], n) for n, ref_id in enumerate(ref_ids, 1)])


def citation(ref: Reference, n: int) -> Citation:
    """Reference `ref` as the n-th citation of a payload."""
    return Citation(
        n=n, ref_id=ref.id, label=ref.label, full=ref.full, pmid=ref.pmid, doi=ref.doi, url=ref.url, link=ref.link
    )
