"""Rasa tokenizer backed by the blank spaCy English tokenizer (see nlu/spacy_pipeline.py)."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

from nlu.spacy_pipeline import blank_english


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class SpacyBlankTokenizer(Tokenizer):
    """Splits "ALK-negative" into ALK / - / negative so entity spans align with tokens."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"intent_tokenization_flag": False, "intent_split_symbol": "_", "token_pattern": None,
                "prefix_separator_symbol": None}

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        self._nlp = blank_english()

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SpacyBlankTokenizer":
        return cls(config)

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        text = message.get(attribute) or ""
        tokens = [
            Token(t.text, t.idx, lemma=t.lower_)
            for t in self._nlp.make_doc(text)
            if not t.is_space
        ]
        if not tokens:  # featurizers need at least one token
            tokens = [Token(text, 0)]
        return self._apply_token_pattern(tokens)
