"""Safety and input checks around the statistical NLU.

`InputGuard` runs first: it cleans the text (HTML stripped, control characters
dropped, length capped) and records the gate verdict. `SafetyGate` runs last and,
when the verdict says so, replaces whatever the classifiers predicted with one of
the gate intents, so safety and bad-input handling never depend on a statistical
guess.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from knowledge.safety import TRIAGE_INTENT, TRIAGE_SLOT
from knowledge.scope import OUT_OF_SCOPE_INTENT
from nlu.components.intent_override import NonTrainableComponent, override_intent
from nlu.gate_rules import GateVerdict, check_message
from nlu.training_inputs import TRIAGE_INPUTS, digest
from nlu.triage import get_detector
from nlu.triage_model import TriageModel, train_triage_model

logger = logging.getLogger(__name__)
GATE_KEY = "imt_gate"
PERSONAL_DECISION_INTENT = "personal_decision"
# Gate verdict -> intent that the dialogue rules route to a fixed action.
GATE_INTENTS = {
    "personal_decision": PERSONAL_DECISION_INTENT,
    "empty": "unusable_input",
    "too_long": "unusable_input",
    "unreadable": "unusable_input",
    "other_language": "unusable_input",
    "no_text": "unusable_input",
    "acknowledgement": "thank",  # "ok", "got it": nothing to answer
}
# Gate intents the classifier never predicts (no training examples): the rules' decision alone.
GATE_ONLY_INTENTS = {PERSONAL_DECISION_INTENT, "unusable_input"}
# The classifier's own red-flag guess, when confident, gets the general emergency reply.
CLASSIFIER_GUESS_CATEGORY = "general_emergency"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class InputGuard(GraphComponent):
    """Cleans the text and records the gate verdict. Trainable only for the safety triage's
    second opinion, learnt from knowledge/safety_examples and stored with the model."""

    MODEL_FILE = "triage_model.joblib"

    def __init__(
        self,
        model_storage: Optional[ModelStorage] = None,
        resource: Optional[Resource] = None,
        model: Optional[TriageModel] = None,
    ) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> InputGuard:
        return cls(model_storage, resource)

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """The examples, the taxonomy and the code that reads them are not graph inputs:
        retrain when they change."""
        return digest(TRIAGE_INPUTS)

    def train(self, training_data: TrainingData) -> Resource:
        assert self._model_storage is not None and self._resource is not None, "created by Rasa's graph"
        self._model = train_triage_model(training_data)
        with self._model_storage.write_to(self._resource) as directory:
            self._model.save(Path(directory) / self.MODEL_FILE)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> InputGuard:
        try:
            with model_storage.read_from(resource) as directory:
                model = TriageModel.load(Path(directory) / cls.MODEL_FILE)
        except (ValueError, FileNotFoundError):
            logger.warning("no trained triage classifier in the model: the safety rules decide alone")
            model = None
        get_detector()  # compile the triage rules now, not on the first user's message
        return cls(model_storage, resource, model)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            verdict = check_message(message.get(TEXT), model=self._model)
            message.set(TEXT, verdict.cleaned_text)
            message.set(GATE_KEY, gate_record(verdict), add_to_output=True)
        return messages


def _is_out_of_scope(message: Message) -> bool:
    """The scope gate, which runs before this one, sent the message out of scope."""
    return (message.get(INTENT) or {}).get("name") == OUT_OF_SCOPE_INTENT


def gate_record(verdict: GateVerdict) -> Dict[str, Any]:
    record: Dict[str, Any] = {"kind": verdict.kind, "original_length": verdict.original_length}
    if verdict.triage is not None:
        record.update(level=verdict.triage.level.value, category=verdict.triage.category, intent=TRIAGE_INTENT)
    return record


# The classifier may keep a red-flag guess the rules missed, but only a confident one;
# the other gate intents are the rules' decision alone.
CLASSIFIER_RED_FLAG_MIN_CONFIDENCE = 0.8


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyGate(NonTrainableComponent):
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            gate = message.get(GATE_KEY) or {}
            intent_name = gate.get("intent") or GATE_INTENTS.get(str(gate.get("kind")))
            if intent_name == PERSONAL_DECISION_INTENT and _is_out_of_scope(message):
                # "should I take tamoxifen for 5 or 10 years?": the answer is that it is not
                # about IMT, whoever decides; an emergency or a crisis still overrides scope.
                intent_name = None
            if intent_name is not None:
                override_intent(message, intent_name, 1.0)
            elif self._unbacked_gate_guess(message.get(INTENT) or {}):
                self._demote(message, list(message.get(INTENT_RANKING_KEY) or []))
            if (message.get(INTENT) or {}).get("name") == TRIAGE_INTENT:
                self._name_category(message, gate.get("category") or CLASSIFIER_GUESS_CATEGORY)
        return messages

    @staticmethod
    def _name_category(message: Message, category: str) -> None:
        """The triage category as an entity, so that its slot picks the reply (every time:
        the slot must not keep an earlier message's category)."""
        entities = [e for e in message.get(ENTITIES) or [] if e.get("entity") != TRIAGE_SLOT]
        entities.append(
            {
                "entity": TRIAGE_SLOT,
                "value": category,
                "start": 0,
                "end": 0,
                "confidence_entity": 1.0,
                "extractor": "SafetyGate",
            }
        )
        message.set(ENTITIES, entities, add_to_output=True)

    @staticmethod
    def _unbacked_gate_guess(intent: Dict[str, Any]) -> bool:
        name, confidence = intent.get("name"), intent.get("confidence") or 0.0
        if name == TRIAGE_INTENT:
            return confidence < CLASSIFIER_RED_FLAG_MIN_CONFIDENCE
        return name in GATE_ONLY_INTENTS

    @staticmethod
    def _demote(message: Message, ranking: List[Dict[str, Any]]) -> None:
        """Fall back to the best intent the classifier ranked that is not a gate intent."""
        rest = [r for r in ranking if r.get("name") not in GATE_ONLY_INTENTS | {TRIAGE_INTENT}]
        best = rest[0] if rest else {"name": "nlu_fallback", "confidence": 0.0}
        message.set(INTENT, best, add_to_output=True)
        message.set(INTENT_RANKING_KEY, rest, add_to_output=True)
