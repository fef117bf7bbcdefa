"""Topic boundaries the labelling guide draws (nlu/README.md) where the classifier blurs them.

- How long a treatment is taken, given or kept going ("how long do pts stay on it?", "how
  long does the course last?") is a treatment question; the classifier reads most "how long"
  questions as prognosis, where how long a response, a remission or the surveillance lasts
  belongs.
- Stopping or coming off a treatment ("my doctor wants to stop it, is that safe?") is a
  treatment question, unless it asks whether the tumour comes back after.
- A test result that "comes back" positive or negative ("and if it comes back ALK
  negative?") is a diagnosis question; the classifier reads "comes back" as a recurrence.
- How the tumour is found or confirmed ("how is IMT in the bladder diagnosed?") is a
  diagnosis question, and how it is managed or removed ("laryngeal IMT, management?", "how
  do they get it out?") a treatment one; the classifier reads a site's either as overview.

The wording is data (`treatment_duration_cues`, `treatment_stopping_cues`, `test_result_cues`,
`diagnosis_method_cues`, `treatment_choice_cues` in knowledge/retrieval.yml). Runs after the
ScopeGate (a question about another condition stays out of scope) and before the SafetyGate,
so an emergency still overrides it.
"""

from __future__ import annotations

from typing import Callable, List, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from knowledge.context import TOPIC_INTENTS
from knowledge.ranker import RetrievalVocabulary, load_retrieval_vocabulary
from knowledge.schema import Topic
from nlu.components.intent_override import NonTrainableComponent

# A topic the labelling guide's cue decides is asked as certain, as the safety gate's rules are.
RULE_CONFIDENCE = 1.0

# (the classifier's topic, the guide's topic, what the message says for the guide's).
BOUNDARIES: List[Tuple[Topic, Topic, Callable[[RetrievalVocabulary, str], bool]]] = [
    (Topic.prognosis, Topic.treatment, RetrievalVocabulary.asks_how_long_treatment_lasts),
    (Topic.prognosis, Topic.treatment, RetrievalVocabulary.asks_about_stopping_treatment),
    (Topic.prognosis, Topic.diagnosis, RetrievalVocabulary.tells_a_test_result),
    (Topic.prognosis, Topic.treatment, RetrievalVocabulary.asks_what_is_done_next),
    (Topic.overview, Topic.diagnosis, RetrievalVocabulary.asks_how_it_is_diagnosed),
    (Topic.overview, Topic.treatment, RetrievalVocabulary.asks_how_it_is_managed),
    (Topic.diagnosis, Topic.treatment, RetrievalVocabulary.asks_how_it_is_managed),
    (Topic.side_effects, Topic.treatment, RetrievalVocabulary.asks_if_a_treatment_is_used),
    (Topic.side_effects, Topic.dosing, RetrievalVocabulary.asks_how_to_take_it),
]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class TopicBoundaryGate(NonTrainableComponent):
    def process(self, messages: List[Message]) -> List[Message]:
        vocabulary = load_retrieval_vocabulary()
        for message in messages:
            guessed = (message.get(INTENT) or {}).get("name")
            text = message.get(TEXT) or ""
            for read_as, meant, says in BOUNDARIES:
                if guessed == TOPIC_INTENTS[read_as] and says(vocabulary, text):
                    _swap_topics(message, TOPIC_INTENTS[read_as], TOPIC_INTENTS[meant])
                    break
                if guessed == TOPIC_INTENTS[meant] and says(vocabulary, text):
                    # The guide's cue confirms an unsure guess ("has alectinib been used in
                    # IMT?", treatment at 0.68): asked as sure, as after a swap.
                    _swap_topics(message, TOPIC_INTENTS[meant], TOPIC_INTENTS[meant])
                    break
        return messages


def _swap_topics(message: Message, read_as: str, meant: str) -> None:
    """The meant topic takes the guessed one's place in the ranking, and the guessed one the
    meant one's: the answer's ranker reads the ranking as the topic asked
    (actions.topic_confidence). The guide's boundary decides, as a rule does: the meant
    topic is asked as certain ("how is IMT in the bladder diagnosed?" is a diagnosis question
    though the bladder's overview entry answers it). At 0.8, the confidence from which the
    answer takes the NLU's topic as the one asked, the entry classifier's liking for
    alectinib's side effects still outranked the treatment entry for "has alectinib been
    used in IMT?"."""
    swapped = {read_as: meant, meant: read_as}
    guessed = message.get(INTENT) or {}
    sure = RULE_CONFIDENCE
    ranking = [
        {**r, "name": meant, "confidence": sure}
        if r.get("name") == read_as
        else {**r, "name": swapped.get(r.get("name"), r.get("name"))}
        for r in message.get(INTENT_RANKING_KEY) or []
    ]
    message.set(INTENT, {**guessed, "name": meant, "confidence": sure}, add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
