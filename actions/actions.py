"""Rasa custom actions: thin rasa_sdk adapters over the knowledge core.

Each action reads the tracker, asks the core (knowledge.*) for an answer payload and
sends one message. Fixed wording comes from the domain's responses, passed in as
`domain`; the action server imports nothing but the core and rasa_sdk (no spaCy,
no TensorFlow), which tests/test_layout.py checks.
"""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from knowledge.audience import audience_from_text
from knowledge.composer import compose_answer, compose_sources, describe_context
from knowledge.context import INTENT_TOPICS, TOPIC_INTENTS, Context, from_slots, next_context
from knowledge.loader import get_knowledge_base
from knowledge.premises import get_premise_detector
from knowledge.ranker import get_ranker, load_retrieval_vocabulary
from knowledge.render_text import render_text
from knowledge.safety import TRIAGE_INTENT
from knowledge.schema import AnswerPayload, Topic
from knowledge.scope import is_out_of_scope
from knowledge.settings import get_settings

DomainDict = Dict[str, Any]


def _warm_up() -> None:
    """Build the entry ranker and the false-premise detector before the first question."""
    kb = get_knowledge_base()
    get_ranker(kb)
    get_premise_detector(kb)


# In the background: the server accepts requests at once; the first answer waits at most
# for what is still being built.
threading.Thread(target=_warm_up, name="imt-warm-up", daemon=True).start()

# `rasa shell` prints a custom payload as raw JSON after the text; terminals get text only.
TEXT_ONLY_CHANNELS = {"cmdline"}


def _latest(tracker: Tracker) -> Dict[str, Any]:
    return tracker.latest_message or {}


def _question_text(tracker: Tracker) -> str:
    return str(_latest(tracker).get("text") or "")


def response_text(domain: DomainDict, name: str) -> str:
    """The text of a domain response, for a lead sentence inside a composed answer."""
    return str(domain["responses"][name][0]["text"])


def send_answer(
    dispatcher: CollectingDispatcher, tracker: Tracker, payload: AnswerPayload, lead: Optional[str] = None
) -> None:
    """One bot message carrying both the plain text and the structured payload."""
    text = render_text(payload)
    if lead:
        text = f"{lead}\n\n{text}"
    if tracker.get_latest_input_channel() in TEXT_ONLY_CHANNELS:
        dispatcher.utter_message(text=text)
        return
    custom = json.loads(payload.json())  # dates and enums as JSON strings
    if lead:
        custom["lead"] = lead
    dispatcher.utter_message(text=text, json_message=custom)


def answer_events(context: Context, payload: AnswerPayload) -> List[EventType]:
    events = [SlotSet(name, value) for name, value in context.as_slots().items()]
    events.append(SlotSet("last_claim_ids", payload.claim_ids))
    return events


def _latest_intent(tracker: Tracker) -> str:
    return str((_latest(tracker).get("intent") or {}).get("name") or "")


def question_intent(tracker: Tracker) -> str:
    """The classifier's intent; an urgent symptom's facts are side-effect facts."""
    intent = _latest_intent(tracker)
    # After "contact your care team today", the general facts about the symptom.
    return TOPIC_INTENTS[Topic.side_effects] if intent == TRIAGE_INTENT else intent


def topic_confidence(tracker: Tracker) -> Dict[Topic, float]:
    """The NLU's confidence per topic: a feature for the ranker, not a filter."""
    if _latest_intent(tracker) == TRIAGE_INTENT:
        return {Topic.side_effects: 1.0}
    confidence: Dict[Topic, float] = {}
    for ranked in _latest(tracker).get("intent_ranking") or []:
        topic = INTENT_TOPICS.get(ranked.get("name"))
        if topic is not None:
            confidence[topic] = float(ranked.get("confidence") or 0.0)
    return confidence


# Earlier messages that asked something the knowledge base answers; chit-chat, thanks,
# audience switches and sources requests in between do not break a follow-up's chain.
DETAIL_INTENT = "inform"
QUESTION_INTENTS = {*INTENT_TOPICS, DETAIL_INTENT, "personal_decision"}
LAST_QUESTION_SLOT = "last_question"


def previous_question(tracker: Tracker) -> str:
    """The user's last question before this message, which an elliptical follow-up completes.
    A detail that completed an earlier question ("and for a 12 year old?") is not one: "she's
    40 kg" after it completes the dose question before it."""
    user_events = [e for e in tracker.events if e.get("event") == "user"][:-1]
    details: List[str] = []
    for event in reversed(user_events):
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent == DETAIL_INTENT:
            details.append(str(event.get("text") or ""))
        elif intent in QUESTION_INTENTS:
            return str(event.get("text") or "")
    # The tracker holds only the recent turns (bot/stores/recent_tracker_store.py); beyond
    # them, the last question answered is in its slot. With neither, the latest detail.
    return str(tracker.get_slot(LAST_QUESTION_SLOT) or (details[0] if details else ""))


