"""REST channel at POST /webhooks/rest/webhook.

Rasa's RestInput with two changes: a bot answer stays ONE message carrying its text,
buttons and structured payload together (the stock collector splits text on blank
lines and sends the payload separately), malformed requests get a clear 400 instead of
a 500 or an empty list, and a client or conversation over its rate limit gets a 429. It also
installs the guard that does the same for Rasa's HTTP API routes (api_guard.py).
"""

from __future__ import annotations

import logging
from asyncio import CancelledError
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import api_guard
from bot.channels.common import SERVER_TROUBLE, AnswerCollector, read_message_request
from bot.channels.health import actions_unreachable, stack_health
from bot.channels.throttle import shared_throttle
from knowledge.loader import fixed_reply

logger = logging.getLogger(__name__)


ANSWERS_UNAVAILABLE = fixed_reply("utter_assistant_unreachable")


def request_agent(request: Request) -> Any:
    return getattr(request.app.ctx, "agent", None)


async def handle_message(
    on_new_message: Callable[[UserMessage], Awaitable[None]],
    channel: str,
    sender: str,
    text: str,
    metadata=None,
    agent: Any = None,
) -> list:
    """Run one user message through Rasa; never returns an empty list. With the action
    server down, Rasa logs the failed action and answers nothing (emergencies are answered
    without it): the reply then says answers are unavailable for now. When Rasa fails (its
    tracker or lock store unreachable) the reply is the server-trouble one, never a part of
    an answer whose turn may not have been stored."""
    collector = AnswerCollector()
    try:
        await on_new_message(UserMessage(text, collector, sender, input_channel=channel, metadata=metadata))
    except CancelledError:
        logger.error("message timed out on the %s channel", channel)
    except Exception:
        # No sender id or text here: logs must not identify a conversation (see README, Privacy).
        logger.exception("message failed on the %s channel", channel)
        # What was collected belongs to a turn that did not complete and may not be stored
        # (a save that failed): answering with it would hide that, and the next message
        # would be answered without this one's context. The stand-in says it failed. A
        # triage reply stays: an emergency is answered whatever else failed.
        collector.messages[:] = [m for m in collector.messages if (m.get("custom") or {}).get("type") == "imt_triage"]
        if collector.messages:
            collector.messages.append({"recipient_id": sender, "text": SERVER_TROUBLE})
    if not collector.messages:
        down = agent is not None and await actions_unreachable(agent)
        collector.messages.append({"recipient_id": sender, "text": ANSWERS_UNAVAILABLE if down else SERVER_TROUBLE})
    return collector.messages


class ImtRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint("imt_rest_webhook", __name__)
        # Bad bodies for Rasa's own HTTP API routes get a 400 before Rasa's handler runs.
        webhook.listener("before_server_start")(api_guard.install)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/health", methods=["GET"])
        async def health_of_both_servers(request: Request) -> HTTPResponse:
            return await stack_health(request)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            throttle = shared_throttle()
            limited = throttle.by_address(request)
            if limited:
                return limited
            chat = read_message_request(request)
            if isinstance(chat, HTTPResponse):
                return chat
            limited = throttle.by_sender(chat.sender)
            if limited:
                return limited
            return response.json(
                await handle_message(
                    on_new_message, self.name(), chat.sender, chat.text, chat.metadata, request_agent(request)
                )
            )

        return webhook
