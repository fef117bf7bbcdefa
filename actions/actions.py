"""Rasa custom actions: thin rasa_sdk adapters over the knowledge core.

Each action reads the tracker, asks the core (knowledge.*) for an answer payload and
sends one message. Fixed wording comes from the domain's responses, passed in as
`domain`; the action server imports nothing but the core and rasa_sdk (no spaCy,
no TensorFlow), which tests/test_layout.py checks.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from knowledge.audience import audience_from_text
from knowledge.composer import compose_answer, compose_sources, resolve_topic
from knowledge.context import INTENT_TOPICS, TOPIC_INTENTS, Context, from_slots, next_context
from knowledge.loader import get_knowledge_base
from knowledge.render_text import render_text
from knowledge.safety import TRIAGE_INTENT
from knowledge.schema import AnswerPayload, Topic
from knowledge.settings import get_settings

DomainDict = Dict[str, Any]

# `rasa shell` prints a custom payload as raw JSON after the text; terminals get text only.
TEXT_ONLY_CHANNELS = {"cmdline"}
# Runners-up below this confidence are not considered when the topic is disambiguated.
MIN_RUNNER_UP_CONFIDENCE = 0.05


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


def question_intent(tracker: Tracker) -> str:
    """The classifier's intent, or a close runner-up whose topic the question's words fit."""
    latest = _latest(tracker)
    intent = str((latest.get("intent") or {}).get("name") or "")
    if intent == TRIAGE_INTENT:  # an urgent symptom: after "contact your care team today", the facts
        return TOPIC_INTENTS[Topic.side_effects]
    if intent not in INTENT_TOPICS:
        return intent
    runners_up = [
        r["name"]
        for r in (latest.get("intent_ranking") or [])[1:3]
        if r.get("name") in INTENT_TOPICS and (r.get("confidence") or 0) >= MIN_RUNNER_UP_CONFIDENCE
    ]
    candidates = [INTENT_TOPICS[name] for name in runners_up]
    current = tracker.get_slot("topic")
    if current:
        candidates.append(Topic(current))
    topic = resolve_topic(get_knowledge_base(), INTENT_TOPICS[intent], candidates, _question_text(tracker))
    return TOPIC_INTENTS[topic]


class ActionAnswer(Action):
    def name(self) -> str:
        return "action_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        latest = _latest(tracker)
        intent = question_intent(tracker)
        context = next_context(from_slots(tracker.current_slot_values()), intent, latest.get("entities") or [])
        payload = compose_answer(get_knowledge_base(), context, _question_text(tracker))
        send_answer(dispatcher, tracker, payload)
        return answer_events(context, payload)


class ActionShowSources(Action):
    def name(self) -> str:
        return "action_show_sources"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        payload = compose_sources(get_knowledge_base(), tracker.get_slot("last_claim_ids") or [])
        if payload is None:
            dispatcher.utter_message(response="utter_no_sources_yet")
            return []
        lines = [response_text(domain, "utter_sources_intro")] + [f"[{r.n}] {r.full}" for r in payload.references]
        dispatcher.utter_message(text="\n".join(lines), json_message=json.loads(payload.json()))
        return []


class ActionSetAudience(Action):
    """Switch language; when there was an answer, give it again in the new language."""

    def name(self) -> str:
        return "action_set_audience"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        current = from_slots(tracker.current_slot_values())
        audience = audience_from_text(_question_text(tracker)) or current.audience
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
        latest = _latest(tracker)
        previous = from_slots(tracker.current_slot_values())
        ranking = latest.get("intent_ranking") or []
        # The classifiers' best topic guess, under the gate's override.
        topic_intent = next((r["name"] for r in ranking if r.get("name") in INTENT_TOPICS), "ask_treatment")
        context = next_context(previous, topic_intent, latest.get("entities") or [])
        payload = compose_answer(get_knowledge_base(), context, _question_text(tracker))
        send_answer(dispatcher, tracker, payload, lead=response_text(domain, "utter_care_team"))
        return answer_events(context, payload)


UNUSABLE_KINDS = {"empty", "no_text", "too_long", "unreadable", "other_language"}

# Domain responses these actions send or quote (rules send the others).
RESPONSES = {
    "utter_no_sources_yet",
    "utter_sources_intro",
    "utter_audience_set_clinician",
    "utter_audience_set_patient",
    "utter_last_answer_again",
    "utter_care_team",
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
