"""Compose an answer payload from the knowledge base: rank entries, then assemble.

Pure functions over the validated knowledge base (no Rasa imports), so they are unit
tested directly and every answer is built from claim text plus the connective templates
in knowledge/templates.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from knowledge import templates as messages
from knowledge.context import FACETS, Context
from knowledge.facet_walls import clashes, missing_topic, unmatched
from knowledge.premises import FalsePremise, detect_premise
from knowledge.ranker import Ranked, claim_order, get_ranker
from knowledge.review_state import answer_review
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
from knowledge.settings import get_settings

MAX_CLAIMS = 4  # the direct answer: the best entry's most specific claims
MAX_SUGGESTIONS = 3
# A runner-up entry is offered as "More:" only when it scores at least this share of the
# best entry; nothing unrelated is padded in to reach a count.
RUNNER_UP_SHARE = 0.5
# A question is a guess to answer when it is neither close to any question the knowledge
# base answers (cosine) nor shares specific words with an entry (raw BM25): the answer then
# names the closest questions. About 1% of tests/retrieval/dev.yml is below the cosine
# bound; off-topic chat ("tell me a joke", "what's the weather like") is below both.
MIN_CLOSENESS = 0.3
MIN_BM25 = 5.0
# A detected false premise is corrected when its entry ranks among the first
# PREMISE_ENTRY_RANK for the question, or the detector's probability reaches SURE_PREMISE
# (chosen on tests/answer_quality/cases.yml, where it stopped one wrong correction).
PREMISE_ENTRY_RANK = 5
SURE_PREMISE = 0.6
# The NLU's confidence from which its topic is taken as what was asked: a side-effects
# question about a drug with no side-effect entry is told so, not answered with its dose.
ASKED_TOPIC_CONFIDENCE = 0.8
_STATUS_ORDER = [ReviewStatus.changes_requested, ReviewStatus.draft, ReviewStatus.under_review, ReviewStatus.approved]


@dataclass(frozen=True)
class Selection:
    """What an answer is made of: the claims shown, their entries, and what comes next."""

    claims: Tuple[Claim, ...]
    entries: Tuple[Entry, ...]
    correction: Tuple[Claim, ...] = ()  # claims correcting a false premise, shown first
    runners_up: Tuple[Entry, ...] = ()
    unmatched: Tuple[str, ...] = ()  # facets the question named that no entry covers
    weak: bool = False  # no entry answers well enough to be shown
    unreviewed: bool = False  # approved-only mode, and no approved entry answers
    topic: Optional[Topic] = None  # what was asked, when no entry answers it


def _plausible(premise: FalsePremise, ranking: Sequence[Ranked]) -> bool:
    """A false premise is corrected only when its entry is among those the question is
    about, or the detector is sure: a belief about ALK status does not answer a question
    about desmin staining."""
    near = {r.entry.id for r in ranking[:PREMISE_ENTRY_RANK]}
    return premise.entry.id in near or premise.probability >= SURE_PREMISE


def select(
    kb: KnowledgeBase,
    context: Context,
    question: str,
    previous_question: str = "",
    topic_confidence: Optional[Mapping[Topic, float]] = None,
) -> Selection:
    """The best entry for the question, its most specific claims, and the runners-up.

    Entries specific to another drug, population, gene or site than the question names
    are never shown: a crizotinib dose is not an answer about alectinib.
    """
    ranker = get_ranker(kb)
    ranking = ranker.rank(question, context, previous_question, topic_confidence)
    ranked = [r for r in ranking if not clashes(r.entry, context)]
    premise = detect_premise(kb, question)
    if premise is not None and not _plausible(premise, ranking):
        premise = None
    correction: Tuple[Claim, ...] = ()
    if premise is not None:
        correction = tuple(kb.claims_by_id[c] for c in premise.misconception.corrected_by)
    if not ranked:  # only when the knowledge base is empty: entries without facets never clash
        return Selection((), (), weak=True)
    best = ranked[0]
    # "and for children?", "and for my 8 year old?"
    follow_up = bool(previous_question) and (ranker.is_short(question) or ranker.only_names_facets(question))
    # A continuation with nothing before it ("and for a 6-year-old?" as a first message)
    # would be a guess about what it continues.
    orphan = not previous_question and ranker.continues(question) and ranker.is_short(question)
    unlike_anything = max(r.nearest for r in ranking) < MIN_CLOSENESS and max(r.bm25 for r in ranking) < MIN_BM25
    weak = orphan or (not follow_up and unlike_anything)
    runners_up = tuple(
        r.entry for r in ranked[1 : 1 + MAX_SUGGESTIONS] if r.score >= RUNNER_UP_SHARE * best.score and r.score > 0
    )
    if weak and premise is None:
        return Selection((), (), (), tuple(r.entry for r in ranked[:MAX_SUGGESTIONS]), weak=True)
    asked = _asked_topic(context, topic_confidence)
    walled_by = missing_topic(kb.entries, context, asked)
    if walled_by is not None and premise is None:
        # Nothing on the asked topic for this drug or group: say so rather than answer
        # from another topic; the closest entries that are allowed are offered.
        suggestions = tuple(r.entry for r in ranked[:MAX_SUGGESTIONS])
        return Selection((), (), (), suggestions, (walled_by,), weak=True, topic=asked)
    shown = list(correction)
    for index in claim_order(ranker, best.entry, question):
        claim = best.entry.claims[index]
        if claim not in shown:
            shown.append(claim)
    shown = shown[:MAX_CLAIMS]
    entries = tuple({kb.entry_of_claim[c.id].id: kb.entry_of_claim[c.id] for c in shown}.values())
    # Facets nothing allowed on the answer's topic is specific to: the answer says it is general.
    general = tuple(unmatched(kb.entries, context, best.entry.topic))
    return Selection(tuple(shown[len(correction) :]), entries, correction[:MAX_CLAIMS], runners_up, general)


def _sure_topic(topic_confidence: Optional[Mapping[Topic, float]]) -> Optional[Topic]:
    """The NLU's topic, when it is sure of it."""
    if topic_confidence:
        topic, confidence = max(topic_confidence.items(), key=lambda item: item[1])
        if confidence >= ASKED_TOPIC_CONFIDENCE:
            return topic
    return None


