"""Rasa tokenizer backed by the blank spaCy English tokenizer (see nlu/spacy_pipeline.py).

With `mask_entities` (on in config.yml) each entity mention becomes one token whose
lemma is its type ("Xalkori" -> __drug__, "6-year-old" -> __population__), so the intent
classifier learns from how a question is asked rather than from which drug, gene, site
or age it names. The token keeps the mention's offsets, so entity spans still align.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from knowledge.context import GENE_ENTITY
from knowledge.scope import OTHER_CONDITION
from nlu.components.imt_entities import find_entities
from nlu.spacy_pipeline import blank_english
from nlu.training_inputs import TOKENIZER_INPUTS, digest

MASKED_AS = {GENE_ENTITY: "biomarker"}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class SpacyBlankTokenizer(Tokenizer):
    """Splits "ALK-negative" into ALK / - / negative so entity spans align with tokens."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
            "mask_entities": False,
        }

    def __init__(self, config: Dict[str, Any]) -> None:
        super().__init__(config)
        self._nlp = blank_english()
        self._entities = find_entities if config.get("mask_entities") else None

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SpacyBlankTokenizer:
        return cls(config)

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """The entity rules and lists behind the masks are not graph inputs: a cached
        tokenization must not outlive a change to them."""
        return digest(TOKENIZER_INPUTS) if config.get("mask_entities") else None

    def tokenize(self, message: Message, attribute: str) -> List[Token]:
        text = message.get(attribute) or ""
        tokens = [Token(t.text, t.idx, lemma=t.lower_) for t in self._nlp.make_doc(text) if not t.is_space]
        if self._entities is not None and attribute == TEXT:
            # Other conditions stay words: masking them taught the classifier that any
            # disease name means out of scope, overruling the scope rules (knowledge/scope.py)
            # that keep "my kidneys work poorly, what crizotinib dose?" in scope.
            masked = [e for e in self._entities(text) if e["entity"] != OTHER_CONDITION]
            tokens = _mask(tokens, masked)
        if not tokens:  # featurizers need at least one token
            tokens = [Token(text, 0)]
        return self._apply_token_pattern(tokens)


def _mask(tokens: List[Token], entities: List[Dict[str, Any]]) -> List[Token]:
    """Replace the tokens of each entity mention by one placeholder token."""
    masked: List[Token] = []
    spans = iter(sorted(entities, key=lambda e: e["start"]))
    span = next(spans, None)
    for token in tokens:
        while span is not None and span["end"] <= token.start:
            span = next(spans, None)
        if span is None or token.end <= span["start"]:
            masked.append(token)
            continue
        # A gene is masked as a biomarker, with a status or not: the classifier learns how the
        # question is asked, and the `gene` entity (no status) changes nothing it has learnt.
        placeholder = f"__{MASKED_AS.get(span['entity'], span['entity'])}__"
        if masked and masked[-1].lemma == placeholder and masked[-1].start == span["start"]:
            masked[-1].end = max(masked[-1].end, token.end)  # extend to the whole mention
            continue
        masked.append(Token(placeholder, span["start"], end=max(token.end, span["start"]), lemma=placeholder))
    return masked
