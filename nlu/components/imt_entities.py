"""Rule-based entity extractor: spaCy EntityRuler over the knowledge vocabulary.

Returns normalized values (Xalkori -> crizotinib, "ALK-negative" -> ALK with role
"negative", "6-year-old" -> pediatric), so /model/parse already carries them. A gene named
with no status ("ALK IHC", "an ALK inhibitor", "what about ROS1?") comes as `gene`: the
`biomarker` entity is a stated status. Mentions of other conditions, cancers and non-IMT
drugs come as `other_condition` (nlu/condition_matcher.py), which the scope decision reads.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from knowledge.context import GENE_ENTITY
from knowledge.ranker import load_retrieval_vocabulary
from knowledge.vocabulary import AgeBands, load_vocabulary
from nlu.condition_matcher import condition_matcher
from nlu.spacy_pipeline import NOT_AN_ENTITY, STATUS_SEPARATOR, entity_nlp

_AGE_PATTERNS = [
    (re.compile(r"\b(\d{1,3})\s*(?:-|\s)?\s*(?:years?|yrs?|y)\s*(?:-|\s)?\s*old\b", re.I), "years"),
    (re.compile(r"\b(\d{1,3})\s*(?:yo|y/o|y\.o\.?)(?=\W|$)", re.I), "years"),
    (re.compile(r"\b(?:aged|age)\s+(\d{1,3})\b", re.I), "years"),
    (re.compile(r"\b(\d{1,2})\s*(?:-|\s)?\s*(?:months?|mo)\s*(?:-|\s)?\s*old\b", re.I), "months"),
    # A relative's age, or the user's own, without "years old" ("my son is 12", "our
    # daughter (she's 11)", "my father is 78", "I'm 16"): a bare "she's 6" stays unread,
    # since it may be a count or a dose.
    (
        re.compile(
            r"(?:\b(?:son|daughter|boy|girl|grandson|granddaughter|stepson|stepdaughter|nephew|niece|kiddo"
            r"|father|dad|mother|mum|mom|wife|husband|partner|brother|sister|aunt|uncle|grandma|grandmother"
            r"|grandpa|grandfather|grandad|granddad|nan|nana|gran)s?\b"
            r"[^.?!\d]{0,25}?\b(?:is|was|who is|she'?s|he'?s|turned|turns|aged?)|(?:^|[\s,;(])i(?:'?m| am))"
            r"\s+(\d{1,2})\b"
            r"(?!\s*(?:[.,/]\d|mg|kg|g\b|cm|mm|%|lbs?\b|m2|m²|weeks?|wks?|days?|hours?|hrs?|months?|mo\b"
            r"|years? ago|times))",
            re.I,
        ),
        "years",
    ),
]


def _names_the_condition(text: str, entity: Dict[str, Any], condition: Dict[str, Any]) -> bool:
    """A gene or its status written right before another condition ("ALK+ NSCLC", "ROS1
    lung cancer") belongs to that condition's name."""
    between = text[entity["end"] : condition["start"]]
    return entity["entity"] in {"biomarker", GENE_ENTITY} and 0 <= len(between) <= 2 and not between.strip(" -")


def age_population(years: float, bands: AgeBands) -> str:
    if years < bands.pediatric_below:
        return "pediatric"
    if years >= bands.elderly_from:
        return "elderly"
    return "adult"


def _exclusion_cue() -> re.Pattern[str]:
    return load_retrieval_vocabulary().exclusion_cue


def find_entities(text: str) -> List[Dict[str, Any]]:
    """Normalized entity mentions in `text` (shared with the masking tokenizer)."""
    return _default_extractor().extract(text)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class ImtEntityExtractor(GraphComponent, EntityExtractorMixin):
    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ImtEntityExtractor:
        return cls(config)

    def __init__(self, config: Dict[str, Any]) -> None:
        self._config = config
        self._nlp = entity_nlp()
        self._bands = load_vocabulary().age_bands

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            found = self.extract(message.get(TEXT) or "")
            message.set(ENTITIES, message.get(ENTITIES, []) + self.add_extractor_name(found), add_to_output=True)
        return messages

    def extract(self, text: str) -> List[Dict[str, Any]]:
        doc = self._nlp(text)
        entities: List[Dict[str, Any]] = []
        for span in doc.ents:
            label = span.label_
            if label == NOT_AN_ENTITY:
                continue
            value, _, status = span.ent_id_.partition(STATUS_SEPARATOR)
            minus = span[-1]
            if (
                label == "biomarker"
                and minus.text == "-"
                and not minus.whitespace_
                and minus.i + 1 < len(doc)
                and doc[minus.i + 1].is_alpha
            ):
                # "ALK-IHC" is a compound word, not "ALK-negative".
                span, status = span[:-1], ""
            if label == "biomarker" and not status and _written_as_the_tumours_gene(doc, span):
                status = "positive"
            if label == "biomarker" and not status:
                label = GENE_ENTITY
            entity = {
                "entity": label,
                "value": value,
                "start": span.start_char,
                "end": span.end_char,
                "confidence_entity": 1.0,
            }
            if status:
                entity["role"] = status
            entities.append(entity)
        # Ages inside ignored phrases stay ignored too.
        ignored = [{"start": s.start_char, "end": s.end_char} for s in doc.ents if s.label_ == NOT_AN_ENTITY]
        entities.extend(self._ages(text, entities + ignored))
        # "lung cancer" is another disease, not the lung as an IMT site; in "ALK-positive lung
        # cancer" the gene's status is part of that disease's name.
        others = condition_matcher().find(text)
        entities = [
            e
            for e in entities
            if not any(_overlaps(e["start"], e["end"], o) or _names_the_condition(text, e, o) for o in others)
        ]
        # "besides ALK, what other gene changes?" is not a question about ALK.
        set_aside = [{"start": m.start(), "end": m.end()} for m in _exclusion_cue().finditer(text)]
        entities = [e for e in entities if not any(_overlaps(e["start"], e["end"], x) for x in set_aside)]
        return sorted(entities + others, key=lambda e: e["start"])

    def _ages(self, text: str, taken: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
        found: List[Dict[str, Any]] = []
        for pattern, unit in _AGE_PATTERNS:
            for match in pattern.finditer(text):
                # The mention is the number and its unit, or the bare number after a son or daughter.
                start, end = (match.start(), match.end()) if match.end(1) < match.end() else match.span(1)
                if any(_overlaps(start, end, e) for e in taken + found):
                    continue
                number = float(match.group(1))
                years = number / 12 if unit == "months" else number
                if years > 120:
                    continue
                found.append(
                    {
                        "entity": "population",
                        "value": age_population(years, self._bands),
                        "start": start,
                        "end": end,
                        "confidence_entity": 1.0,
                    }
                )
        return found


# Words after a gene that make it the tumour's type ("ROS1 IMT"), not a test or a drug class.
_TUMOUR_WORDS = {"imt", "imts", "tumor", "tumors", "tumour", "tumours", "case", "cases", "disease", "patients"}


def _written_as_the_tumours_gene(doc: Any, span: Any) -> bool:
    """A gene written as a fusion with its partner ("TFG-ROS1", "EML4-ALK") or as the
    tumour's type ("ROS1 IMT") is a positive finding, though no status word says so."""
    start, end = span.start, span.end
    # The vocabulary's own fusion names ("EML4-ALK") are one span; others end at the gene.
    for dash in [i for i in range(start + 1, end - 1) if doc[i].text == "-"] or [start - 1]:
        if dash >= 1 and doc[dash].text == "-" and not doc[dash - 1].whitespace_ and not doc[dash].whitespace_:
            partner = doc[dash - 1].text
            if partner.isalnum() and partner.isupper():  # a gene symbol: TFG, EML4, RANBP2
                return True
    return end < len(doc) and doc[end].lower_ in _TUMOUR_WORDS


@functools.lru_cache(maxsize=1)
def _default_extractor() -> ImtEntityExtractor:
    return ImtEntityExtractor({})


def _overlaps(start: int, end: int, entity: Dict[str, Any]) -> bool:
    return start < entity["end"] and entity["start"] < end