def _asked_topic(context: Context, topic_confidence: Optional[Mapping[Topic, float]]) -> Optional[Topic]:
    """The topic the question asks about: the NLU's when it is sure, else, for a
    follow-up, the conversation's."""
    return _sure_topic(topic_confidence) or (context.topic if context.follows_up else None)


def conversation_topic(context: Context, topic_confidence: Optional[Mapping[Topic, float]], answering: Entry) -> Topic:
    """The topic an answer leaves the conversation on: the one asked (the NLU's when it is
    sure, else for a follow-up the conversation's), else the answering entry's as asked."""
    return _asked_topic(context, topic_confidence) or answering.intent_topic


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


def _intro(context: Context, topic: Topic, selection: Selection) -> List[str]:
    lines = []
    described = describe_context(context)
    if described and selection.entries:
        lines.append(messages.CONTEXT_TEMPLATE.format(context=described))
    topic_label = messages.TOPIC_LABELS[topic]
    for name in selection.unmatched:
        template = messages.NO_SPECIFIC_TEMPLATE if selection.entries else messages.NOTHING_FOUND_TEMPLATE
        lines.append(template.format(topic=topic_label, value=_unmatched_value(context, name)))
    if selection.unreviewed:
        nearest = selection.runners_up
        if nearest:
            lines.append(messages.NOT_REVIEWED_NEAREST.format(topic=messages.TOPIC_NAMES[nearest[0].topic]))
        else:
            lines.append(messages.NOTHING_REVIEWED_YET)
        return lines
    if selection.weak:
        if not selection.runners_up:
            lines.append(messages.NOTHING_AT_ALL)
        else:
            lines.append(messages.RELATED_QUESTIONS if selection.unmatched else messages.CLOSEST_QUESTIONS)
        return lines
    populations = {p for e in selection.entries for p in e.facets.population}
    others = {p for e in selection.runners_up for p in e.facets.population} - populations
    if context.population is None and len(populations) == 1 and others and topic == Topic.dosing:
        lines.append(messages.DOSING_POPULATION_UNCLEAR.format(population=_label(populations.pop())))
    if topic == Topic.dosing and context.audience == Audience.patient:
        lines.append(messages.PATIENT_DOSING_NOTE)
    return lines


def _unmatched_value(context: Context, name: str) -> str:
    """What nothing specific was found about, with the drug and the patient group together
    ("ceritinib in children"): the knowledge base may hold each, but not both."""
    value = _label(context.facet(name) or "")
    if name == "population" and context.drug:
        return f"{context.drug} in {value}"
    if name == "drug" and context.population:
        return f"{value} in {_label(context.population)}"
    return value


def _selection_of(kb: KnowledgeBase, claim_ids: Sequence[str]) -> Selection:
    """The entries and claims of an earlier answer, in that answer's order."""
    entry_of = kb.entry_of_claim
    known = [claim_id for claim_id in claim_ids if claim_id in entry_of]
    entries = {entry_of[claim_id].id: entry_of[claim_id] for claim_id in known}  # first-use order
    return Selection(tuple(kb.claims_by_id[claim_id] for claim_id in known), tuple(entries.values()))


def _approved(entry: Entry) -> bool:
    return entry.review.status == ReviewStatus.approved


def _reviewed_part(kb: KnowledgeBase, selection: Selection, nearest: Callable[[], Sequence[Entry]]) -> Selection:
    """Approved-only mode: the approved part of the answer, or, when no approved entry
    answers, nothing but the nearest approved entries to offer instead."""

    def approved_claim(claim: Claim) -> bool:
        return _approved(kb.entry_of_claim[claim.id])

    claims = tuple(c for c in selection.claims if approved_claim(c))
    if not claims:
        return Selection((), (), runners_up=tuple(nearest())[:MAX_SUGGESTIONS], weak=True, unreviewed=True)
    return replace(
        selection,
        claims=claims,
        correction=tuple(c for c in selection.correction if approved_claim(c)),
        entries=tuple(e for e in selection.entries if _approved(e)),
        runners_up=tuple(e for e in selection.runners_up if _approved(e)),
    )


