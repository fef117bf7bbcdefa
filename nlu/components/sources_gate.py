"""A short message that asks where the information comes from ("is this from the FDA
label?", "reference for lorlatinib in IMT?", "when was this last updated?") is a sources
request (`ask_sources`), whatever topic its other words suggested to the classifier.

The wording is data (`sources_request_cues` in knowledge/retrieval.yml), stricter than the
cues the sources action accepts. A longer message that also asks its own question ("what
doses would they use, and where do those come from?") keeps the classifier's topic: its
answer carries the citations. Runs after the StatementGate and before the SafetyGate, so an
emergency still overrides it; a question the ScopeGate sent out of scope stays there.
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from knowledge.context import TOPIC_INTENTS
from knowledge.ranker import load_retrieval_vocabulary
from nlu.components.intent_override import NonTrainableComponent, override_intent
from nlu.components.scope_gate import FALLBACK_INTENT, INFORM_INTENT

SOURCES_INTENT = "ask_sources"
# What the classifier guesses for a sources request it misreads: a topic from the words
# it names, the fallback, a detail, or a remark about the reader ("is there a publication
# I could take to the oncologist" -> set_audience).
OVERRIDDEN = frozenset({*TOPIC_INTENTS.values(), FALLBACK_INTENT, INFORM_INTENT, "set_audience", "bot_challenge"})
SOURCES_CONFIDENCE = 0.9


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SourcesGate(NonTrainableComponent):
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            guessed = (message.get(INTENT) or {}).get("name")
            if guessed in OVERRIDDEN and load_retrieval_vocabulary().asks_for_sources(message.get(TEXT) or ""):
                override_intent(message, SOURCES_INTENT, SOURCES_CONFIDENCE)
        return messages
