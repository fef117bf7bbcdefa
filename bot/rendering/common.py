"""What every renderer shares: reading a bot message, the review line, the audience switch.

Renderers take the AnswerPayload the actions produced; none of them looks anything up in
the knowledge base or re-derives an answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from pydantic import ValidationError

from knowledge.schema import AnswerPayload, Audience

AUDIENCE_SWITCH = {
    # label shown on the button, message sent to the assistant
    Audience.clinician.value: ("Plain language (patient)", "I'm a patient, please use plain language"),
    Audience.patient.value: ("Clinical language (clinician)", "I'm a clinician, please use clinical language"),
}
FEEDBACK_VOTES = {"up": "👍", "down": "👎"}


@dataclass(frozen=True)
class Triage:
    level: str  # "crisis" | "emergency" | "urgent"
    category: str

    @property
    def heading(self) -> str:
        return TRIAGE_HEADINGS.get(self.level, TRIAGE_HEADINGS["emergency"])


TRIAGE_HEADINGS = {
    "crisis": "You are not alone: please reach out now",
    "emergency": "This may be an emergency",
    "urgent": "Please contact your care team today",
}


@dataclass
class BotMessage:
    """A bot message as channels receive it: an answer payload, or text with buttons."""

    answer: Optional[AnswerPayload] = None
    lead: Optional[str] = None
    text: str = ""
    buttons: List[Dict[str, str]] = field(default_factory=list)
    references: List[Dict[str, Any]] = field(default_factory=list)  # an `imt_sources` reply
    triage: Optional[Triage] = None  # an emergency, crisis or urgent reply (shown first, prominently)


def read_bot_message(message: Dict[str, Any]) -> BotMessage:
    custom = message.get("custom") or {}
    buttons = [{"title": b.get("title", ""), "payload": b.get("payload", "")} for b in message.get("buttons") or []]
    if custom.get("type") == "imt_answer":
        try:
            answer = AnswerPayload(**custom)
        except ValidationError:  # not an answer the actions made (e.g. written into the tracker): text only
            return BotMessage(text=message.get("text") or "")
        return BotMessage(answer=answer, lead=custom.get("lead"), text=message.get("text") or "")
    if custom.get("type") == "imt_triage":
        return BotMessage(
            text=message.get("text") or "",
            buttons=buttons,
            triage=Triage(str(custom.get("level") or "emergency"), str(custom.get("category") or "")),
        )
    if custom.get("type") == "imt_sources":
        return BotMessage(text=message.get("text") or "", references=custom.get("references") or [], buttons=buttons)
    return BotMessage(text=message.get("text") or custom.get("text") or "", buttons=buttons)


def audience_switch(answer: AnswerPayload):
    """(button label, message to send) that switches to the other audience."""
    return AUDIENCE_SWITCH[answer.audience]


def feedback_record(answer: AnswerPayload) -> Dict[str, Any]:
    """What a 👍/👎 on this answer stores: topic, claims and citations shown."""
    return {
        "topic": answer.topic,
        "claim_ids": list(answer.claim_ids),
        "citations": [c.ref_id for c in answer.citations],
    }