def answer_in_context(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    intent: str,
    lead: Optional[str] = None,
    nlu_topic_asked: bool = True,
) -> List[EventType]:
    """Apply the message to the conversation's context, answer it, and record both
    (`nlu_topic_asked`: whether the classifier's topic, when sure, is the topic asked)."""
    entities = _latest(tracker).get("entities") or []
    if is_out_of_scope(_question_text(tracker), entities):
        # Defence in depth behind the NLU's ScopeGate: never IMT facts as the answer to a
        # question about another condition. After a triage reply, that reply stands alone.
        if _latest_intent(tracker) != TRIAGE_INTENT:
            dispatcher.utter_message(response="utter_out_of_scope")
        return []
    question, earlier = _question_text(tracker), previous_question(tracker)
    kb = get_knowledge_base()
    ranker = get_ranker(kb)
    # "what about its side effects?" follows up the question before; "in general, ..." does not.
    refers_back = bool(earlier) and ranker.refers_back(question)
    before = from_slots(tracker.current_slot_values())
    context = next_context(
        before, intent, entities, refers_back, ranker.starts_afresh(question), ranker.implied_population(question)
    )
    if intent == DETAIL_INTENT and before.topic is None:
        return note_details(dispatcher, context)
    payload = compose_answer(
        kb,
        context,
        question,
        previous_question=earlier,
        topic_confidence=topic_confidence(tracker),
        nlu_topic_asked=nlu_topic_asked,
    )
    send_answer(dispatcher, tracker, payload, lead=lead)
    # The topic is the one asked: the NLU's when it is sure, else the answering entry's.
    events = answer_events(replace(context, topic=Topic(payload.topic)), payload)
    # A detail completes the question before, which stays the one to complete.
    return [*events, SlotSet(LAST_QUESTION_SLOT, earlier if intent == DETAIL_INTENT and earlier else question)]


def note_details(dispatcher: CollectingDispatcher, context: Context) -> List[EventType]:
    """A detail told before any question ("my son is 12", "it's in her pelvis") is noted
    for the questions to come, not answered with facts nobody asked for."""
    details = describe_context(context)
    dispatcher.utter_message(response="utter_details_noted" if details else "utter_ask_question", details=details)
    return [SlotSet(name, value) for name, value in replace(context, topic=None).as_slots().items()]


class ActionAnswer(Action):
    def name(self) -> str:
        return "action_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        return answer_in_context(dispatcher, tracker, question_intent(tracker))


# What the classifier's next guess may be for a message it was unsure of that still reads
# as a follow-up of the conversation ("how often?", "response rates with that regimen?").
SOURCES_INTENT = "ask_sources"
FOLLOW_UP_GUESSES = {*INTENT_TOPICS, DETAIL_INTENT, SOURCES_INTENT}
FALLBACK_INTENT = "nlu_fallback"


class ActionFallback(Action):
    """A message the classifier could not place: in a conversation about a question, a
    follow-up of it when its next guess is a question or a detail; otherwise "please
    rephrase" (chit-chat and nonsense stay there)."""

    def name(self) -> str:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        ranking = [r.get("name") for r in _latest(tracker).get("intent_ranking") or []]
        guess = next((name for name in ranking if name != FALLBACK_INTENT), None)
        in_conversation = from_slots(tracker.current_slot_values()).topic is not None
        if guess == SOURCES_INTENT and _is_sources_request(tracker):
            return await ActionShowSources().run(dispatcher, tracker, domain)  # "refs pls?"
        if in_conversation and guess in FOLLOW_UP_GUESSES:
            return answer_in_context(dispatcher, tracker, DETAIL_INTENT)
        dispatcher.utter_message(response="utter_ask_rephrase")
        return []


def looks_like_a_question(tracker: Tracker) -> bool:
    """Whether the message is close to a question the knowledge base answers: then a
    sources request or an audience switch the NLU saw in it, without the words those
    carry, is answered as the question it is ("can crizotinib help?")."""
    return get_ranker(get_knowledge_base()).closeness(_question_text(tracker)) >= MIN_QUESTION_CLOSENESS


def continues_a_question(tracker: Tracker) -> bool:
    """Whether the message continues an earlier question ("and in the study from China?"):
    elliptical, it is far from every known question, yet it is a question to answer."""
    return bool(previous_question(tracker)) and get_ranker(get_knowledge_base()).continues(_question_text(tracker))


