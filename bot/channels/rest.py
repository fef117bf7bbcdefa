"""REST channel at POST /webhooks/rest/webhook.

Rasa's RestInput with two changes: a bot answer stays ONE message carrying its text,
buttons and structured payload together (the stock collector splits text on blank
lines and sends the payload separately), and malformed requests get a clear 400
instead of a 500 or an empty list.
"""
from __future__ import annotations

import logging
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 256
SERVER_TROUBLE = (
    "Sorry, something went wrong on my side while answering. Please try again in a moment; "
    "if it keeps happening, ask your question in different words."
)


class AnswerCollector(CollectingOutputChannel):
    """Collects each bot response as a single message."""

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        keep = {k: v for k, v in message.items() if v not in (None, [], {})}
        await self._persist_message({"recipient_id": recipient_id, **keep})


def _bad_request(reason: str) -> HTTPResponse:
    return response.json({"error": "bad_request", "message": reason}, status=400)


class ImtRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint("imt_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = request.json
            except Exception:  # Sanic raises on undecodable JSON
                body = None
            if not isinstance(body, dict):
                return _bad_request('Send a JSON object such as {"sender": "user-1", "message": "What is IMT?"}.')
            sender = body.get("sender") or "default"
            if not isinstance(sender, str) or len(sender) > MAX_SENDER_CHARS:
                return _bad_request(f"'sender' must be a string of at most {MAX_SENDER_CHARS} characters.")
            text = _message_text(body.get("message"))
            if text is None:
                return _bad_request("'message' must be a string.")
            metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else None
            collector = AnswerCollector()
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=self.name(),
                                                 metadata=metadata))
            except CancelledError:
                logger.error("REST message timed out for sender %s", sender)
            except Exception:
                logger.exception("REST message failed for sender %s", sender)
            if not collector.messages:
                collector.messages.append({"recipient_id": sender, "text": SERVER_TROUBLE})
            return response.json(collector.messages)

        return webhook


def _message_text(value: Any) -> Optional[str]:
    """Missing or null becomes empty text (the NLU gate answers it); numbers become text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None
