"""Slack app (Bolt for Python) in front of the Rasa server.

Direct messages and @mentions; in channels the answer goes in the thread, and each
(thread, user) pair is its own Rasa conversation, each user's DM another. Bolt acks
within Slack's 3 seconds and the Rasa round trip runs after the ack. Retried events
(X-Slack-Retry-Num, or an event id seen before) are not answered twice. When the assistant
rate-limits the app (429), the asker gets a short note, visible to them only, saying how long
to wait. HTTP mode is Bolt's ASGI adapter under uvicorn, on SLACK_HOST:SLACK_PORT
(127.0.0.1:3000 unless set), and every request is checked before Bolt reads it
(bot/slack/server.py).

    SLACK_MODE=socket SLACK_BOT_TOKEN=xoxb-… SLACK_APP_TOKEN=xapp-… python -m bot.slack.app
    SLACK_MODE=http SLACK_BOT_TOKEN=xoxb-… SLACK_SIGNING_SECRET=… python -m bot.slack.app  # POST /slack/events
"""

from __future__ import annotations

import json
import logging
import re
import sys
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Tuple, Union

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient

from bot.rendering.common import read_bot_message
from bot.rendering.slack import ACTION_AUDIENCE, ACTION_FEEDBACK, ACTION_SUGGEST, render_messages
from bot.slack.rasa_client import RasaClient, RateLimited
from bot.slack.server import make_server
from bot.stores.event_log import EventLog, SqlEventLog, open_event_log
from bot.stores.feedback import FeedbackStore, SqlFeedbackStore, open_feedback_store
from knowledge.loader import fixed_reply
from knowledge.settings import Settings, get_settings

logger = logging.getLogger(__name__)
UNAVAILABLE = fixed_reply("utter_assistant_unreachable")
FEEDBACK_THANKS = fixed_reply("utter_feedback_thanks")
SLOW_DOWN = "You're sending messages faster than I can answer; please wait {wait} and ask again."
_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")


class ConfigError(RuntimeError):
    pass


@dataclass(frozen=True)
class SlackSettings:
    mode: str  # "socket" or "http"
    bot_token: str
    app_token: Optional[str]
    signing_secret: Optional[str]
    host: str
    port: int

    @classmethod
    def from_settings(cls, settings: Settings) -> SlackSettings:
        mode = settings.slack_mode
        needed = {"SLACK_BOT_TOKEN": settings.slack_bot_token}
        if mode == "socket":
            needed["SLACK_APP_TOKEN"] = settings.slack_app_token
        else:
            needed["SLACK_SIGNING_SECRET"] = settings.slack_signing_secret
        missing = [name for name, value in needed.items() if not value]
        if missing:
            raise ConfigError(
                f"{mode} mode needs {', '.join(missing)} in the environment (see README, 'Connect a Slack workspace')"
            )
        return cls(
            mode,
            str(settings.slack_bot_token),
            settings.slack_app_token,
            settings.slack_signing_secret,
            settings.slack_host,
            settings.slack_port,
        )


def conversation_id(team: str, channel: str, user: str, thread_ts: Optional[str]) -> str:
    """A user's DM is one conversation; in a channel, each thread and user is one."""
    if thread_ts is None:
        return f"slack:{team}:{channel}:{user}"
    return f"slack:{team}:{channel}:{thread_ts}:{user}"


def _is_dm(channel: str, channel_type: Optional[str] = None) -> bool:
    return channel_type == "im" or channel.startswith("D")


def _text(value: Any) -> Optional[str]:
    return value if isinstance(value, str) and value else None


def _id(container: Any) -> Optional[str]:
    return _text(container.get("id")) if isinstance(container, dict) else None


def slow_down(retry_after: int) -> str:
    return SLOW_DOWN.format(wait="1 second" if retry_after == 1 else f"{retry_after} seconds")


def _clicked_conversation(body: Dict[str, Any]) -> Optional[Tuple[str, Optional[str], str, str]]:
    """(channel, thread to answer in, conversation id, user) of a button click; None when
    the payload lacks them (Slack always sends them, so it is not a click to answer)."""
    channel, user = _id(body.get("channel")), _id(body.get("user"))
    if not channel or not user:
        return None
    message = body.get("message")
    message = message if isinstance(message, dict) else {}
    thread_ts = None if _is_dm(channel) else (_text(message.get("thread_ts")) or _text(message.get("ts")))
    return channel, thread_ts, conversation_id(_id(body.get("team")) or "", channel, user, thread_ts), user


def _feedback_record(value: Any) -> Optional[Dict[str, Any]]:
    """The record our own button carries (Slack signs the click, so it is what we sent)."""
    try:
        record = json.loads(value) if isinstance(value, str) else None
    except ValueError:
        return None
    if not isinstance(record, dict):
        return None
    return {
        "topic": _text(record.get("topic")),
        "claim_ids": [str(c) for c in record.get("claim_ids") or [] if isinstance(c, str)][:50],
        "citations": [str(c) for c in record.get("citations") or [] if isinstance(c, str)][:50],
    }


