"""Decides scope both ways, over the classifier's guess.

Out: a question naming another condition, cancer or non-IMT drug without IMT
(knowledge/scope.py) becomes `out_of_scope`. In: a question the classifier sent out of
scope or to the fallback, that names IMT, names another condition the scope rules keep in
(a comparison with the user's own tumour, an interaction with the user's own drug), or
names no other condition and comes close to a
question the knowledge base answers (knowledge/ranker.py) or asserts a false belief it
corrects (knowledge/premises.py), becomes a question on the topic of the entry that answers it:
"deaths in Coffin 1995?" is about IMT whatever the classifier thought. A continuation that
only names a detail ("and in children?"), or only asks "how often?" or "for how long?", becomes
a follow-up (`inform`) whatever the classifier guessed.

A greeting, thanks or goodbye guessed for a message that asks something ("?") is weighed the
same way: only a question close to the knowledge base, or a false belief it corrects, leaves
the chat intent ("thanks! bye?" stays a goodbye).

Runs after the entity extractor (it reads `other_condition`) and the FallbackClassifier,
and before the SafetyGate, so that an emergency or a crisis still overrides it.
"""

from __future__ import annotations

import threading
from typing import Any, Dict, List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from knowledge.context import FACET_ENTITIES, TOPIC_INTENTS
from knowledge.loader import get_knowledge_base
from knowledge.premises import detect_premise
from knowledge.ranker import EntryRanker, get_ranker
from knowledge.schema import Topic
from knowledge.scope import OUT_OF_SCOPE_INTENT, asks_about_interaction, is_out_of_scope, names_imt, other_conditions
from nlu.components.intent_override import NonTrainableComponent, override_intent

FALLBACK_INTENT = "nlu_fallback"
# Chat the classifier may guess for a question in unusual words: "my surgeon got it all out,
# so it's gone for good, right?" was read as a goodbye (0.54). A chat guess on a message that
# asks something is weighed like a question sent away; one that asks nothing stays chat.
CHAT_INTENTS = frozenset({"greet", "goodbye", "thank"})
ASKED_TOPICS = frozenset(TOPIC_INTENTS.values())
INFORM_INTENT = "inform"  # a follow-up that adds a detail to the question before
# Cosine to the nearest known question above which a question the classifier sent away is
# answered. Chosen on the training data's out-of-scope examples and tests/scope/dev*.yml
# (1 of 58 out-of-scope questions the scope rules miss reaches it) against
# tests/retrieval/dev.yml (51% of in-scope questions reach it).
MIN_CLOSENESS_TO_ANSWER = 0.6
# Lower for a question the classifier was only unsure of (the fallback) that names an IMT
# drug, gene, site or group: "median PFS in the 2021 CREATE update, ALK-pos vs ALK-neg?"
# (0.43). Among the development sets' fallbacks (tests/scope/dev*.yml, the answer-quality
# and retrieval development questions) the out-of-scope ones name no such term and stay
# under 0.31; three of the five in-scope ones with a term reach 0.43-0.58.
MIN_CLOSENESS_WITH_IMT_TERMS = 0.4


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ScopeGate(NonTrainableComponent):
    def __init__(self, ranker: Optional[EntryRanker] = None) -> None:
        self._ranker = ranker
        # Built in the background (a few seconds), so the first question the classifier
        # sends away is not the one that waits for it.
        threading.Thread(target=lambda: self.ranker, name="scope-gate-warm-up", daemon=True).start()

    @property
    def ranker(self) -> EntryRanker:
        if self._ranker is None:  # get_ranker builds it once, under a lock
            self._ranker = get_ranker(get_knowledge_base())
        return self._ranker

    def _adds_a_detail(self, text: str, entities: List[Dict[str, Any]]) -> bool:
        """A continuation ("and ...", "what about ...") that names an IMT detail and nothing else."""
        names_a_facet = any(e.get("entity") in FACET_ENTITIES for e in entities)
        return names_a_facet and self.ranker.continues(text) and self.ranker.only_names_facets(text)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text, entities = message.get(TEXT) or "", message.get(ENTITIES) or []
            if is_out_of_scope(text, entities):
                override_intent(message, OUT_OF_SCOPE_INTENT, 1.0)
                continue
            guessed = (message.get(INTENT) or {}).get("name")
            if guessed in ASKED_TOPICS and (self._adds_a_detail(text, entities) or self.ranker.asks_again(text)):
                # "and methotrexate?" or "how often?" after a dose question: the classifier
                # reads a topic into the bare words ("how often" as side effects' frequency),
                # but the message asks the question before again (nlu/README.md, inform).
                override_intent(message, INFORM_INTENT, (message.get(INTENT) or {}).get("confidence") or 0.0)
                # Its topic guesses go too: the answer's ranker would take them for the topic
                # asked, where the conversation's is (actions.topic_confidence).
                ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") not in ASKED_TOPICS]
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
                continue
            sent_away = guessed in (OUT_OF_SCOPE_INTENT, FALLBACK_INTENT)
            if (sent_away or (guessed in CHAT_INTENTS and "?" in text)) and text.strip():
                if self._adds_a_detail(text, entities):
                    # "and in children specifically?": far from every known question, but a
                    # follow-up that only names a detail; the answer resolves it against the
                    # question before (and says so when there is none).
                    override_intent(message, INFORM_INTENT, MIN_CLOSENESS_TO_ANSWER)
                    continue
                ranking = self.ranker.rank(text)
                closeness = max(r.nearest for r in ranking)  # as EntryRanker.closeness
                names_imt_terms = guessed == FALLBACK_INTENT and any(
                    e.get("entity") in FACET_ENTITIES for e in entities
                )
                needed = MIN_CLOSENESS_WITH_IMT_TERMS if names_imt_terms else MIN_CLOSENESS_TO_ANSWER
                # "Is IMT related to lung cancer?": a question that names IMT is about IMT, however
                # far it is from the questions the knowledge base answers; so is one that names
                # another condition only to compare the user's own tumour with it ("is this
                # related to the ALK lung cancer my aunt had?") or to ask about it with the
                # user's own drug: the scope rules kept it in. A question about giving something
                # "with it" ("can i give him paracetamol with it?") far from every known question
                # is an interaction question (nlu/README.md, ask_side_effects).
                interaction = asks_about_interaction(text)
                if closeness < needed and interaction and not names_imt(text):
                    override_intent(message, TOPIC_INTENTS[Topic.side_effects], needed)
                    continue
                if closeness >= needed or names_imt(text) or other_conditions(entities):
                    override_intent(message, TOPIC_INTENTS[ranking[0].entry.topic], closeness)
                    continue
                # "my surgeon got it all out, so it's gone for good, right?": a false belief
                # the knowledge base corrects, asserted in words unlike its questions. The
                # detector is built (about 15 s, once) only for a message that asserts
                # something, not for "tell me a joke".
                premise = detect_premise(self.ranker.kb, text)
                if premise is not None:
                    override_intent(message, TOPIC_INTENTS[premise.entry.topic], premise.probability)
        return messages
