"""REST channel at POST /webhooks/rest/webhook.

Rasa's RestInput with two changes: a bot answer stays ONE message carrying its text,
buttons and structured payload together (the stock collector splits text on blank
lines and sends the payload separately), and malformed requests get a clear 400
instead of a 500 or an empty list.
"""

from __future__ import annotations

import logging
from asyncio import CancelledError
from typing import Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.common import SERVER_TROUBLE, AnswerCollector, read_message_request
from bot.channels.health import stack_health

logger = logging.getLogger(__name__)


async def handle_message(
    on_new_message: Callable[[UserMessage], Awaitable[None]], channel: str, sender: str, text: str, metadata=None
) -> list:
    """Run one user message through Rasa; never returns an empty list."""
    collector = AnswerCollector()
    try:
        await on_new_message(UserMessage(text, collector, sender, input_channel=channel, metadata=metadata))
    except CancelledError:
        logger.error("message timed out on the %s channel", channel)
    except Exception:
        # No sender id or text here: logs must not identify a conversation (see README, Privacy).
        logger.exception("message failed on the %s channel", channel)
    if not collector.messages:
        collector.messages.append({"recipient_id": sender, "text": SERVER_TROUBLE})
    return collector.messages


class ImtRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint("imt_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/health", methods=["GET"])
        async def health_of_both_servers(request: Request) -> HTTPResponse:
            return await stack_health(request)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            chat = read_message_request(request)
            if isinstance(chat, HTTPResponse):
                return chat
            return response.json(
                await handle_message(on_new_message, self.name(), chat.sender, chat.text, chat.metadata)
            )

        return webhook