def build_app(
    *,
    rasa: RasaClient,
    feedback: Union[FeedbackStore, SqlFeedbackStore],
    events: Union[EventLog, SqlEventLog],
    bot_token: str,
    signing_secret: Optional[str] = None,
    client: Optional[WebClient] = None,
    listener_executor: Optional[Executor] = None,
) -> App:
    app = App(
        token=bot_token,
        signing_secret=signing_secret,
        client=client,
        # Tests pass their own executor so they can wait for the listeners to finish.
        listener_executor=listener_executor,
        # Ack first, then do the Rasa round trip (Slack wants an answer within 3 s).
        process_before_response=False,
    )

    @app.middleware
    def answer_each_event_once(body: Dict[str, Any], request, next: Callable[[], BoltResponse]):
        # Slack retries when a delivery may have failed, so a retry is answered unless its
        # event id shows the first delivery already arrived here.
        event_id = body.get("event_id")
        if event_id and not events.first_time(event_id):
            return BoltResponse(status=200, body="")
        return next()

    def answer(client: WebClient, channel: str, user: str, sender: str, text: str, thread_ts: Optional[str]) -> None:
        try:
            replies = rasa.send(sender, text)
        except RateLimited as limited:
            # Only the asker needs to know; the message was not taken, so asking again is safe.
            note = slow_down(limited.retry_after)
            client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread_ts, text=note)
            return
        except Exception:
            # No Slack user, channel or thread ids in the logs (README, Privacy).
            logger.exception("Rasa request failed")
            client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=UNAVAILABLE)
            return
        for reply in replies:
            # Usually one Slack message; an answer of more than 50 blocks goes on in more.
            for part in render_messages(read_bot_message(reply)):
                client.chat_postMessage(
                    channel=channel,
                    thread_ts=thread_ts,
                    blocks=part.blocks,
                    text=part.text,
                    unfurl_links=False,
                    unfurl_media=False,
                )

    @app.event("message")
    def direct_message(event: Dict[str, Any], body: Dict[str, Any], client: WebClient) -> None:
        channel, user = _text(event.get("channel")), _text(event.get("user"))
        if event.get("subtype") or event.get("bot_id") or not channel or not user:
            return  # edits, joins, bot posts and malformed events are not questions to us
        if not _is_dm(channel, _text(event.get("channel_type"))):
            return  # channel chatter: only mentions are
        sender = conversation_id(_text(body.get("team_id")) or "", channel, user, None)
        answer(client, channel, user, sender, _text(event.get("text")) or "", None)

    @app.event("app_mention")
    def mention(event: Dict[str, Any], body: Dict[str, Any], client: WebClient) -> None:
        channel, user = _text(event.get("channel")), _text(event.get("user"))
        thread_ts = _text(event.get("thread_ts")) or _text(event.get("ts"))
        if not channel or not user or not thread_ts:
            return
        sender = conversation_id(_text(body.get("team_id")) or "", channel, user, thread_ts)
        answer(client, channel, user, sender, _MENTION.sub("", _text(event.get("text")) or "").strip(), thread_ts)

    def ask_from_button(ack, body: Dict[str, Any], action: Dict[str, Any], client: WebClient) -> None:
        ack()
        clicked, text = _clicked_conversation(body), _text(action.get("value"))
        if clicked and text:
            channel, thread_ts, sender, user = clicked
            answer(client, channel, user, sender, text, thread_ts)

    app.action(re.compile(rf"^{ACTION_SUGGEST}_\d+$"))(ask_from_button)
    app.action(ACTION_AUDIENCE)(ask_from_button)

    @app.action(re.compile(rf"^{ACTION_FEEDBACK}_(up|down)$"))
    def vote(ack, body: Dict[str, Any], action: Dict[str, Any], client: WebClient) -> None:
        ack()
        clicked, record = _clicked_conversation(body), _feedback_record(action.get("value"))
        if not clicked or record is None:
            return
        channel, thread_ts, sender, user = clicked
        feedback.record(channel="slack", conversation_id=sender, vote=action["action_id"].rsplit("_", 1)[1], **record)
        client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread_ts, text=FEEDBACK_THANKS)

    return app


def main() -> int:
    logging.basicConfig(level=logging.INFO)
    try:
        settings = SlackSettings.from_settings(get_settings())
    except (ConfigError, ValueError) as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 2
    app = build_app(
        rasa=RasaClient(),
        feedback=open_feedback_store(),
        events=open_event_log(get_settings()),
        bot_token=settings.bot_token,
        signing_secret=settings.signing_secret,
    )
    if settings.mode == "socket":
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        SocketModeHandler(app, settings.app_token).start()
    else:
        # Bolt's ASGI adapter under uvicorn, each request checked first (server.py); not
        # App.start, Bolt's development server.
        server = make_server(app, host=settings.host, port=settings.port, signing_secret=settings.signing_secret)
        logger.info("Slack app listening on %s:%d, POST /slack/events", settings.host, settings.port)
        server.run()  # exits with status 1 when it cannot bind (uvicorn logs why)
    return 0


if __name__ == "__main__":
    sys.exit(main())
