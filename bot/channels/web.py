"""Web chat channel: serves the widget and speaks to it at /webhooks/web/.

    GET  /webhooks/web/                 demo page with the widget
    GET  /webhooks/web/widget.js|.css   the embeddable widget (page.css: the demo page's styles)
    GET  /webhooks/web/config           -> {"max_message_chars"}: the server's limits for the widget
    POST /webhooks/web/session          -> {"sender"}: a conversation id this server signed
    POST /webhooks/web/message          {"sender", "message"} -> {"messages": [{"html"}]}
    GET  /webhooks/web/history?sender=  the conversation so far, rendered
    GET  /webhooks/web/transcript?sender= Markdown transcript with citations
    POST /webhooks/web/feedback         {"sender", "vote", "answer"}: a vote on the conversation's
                                        answer number `answer` (0 = first; default the latest)

It runs inside the Rasa server, so it needs no other process; the conversation lives in
the tracker store like every other channel's. Bot messages are rendered to HTML on the
server by bot/rendering/html.py, the widget only inserts them. Only conversation ids the
server issued are served (web_session.py), every response carries the security headers
of web_headers.py, and the rate limits of throttle.py apply. A vote stores the claims and
citations the tracker holds for that answer, never what the client says was shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.common import bad_request, json_object, read_message_request
from bot.channels.rest import handle_message, request_agent
from bot.channels.throttle import shared_throttle
from bot.channels.web_headers import security_headers
from bot.channels.web_session import SenderIds
from bot.rendering.common import feedback_record, read_bot_message
from bot.rendering.html import render_html, render_user_html
from bot.rendering.markdown import render_transcript
from bot.stores.feedback import VOTES, open_feedback_store
from knowledge.settings import get_settings

STATIC = Path(__file__).resolve().parent / "static"
ASSETS = {
    "widget.js": "application/javascript",
    "widget.css": "text/css",
    "page.css": "text/css",
    "index.html": "text/html",
}
UNKNOWN_SENDER = "'sender' must be a conversation id issued by POST /webhooks/web/session."
BAD_VOTE = 'Send {"sender": <an issued id>, "vote": "up"|"down", "answer": <the answer\'s number, 0 = first>}.'


def _bot_message_dict(event: BotUttered) -> Dict[str, Any]:
    return {"text": event.text, **{k: v for k, v in (event.data or {}).items() if v}}


class WebChatInput(InputChannel):
    def __init__(self, feedback_db: Optional[str] = None) -> None:
        self._assets = {name: (STATIC / name).read_text(encoding="utf-8") for name in ASSETS}
        self._feedback = open_feedback_store(path=Path(feedback_db) if feedback_db else None)
        settings = get_settings()
        # Web conversations only, and only ids this server signed: never a Slack or REST one.
        self._senders = SenderIds.from_settings(settings)
        self._headers = security_headers(settings.allowed_origins)
        self._config = {"max_message_chars": settings.max_message_chars}

    @classmethod
    def name(cls) -> str:
        return "web"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> WebChatInput:
        return cls((credentials or {}).get("feedback_db"))

    async def _turns(self, request: Request, sender: str) -> List[Dict[str, Any]]:
        # The whole conversation (the store loads only recent turns for answering).
        tracker = await request.app.ctx.agent.tracker_store.retrieve_full_tracker(sender)
        turns = []
        for event in tracker.events if tracker else []:
            if isinstance(event, UserUttered) and event.text is not None:
                turns.append({"from": "user", "text": event.text})
            elif isinstance(event, BotUttered):
                turns.append({"from": "bot", "message": read_bot_message(_bot_message_dict(event))})
        return turns

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        web = Blueprint("imt_web_chat", __name__)

        @web.middleware("response")
        async def add_security_headers(request: Request, reply: HTTPResponse) -> None:
            reply.headers.update(self._headers)

        @web.route("/", methods=["GET"])
        async def page(request: Request) -> HTTPResponse:
            return response.html(self._assets["index.html"])

        @web.route("/<asset:(widget\\.js|widget\\.css|page\\.css)>", methods=["GET"])
        async def asset(request: Request, asset: str) -> HTTPResponse:
            return response.text(self._assets[asset], content_type=ASSETS[asset], headers={"Cache-Control": "no-cache"})

        @web.route("/config", methods=["GET"])
        async def config(request: Request) -> HTTPResponse:
            return response.json(self._config)

        @web.route("/session", methods=["POST"])
        async def session(request: Request) -> HTTPResponse:
            return shared_throttle().by_address(request) or response.json({"sender": self._senders.issue()})

        @web.route("/message", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            throttle = shared_throttle()
            limited = throttle.by_address(request)
            if limited:
                return limited
            chat = read_message_request(request)
            if isinstance(chat, HTTPResponse):
                return chat
            if not self._senders.verified(chat.sender):
                return bad_request(UNKNOWN_SENDER)
            limited = throttle.by_sender(chat.sender)
            if limited:
                return limited
            replies = await handle_message(
                on_new_message, self.name(), chat.sender, chat.text, chat.metadata, request_agent(request)
            )
            return response.json({"messages": [{"html": render_html(read_bot_message(r))} for r in replies]})

        def sender_arg(request: Request) -> Optional[str]:
            return self._senders.verified(request.args.get("sender", ""))

        @web.route("/history", methods=["GET"])
        async def history(request: Request) -> HTTPResponse:
            limited = shared_throttle().by_address(request)
            if limited:
                return limited
            sender = sender_arg(request)
            if not sender:
                return bad_request(UNKNOWN_SENDER)
            turns = await self._turns(request, sender)
            return response.json(
                {
                    "turns": [
                        {"from": "user", "html": render_user_html(t["text"])}
                        if t["from"] == "user"
                        else {"from": "bot", "html": render_html(t["message"])}
                        for t in turns
                    ]
                }
            )

        @web.route("/transcript", methods=["GET"])
        async def transcript(request: Request) -> HTTPResponse:
            limited = shared_throttle().by_address(request)
            if limited:
                return limited
            sender = sender_arg(request)
            if not sender:
                return bad_request(UNKNOWN_SENDER)
            markdown = render_transcript(await self._turns(request, sender))
            return response.text(
                markdown,
                content_type="text/markdown; charset=utf-8",
                headers={"Content-Disposition": 'attachment; filename="imt-transcript.md"'},
            )

        @web.route("/feedback", methods=["POST"])
        async def feedback(request: Request) -> HTTPResponse:
            throttle = shared_throttle()
            limited = throttle.by_address(request)
            if limited:
                return limited
            body = json_object(request)
            sender = self._senders.verified((body or {}).get("sender"))
            if body is None or not sender or body.get("vote") not in VOTES:
                return bad_request(BAD_VOTE)
            limited = throttle.by_sender(sender)
            if limited:
                return limited
            answers = [t["message"].answer for t in await self._turns(request, sender) if t["from"] == "bot"]
            answers = [a for a in answers if a is not None]
            number = body.get("answer", len(answers) - 1)
            if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number < len(answers):
                return bad_request(f"'answer' must be the number of one of this conversation's {len(answers)} answers.")
            shown = feedback_record(answers[number])
            self._feedback.record(
                channel="web",
                conversation_id=sender,
                vote=body["vote"],
                topic=shown["topic"],
                claim_ids=shown["claim_ids"],
                citations=shown["citations"],
            )
            return response.json({"ok": True})

        return web
