"""Pieces the REST and web channels share: request validation and one-message collection."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional, Union

from rasa.core.channels.channel import CollectingOutputChannel
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from knowledge.loader import fixed_reply

MAX_SENDER_CHARS = 256
SERVER_TROUBLE = fixed_reply("utter_server_trouble")


class AnswerCollector(CollectingOutputChannel):
    """Collects each bot response as a single message (text, buttons and payload together)."""

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        keep = {k: v for k, v in message.items() if v not in (None, [], {})}
        await self._persist_message({"recipient_id": recipient_id, **keep})


def bad_request(reason: str) -> HTTPResponse:
    return response.json({"error": "bad_request", "message": reason}, status=400)


def message_text(value: Any) -> Optional[str]:
    """Missing or null becomes empty text (the NLU gate answers it); numbers become text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def json_object(request: Request) -> Optional[Dict[str, Any]]:
    """The request's JSON body if it is an object; None for anything else."""
    try:
        body = request.json
    except Exception:  # Sanic raises on undecodable JSON
        return None
    return body if isinstance(body, dict) else None


@dataclass(frozen=True)
class ChatRequest:
    sender: str
    text: str
    metadata: Optional[Dict[str, Any]] = None


def read_message_request(request: Request) -> Union[ChatRequest, HTTPResponse]:
    """The validated chat request, or the 400 to send back. A sender is required: without
    one, strangers' messages would share one conversation."""
    body = json_object(request)
    if body is None:
        return bad_request('Send a JSON object such as {"sender": "user-1", "message": "What is IMT?"}.')
    sender = body.get("sender")
    if not sender:
        return bad_request("'sender' is required: a string that identifies the conversation, e.g. \"user-1\".")
    if not isinstance(sender, str) or len(sender) > MAX_SENDER_CHARS:
        return bad_request(f"'sender' must be a string of at most {MAX_SENDER_CHARS} characters.")
    text = message_text(body.get("message"))
    if text is None:
        return bad_request("'message' must be a string.")
    metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else None
    return ChatRequest(sender, text, metadata)
