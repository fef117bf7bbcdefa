"""The context an answer is given in, read from and written back to tracker slots.

Keeping all conversation state in slots (persisted by the tracker store) is what keeps
the action server stateless and lets context survive a restart.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Tuple

from knowledge.schema import Audience, Topic

INTENT_TOPICS = {
    "ask_overview": Topic.overview,
    "ask_diagnosis": Topic.diagnosis,
    "ask_treatment": Topic.treatment,
    "ask_dosing": Topic.dosing,
    "ask_side_effects": Topic.side_effects,
    "ask_prognosis": Topic.prognosis,
}
TOPIC_INTENTS = {topic: intent for intent, topic in INTENT_TOPICS.items()}
FACETS = ("drug", "biomarker", "biomarker_status", "population", "body_site")
# A gene named without a status ("ALK IHC", "what about ROS1?") is its own entity: the
# `biomarker` entity is a stated status. Here it is the biomarker facet with no status.
GENE_ENTITY = "gene"
# The entity types that name a facet.
FACET_ENTITIES = frozenset({"drug", "biomarker", GENE_ENTITY, "population", "body_site"})
# A drug carried from an earlier question applies to these topics, where the user asking
# "what's the dose?" or "side effects?" after a crizotinib question means crizotinib's.
DRUG_TOPICS = frozenset({Topic.dosing, Topic.side_effects})


@dataclass(frozen=True)
class Context:
    topic: Optional[Topic] = None
    audience: Audience = Audience.clinician
    drug: Optional[str] = None
    biomarker: Optional[str] = None
    biomarker_status: Optional[str] = None
    population: Optional[str] = None
    body_site: Optional[str] = None
    # Facets the latest message itself named (as opposed to carried-over context).
    named_now: FrozenSet[str] = field(default_factory=frozenset)
    # Whether the latest message continues the question before it ("and for children?",
    # "what about its side effects?"): then the conversation's topic is evidence too.
    follows_up: bool = False
    # The tumour's gene and status remembered from earlier, while this question names a
    # bare gene of its own ("ROS1 FISH worth doing?" after an ALK-positive case).
    remembered_biomarker: Tuple[Optional[str], Optional[str]] = (None, None)

    def facet(self, name: str) -> Optional[str]:
        value: Optional[str] = getattr(self, name)
        return value

    def facets(self) -> Dict[str, Optional[str]]:
        return {name: self.facet(name) for name in FACETS}

    def applied(self) -> Context:
        """The context an answer applies. Every facet is remembered until replaced, but a
        drug carried from an earlier question applies only to a dose or side-effect
        question or to one that follows up the one before: "how is it diagnosed?" after a
        crizotinib question is not about crizotinib."""
        carried_drug = self.drug and "drug" not in self.named_now
        if carried_drug and not self.follows_up and self.topic not in DRUG_TOPICS:
            return replace(self, drug=None)
        return self

    def as_slots(self) -> Dict[str, Any]:
        slots = {name: self.facet(name) for name in FACETS}
        if not self.biomarker_status:  # a gene without a status is not remembered (next_context)
            slots["biomarker"], slots["biomarker_status"] = self.remembered_biomarker
        slots["topic"] = self.topic.value if self.topic else None
        slots["audience"] = self.audience.value
        return slots


def from_slots(slots: Dict[str, Any]) -> Context:
    topic = slots.get("topic")
    audience = slots.get("audience") or Audience.clinician.value
    return Context(
        topic=Topic(topic) if topic else None,
        audience=Audience(audience),
        **_facet_kwargs({name: slots.get(name) for name in FACETS}),
    )


def _facet_kwargs(facets: Dict[str, Optional[str]]) -> Dict[str, Any]:
    """Facet values as keyword arguments for Context (names checked against FACETS)."""
    unknown = set(facets) - set(FACETS)
    if unknown:
        raise ValueError(f"not facets: {sorted(unknown)}")
    return dict(facets)


def facets_from_entities(entities: Iterable[Dict[str, Any]]) -> Dict[str, Optional[str]]:
    """The facets a message names; the last mention of each entity type wins."""
    found: Dict[str, Optional[str]] = {}
    for entity in entities:
        kind = entity.get("entity")
        if kind in ("biomarker", GENE_ENTITY):
            found["biomarker"] = entity.get("value")
            found["biomarker_status"] = entity.get("role")
        elif kind in ("drug", "population", "body_site"):
            found[kind] = entity.get("value")
    return found


def inferred_topic(named: Dict[str, Optional[str]]) -> Topic:
    """Topic for a detail-only message when no earlier question set one."""
    if named.get("drug"):
        return Topic.treatment
    if named.get("biomarker"):
        return Topic.diagnosis
    return Topic.overview


def next_context(
    previous: Context,
    intent: str,
    entities: List[Dict[str, Any]],
    refers_back: bool = False,
    starts_afresh: bool = False,
    implied_population: Optional[str] = None,
) -> Context:
    """Apply one user message to the context.

    Everything named earlier carries until the message names a new value for it; a new
    question switches the topic, a follow-up (inform) keeps it. `refers_back` ("what about
    its side effects?") marks a new question as following up the one before, and
    `starts_afresh` ("in general, ...") forgets every facet the message does not name.
    `implied_population` (children, for "my son" without an age) applies only while no
    population has been named: it never replaces one.
    A gene named without a status in a question ("ALK IHC", "an ALK inhibitor") names a
    test or a drug class, not the tumour's type: it applies to its own question and is not
    carried.
    """
    named = facets_from_entities(entities)
    if intent not in INTENT_TOPICS and named.get("biomarker") and not named.get("biomarker_status"):
        # A follow-up that names only a gene ("what about ROS1?") asks about tumours with it.
        named["biomarker_status"] = "positive"
    kept = {} if starts_afresh else {name: previous.facet(name) for name in FACETS}
    if not kept.get("biomarker_status"):
        kept.update(biomarker=None, biomarker_status=None)
    remembered = (kept["biomarker"], kept["biomarker_status"])
    if implied_population and not named.get("population") and not kept.get("population"):
        kept["population"] = implied_population
    if intent in INTENT_TOPICS:
        topic: Optional[Topic] = INTENT_TOPICS[intent]
        follows_up = refers_back
    else:
        topic = previous.topic or inferred_topic(named)
        follows_up = previous.topic is not None
    blank = {name: None for name in FACETS}
    return replace(
        previous,
        topic=topic,
        named_now=frozenset(named),
        follows_up=follows_up,
        remembered_biomarker=remembered,
        **_facet_kwargs({**blank, **kept, **named}),
    )
