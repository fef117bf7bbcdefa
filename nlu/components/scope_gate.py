"""Sends questions about other conditions out of scope (knowledge/scope.py decides).

Runs after the entity extractor, whose `other_condition` entities it reads, and before
the SafetyGate, so that an emergency or a crisis still overrides it.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from knowledge.scope import OUT_OF_SCOPE_INTENT, is_out_of_scope


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ScopeGate(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ScopeGate:
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if is_out_of_scope(message.get(TEXT) or "", message.get(ENTITIES) or []):
                intent = {"name": OUT_OF_SCOPE_INTENT, "confidence": 1.0}
                ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != OUT_OF_SCOPE_INTENT]
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
        return messages