def _sections(selection: Selection, audience: Audience, cite: Callable[[str], int]) -> List[AnswerSection]:
    """The correction first, then the answer's claims by kind of evidence, the kind of
    the most specific claim first."""

    def answer_claim(c: Claim) -> AnswerClaim:
        return AnswerClaim(
            id=c.id, text=c.text_for(audience), citations=[cite(r) for r in c.cites], certainty=c.certainty
        )

    sections = []
    if selection.correction:
        sections.append(
            AnswerSection(heading=messages.CORRECTION_HEADING, claims=[answer_claim(c) for c in selection.correction])
        )
    headings = [messages.GUIDELINES_HEADING, messages.RESEARCH_HEADING]
    if selection.claims and not selection.claims[0].is_guideline:
        headings.reverse()
    for heading in headings:
        guideline = heading == messages.GUIDELINES_HEADING
        group = [c for c in selection.claims if c.is_guideline == guideline]
        if group:
            sections.append(AnswerSection(heading=heading, claims=[answer_claim(c) for c in group]))
    return sections


def compose_answer(
    kb: KnowledgeBase,
    context: Context,
    question: str = "",
    same_claims: Optional[Sequence[str]] = None,
    previous_question: str = "",
    topic_confidence: Optional[Mapping[Topic, float]] = None,
    approved_only: Optional[bool] = None,
    today: Optional[dt.date] = None,
    nlu_topic_asked: bool = True,
) -> AnswerPayload:
    """Build the one answer payload every channel renders.

    The payload's topic is the topic asked: the NLU's when it is sure (unless
    `nlu_topic_asked` is False), else for a follow-up the conversation's, else the one the
    answering entry's questions are asked as. `same_claims` re-composes an earlier
    answer (e.g. in the other audience's wording) from its claim ids. `approved_only`
    (default: IMT_APPROVED_ONLY) answers from approved entries only; `today` dates the
    "review due" check.
    """
    settings = get_settings()
    context = context.applied()  # facets remembered from earlier questions that apply to this one
    if same_claims:
        selection = _selection_of(kb, same_claims)
    else:
        selection = select(kb, context, question, previous_question, topic_confidence)
    if settings.approved_only if approved_only is None else approved_only:

        def nearest() -> List[Entry]:
            ranking = get_ranker(kb).rank(question, context, previous_question, topic_confidence)
            return [r.entry for r in ranking if _approved(r.entry) and not clashes(r.entry, context)]

        selection = _reviewed_part(kb, selection, nearest)
    answering = [*selection.entries, *selection.runners_up]
    topic = selection.topic or (answering[0].topic if answering else context.topic or Topic.overview)
    intro = _intro(context, topic, selection)
    # The conversation goes on with the topic asked, which follow-ups resolve against:
    # "Bladder IMT: TURBT or cystectomy?" is a treatment question, though the bladder's
    # entry (an overview of the site) answers it; "grapefruit?" a side-effects one, though
    # its entry is filed with the doses (the entry's `asked_as`); "she's 40 kg" after a
    # dose question is a dose question.
    asked_topic = topic
    if selection.topic is None and answering:
        asked_topic = conversation_topic(context, topic_confidence if nlu_topic_asked else None, answering[0])

    numbers: Dict[str, int] = {}
    citations: List[Citation] = []

    def cite(ref_id: str) -> int:
        if ref_id not in numbers:
            numbers[ref_id] = len(numbers) + 1
            citations.append(citation(kb.references[ref_id], numbers[ref_id]))
        return numbers[ref_id]

    sections = _sections(selection, context.audience, cite)
    body = " ".join(
        [*intro]
        + [
            f"{s.heading} {c.text} {''.join(f'[{n}]' for n in c.citations)}"
            if s.heading == messages.CORRECTION_HEADING and i == 0
            else f"{c.text} {''.join(f'[{n}]' for n in c.citations)}"
            for s in sections
            for i, c in enumerate(s.claims)
        ]
    )
    statuses = [e.review.status for e in selection.entries]
    dates = [e.review.last_reviewed for e in selection.entries]
    asked = question.strip().lower()
    return AnswerPayload(
        topic=asked_topic,
        audience=context.audience,
        answer=body,
        intro=intro,
        sections=sections,
        entities=AnswerEntities(**{name: context.facet(name) for name in FACETS}),
        citations=citations,
        disclaimer=messages.DISCLAIMERS[context.audience],
        suggestions=[e.ask for e in selection.runners_up if e.ask and e.ask.lower() != asked],
        # An answer is only as reviewed as its least-reviewed entry.
        review_status=min(statuses, key=_STATUS_ORDER.index) if statuses else None,
        last_reviewed=min(dates) if dates else None,
        reviews=[answer_review(e, today or dt.date.today(), settings.review_period_months) for e in selection.entries],
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