# Cosine to the nearest known question; in tests/retrieval/dev.yml 90% of questions reach it.
MIN_QUESTION_CLOSENESS = 0.4


def _is_sources_request(tracker: Tracker) -> bool:
    """The looser wording the NLU's guess needs ("refs pls?"), or the strict one alone."""
    vocabulary, text = load_retrieval_vocabulary(), _question_text(tracker)
    return bool(vocabulary.sources_cue.search(text)) or vocabulary.asks_for_sources(text)


class ActionShowSources(Action):
    def name(self) -> str:
        return "action_show_sources"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if not _is_sources_request(tracker) and (looks_like_a_question(tracker) or continues_a_question(tracker)):
            return await ActionAnswer().run(dispatcher, tracker, domain)
        kb, last_claim_ids = get_knowledge_base(), tracker.get_slot("last_claim_ids") or []
        claim_ids, intro = last_claim_ids, response_text(domain, "utter_sources_intro")
        # "reference for lorlatinib in IMT?": the sources of what it names, unless the last
        # answer was about it ("where did you get the survival numbers?" after them).
        subject = get_ranker(kb).sources_subject(_question_text(tracker))
        if subject is not None and not {c.id for c in subject.claims} & set(last_claim_ids):
            claim_ids = [c.id for c in subject.claims]
            intro = response_text(domain, "utter_sources_intro_subject").format(title=subject.title)
        payload = compose_sources(kb, claim_ids)
        if payload is None:
            dispatcher.utter_message(response="utter_no_sources_yet")
            return []
        lines = [intro] + [f"[{r.n}] {r.full}" for r in payload.references]
        dispatcher.utter_message(text="\n".join(lines), json_message=json.loads(payload.json()))
        return []


class ActionSetAudience(Action):
    """Switch language; when there was an answer, give it again in the new language."""

    def name(self) -> str:
        return "action_set_audience"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        current = from_slots(tracker.current_slot_values())
        named = audience_from_text(_question_text(tracker))
        if named is None and looks_like_a_question(tracker):
            return await ActionAnswer().run(dispatcher, tracker, domain)
        audience = named or current.audience
        confirmation = f"utter_audience_set_{audience.value}"
        events: List[EventType] = [SlotSet("audience", audience.value)]
        if current.topic is None:
            dispatcher.utter_message(response=confirmation)
            return events
        context = replace(current, audience=audience)
        payload = compose_answer(get_knowledge_base(), context, same_claims=tracker.get_slot("last_claim_ids") or None)
        lead = f"{response_text(domain, confirmation)} {response_text(domain, 'utter_last_answer_again')}"
        send_answer(dispatcher, tracker, payload, lead=lead)
        return [*events, SlotSet("last_claim_ids", payload.claim_ids)]


class ActionPersonalDecision(Action):
    """ "Should I stop my crizotinib?": care team first, then the general facts."""

    def name(self) -> str:
        return "action_personal_decision"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        ranking = _latest(tracker).get("intent_ranking") or []
        # The classifiers' best topic guess, under the gate's override.
        topic_intent = next((r["name"] for r in ranking if r.get("name") in INTENT_TOPICS), "ask_treatment")
        # Decision phrasings are the gate's, never the classifier's examples (nlu/README.md):
        # its topic for them is a guess, so the entry that answers sets the conversation's.
        lead = response_text(domain, "utter_care_team")
        return answer_in_context(dispatcher, tracker, topic_intent, lead=lead, nlu_topic_asked=False)


UNUSABLE_KINDS = {"empty", "no_text", "too_long", "unreadable", "other_language"}

# Domain responses these actions send or quote (rules send the others).
RESPONSES = {
    "utter_no_sources_yet",
    "utter_sources_intro",
    "utter_sources_intro_subject",
    "utter_audience_set_clinician",
    "utter_audience_set_patient",
    "utter_last_answer_again",
    "utter_care_team",
    "utter_details_noted",
    "utter_ask_rephrase",
    "utter_ask_question",
    "utter_out_of_scope",
    "utter_unusable_other",
    *(f"utter_unusable_{kind}" for kind in UNUSABLE_KINDS),
}


class ActionUnusableInput(Action):
    def name(self) -> str:
        return "action_unusable_input"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        gate = _latest(tracker).get("imt_gate") or {}
        kind = gate.get("kind")
        response = f"utter_unusable_{kind}" if kind in UNUSABLE_KINDS else "utter_unusable_other"
        dispatcher.utter_message(
            response=response, length=gate.get("original_length", 0), limit=get_settings().max_message_chars
        )
        return []
