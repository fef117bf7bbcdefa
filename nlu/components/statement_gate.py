"""A message that asks nothing and only tells who, where and since when ("my son is 12",
"they found a mass in her pelvis and the biopsy says IMT") is a detail (`inform`), not a
question on the topic the classifier guessed from its words: before any question it is
noted and the user is asked what they want to know (actions/actions.py); after one, it
completes that question.

Runs after the ScopeGate (a message naming another condition stays out of scope) and
before the SafetyGate (an emergency told as a statement still gets its reply).
"""

from __future__ import annotations

from typing import List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from knowledge.context import TOPIC_INTENTS
from knowledge.loader import get_knowledge_base
from knowledge.ranker import EntryRanker, get_ranker
from nlu.components.intent_override import NonTrainableComponent, override_intent
from nlu.components.scope_gate import FALLBACK_INTENT, INFORM_INTENT

# What the classifier may have guessed for a statement: a topic from its words, or nothing.
OVERRIDDEN = frozenset({*TOPIC_INTENTS.values(), FALLBACK_INTENT})
STATEMENT_CONFIDENCE = 0.9


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class StatementGate(NonTrainableComponent):
    def __init__(self, ranker: Optional[EntryRanker] = None) -> None:
        self._ranker = ranker

    @property
    def ranker(self) -> EntryRanker:
        if self._ranker is None:  # built once, shared with the ScopeGate
            self._ranker = get_ranker(get_knowledge_base())
        return self._ranker

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            guessed = (message.get(INTENT) or {}).get("name")
            if guessed in OVERRIDDEN and self.ranker.tells_only_background(message.get(TEXT) or ""):
                override_intent(message, INFORM_INTENT, STATEMENT_CONFIDENCE)
        return messages
