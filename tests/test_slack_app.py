"""The Slack app against a local fake Slack Web API and the real running assistant.

Requests are signed with a test signing secret and dispatched to the Bolt app, the way
Slack's Events API and interactivity would deliver them.
"""

import asyncio
import contextlib
import hashlib
import hmac
import http.server
import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from bot.slack.app import ConfigError, SlackSettings, build_app, conversation_id
from bot.slack.rasa_client import DEFAULT_RETRY_AFTER, MAX_RETRY_AFTER, RasaClient, RateLimited
from bot.slack.server import make_server
from bot.stores.event_log import EventLog
from bot.stores.feedback import FeedbackStore
from knowledge.settings import Settings
from tests.fake_slack import FakeSlackAPI

SECRET = "test-signing-secret"


@pytest.fixture
def slack(tmp_path):
    with FakeSlackAPI() as api:
        yield api


class DrainableExecutor(ThreadPoolExecutor):
    """Bolt's listener executor, which a test can wait on until every listener has run."""

    def drain(self) -> None:
        self.shutdown(wait=True)  # no new work after this; every submitted listener finishes first


def make_app(slack, tmp_path, rasa, executor=None):
    client = WebClient(token="xoxb-test", base_url=slack.base_url)
    feedback = FeedbackStore(tmp_path / "feedback.db")
    app = build_app(
        rasa=rasa,
        feedback=feedback,
        events=EventLog(tmp_path / "slack.db"),
        bot_token="xoxb-test",
        signing_secret=SECRET,
        client=client,
        listener_executor=executor,
    )
    return app, feedback


@pytest.fixture
def executor():
    pool = DrainableExecutor(max_workers=4)
    yield pool
    pool.shutdown(wait=True)


@pytest.fixture
def app(slack, tmp_path, stack, executor):
    return make_app(slack, tmp_path, RasaClient(stack.rasa_url), executor)


def signed_headers(body: str, content_type: str, secret: str = SECRET, extra=None):
    timestamp = str(int(time.time()))
    return {
        "content-type": [content_type],
        "x-slack-request-timestamp": [timestamp],
        "x-slack-signature": [SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)],
        **(extra or {}),
    }


def signed_bytes(raw: bytes, content_type: str, secret: str = SECRET):
    """Headers signing raw bytes, as Slack signs them (even bytes that are not UTF-8)."""
    timestamp = str(int(time.time()))
    digest = hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256).hexdigest()
    return {
        "content-type": [content_type],
        "x-slack-request-timestamp": [timestamp],
        "x-slack-signature": [f"v0={digest}"],
    }


def signed(body: str, content_type: str, secret: str = SECRET, extra=None) -> BoltRequest:
    return BoltRequest(body=body, headers=signed_headers(body, content_type, secret, extra))


def event_request(event, secret=SECRET, event_id=None, extra=None):
    body = json.dumps(
        {
            "token": "legacy",
            "team_id": "T1",
            "api_app_id": "A1",
            "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10]}",
            "event_time": int(time.time()),
            "event": event,
        }
    )
    return signed(body, "application/json", secret, extra)


def click_request(action_id, value, channel="C1", message_ts="100.1", thread_ts=None, user="U1"):
    message = {"type": "message", "ts": message_ts, "text": "answer"}
    if thread_ts:
        message["thread_ts"] = thread_ts
    payload = {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": user},
        "api_app_id": "A1",
        "channel": {"id": channel},
        "message": message,
        "container": {"type": "message"},
        "trigger_id": "1.2.3",
        "response_url": "http://127.0.0.1:9/unused",
        "actions": [
            {"type": "button", "action_id": action_id, "value": value, "block_id": "b", "action_ts": str(time.time())}
        ],
    }
    return signed(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


def mention(text, channel="C1", ts="100.1", thread_ts=None, user="U1"):
    event = {"type": "app_mention", "user": user, "text": f"<@UBOT> {text}", "channel": channel, "ts": ts}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def all_text(post) -> str:
    return json.dumps(post.get("blocks") or []) + post.get("text", "")


def test_direct_message_is_answered_with_blocks(app, slack):
    bolt, _ = app
    response = bolt.dispatch(
        event_request(
            {
                "type": "message",
                "channel_type": "im",
                "channel": "D1",
                "user": "U1",
                "text": "What is the dose of crizotinib?",
                "ts": "1.1",
            }
        )
    )
    assert response.status == 200
    post = slack.wait_for(1)[0]
    assert post["channel"] == "D1" and not post.get("thread_ts")
    kinds = [b["type"] for b in post["blocks"]]
    assert "section" in kinds and "context" in kinds and "actions" in kinds
    text = all_text(post)
    assert "From the Guidelines" in text and "250 mg" in text and "https://" in text
    action_ids = {e["action_id"] for b in post["blocks"] if b["type"] == "actions" for e in b["elements"]}
    assert {"imt_audience", "imt_feedback_up", "imt_feedback_down", "imt_suggest_0"} <= action_ids


def test_mention_is_answered_in_its_thread_and_threads_keep_their_own_context(app, slack):
    bolt, _ = app
    bolt.dispatch(event_request(mention("what's the crizotinib dose?", ts="100.1")))
    first = slack.wait_for(1)[0]
    assert first["channel"] == "C1" and first["thread_ts"] == "100.1"
    bolt.dispatch(event_request(mention("and for a 6-year-old?", ts="100.2", thread_ts="100.1")))
    follow_up = slack.wait_for(2)[1]
    assert follow_up["thread_ts"] == "100.1" and "280 mg/m²" in all_text(follow_up)
    # Another thread starts from nothing: no dosing context leaks into it.
    bolt.dispatch(event_request(mention("and for a 6-year-old?", ts="200.1")))
    other = slack.wait_for(3)[2]
    assert other["thread_ts"] == "200.1" and "280 mg/m²" not in all_text(other)


def test_forged_signature_is_rejected(app, slack, executor):
    bolt, _ = app
    response = bolt.dispatch(event_request(mention("what is IMT?"), secret="not-the-secret"))
    assert response.status == 401
    executor.drain()
    assert slack.posts() == []


def test_retried_event_is_answered_once(app, slack, executor):
    bolt, _ = app
    event = mention("what is IMT?", ts="300.1")
    assert bolt.dispatch(event_request(event, event_id="EvSAME")).status == 200
    slack.wait_for(1)
    assert (
        bolt.dispatch(
            event_request(
                event, event_id="EvSAME", extra={"x-slack-retry-num": ["1"], "x-slack-retry-reason": ["http_timeout"]}
            )
        ).status
        == 200
    )
    assert bolt.dispatch(event_request(event, event_id="EvSAME")).status == 200
    executor.drain()
    assert len(slack.posts()) == 1


def test_suggestion_button_asks_that_question_in_the_thread(app, slack):
    bolt, _ = app
    response = bolt.dispatch(
        click_request(
            "imt_suggest_0", "What are the side effects of crizotinib?", message_ts="400.2", thread_ts="400.1"
        )
    )
    assert response.status == 200
    post = slack.wait_for(1)[0]
    assert post["thread_ts"] == "400.1" and "From the" in all_text(post)
    assert "side_effects" in all_text(post) or "hepat" in all_text(post).lower()


def test_audience_button_switches_language(app, slack):
    bolt, _ = app
    bolt.dispatch(click_request("imt_suggest_0", "What is the dose of crizotinib?", channel="D9", message_ts="5.1"))
    slack.wait_for(1)
    bolt.dispatch(
        click_request("imt_audience", "I'm a patient, please use plain language", channel="D9", message_ts="5.2")
    )
    post = slack.wait_for(2)[1]
    assert "twice a day" in all_text(post) and "Plain language" not in all_text(post)


def test_mass_mentions_and_links_are_never_echoed_live(app, slack):
    bolt, _ = app
    bolt.dispatch(
        event_request(mention("<!channel> <!here> <@U999> <https://evil.example|click> what is IMT?", ts="600.1"))
    )
    post = slack.wait_for(1)[0]
    text = all_text(post)
    for live in ("<!channel>", "<!here>", "<@U999>", "evil.example"):
        assert live not in text


def test_feedback_is_stored_and_exported(app, slack, tmp_path):
    bolt, feedback = app
    record = {"topic": "dosing", "claim_ids": ["dosing-crizotinib-adult-1"], "citations": ["R1"]}
    bolt.dispatch(click_request("imt_feedback_down", json.dumps(record), channel="D2", message_ts="7.1"))
    slack.wait_for(1, method="chat.postEphemeral")
    rows = feedback.rows()
    assert len(rows) == 1 and rows[0][5] == "down" and rows[0][4] == "dosing"
    out = tmp_path / "feedback.csv"
    with out.open("w") as handle:
        feedback.export_csv(handle)
    assert "dosing-crizotinib-adult-1" in out.read_text()


class _BlockedRasa:
    """A Rasa client that holds every request until released."""

    def __init__(self):
        self.release = threading.Event()

    def send(self, sender, text, metadata=None):
        self.release.wait(30)
        return [{"recipient_id": sender, "text": "ok"}]


class _LongAnswerRasa:
    """A Rasa client whose every answer is far over one Slack message's 50 blocks."""

    def send(self, sender, text, metadata=None):
        from tests.test_rendering import _long_answer

        message = _long_answer()
        custom = {**json.loads(message.answer.json()), "lead": message.lead}
        return [{"recipient_id": sender, "text": "t", "custom": custom}]


def test_a_long_answer_goes_on_in_further_messages_in_the_thread(slack, tmp_path, executor):
    from bot.rendering.slack import CONTINUED, escape

    bolt, _ = make_app(slack, tmp_path, _LongAnswerRasa(), executor)
    assert bolt.dispatch(event_request(mention("tell me everything", ts="990.1"))).status == 200
    executor.drain()
    posts = slack.posts()
    assert len(posts) >= 2 and all(post["thread_ts"] == "990.1" for post in posts)
    assert all(len(post["blocks"]) <= 50 for post in posts)
    assert all(post["blocks"][-1]["elements"][0]["text"] == CONTINUED for post in posts[:-1])
    assert posts[-1]["blocks"][-1]["block_id"] == "imt_controls"  # the buttons come last, once
    texts = [b["text"]["text"] for post in posts for b in post["blocks"] if b["type"] == "section"]
    sections = _LongAnswerRasa().send("s", "q")[0]["custom"]["sections"]
    for claim in (claim for section in sections for claim in section["claims"]):
        assert sum(f"• {escape(claim['text'])}" in text for text in texts) == 1  # every claim, whole, once


def test_ack_comes_before_the_slow_work(slack, tmp_path):
    rasa = _BlockedRasa()
    bolt, _ = make_app(slack, tmp_path, rasa)
    response = bolt.dispatch(event_request(mention("what is IMT?", ts="800.1")))
    assert response.status == 200 and slack.posts() == []  # acked while the answer is still pending
    rasa.release.set()
    assert slack.wait_for(1)[0]["thread_ts"] == "800.1"


def test_missing_configuration_fails_clearly():
    with pytest.raises(ConfigError, match="SLACK_APP_TOKEN"):
        SlackSettings.from_settings(Settings(slack_bot_token="xoxb-1"))
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
        SlackSettings.from_settings(Settings(slack_mode="http", slack_bot_token="xoxb-1"))
    settings = SlackSettings.from_settings(Settings(slack_mode="http", slack_bot_token="x", slack_signing_secret="s"))
    assert settings.mode == "http"
    with pytest.raises(ValueError, match="SLACK_MODE"):
        Settings(slack_mode="carrier-pigeon")


def test_conversation_ids_separate_threads_and_users():
    assert conversation_id("T", "C", "U1", "1.1") != conversation_id("T", "C", "U2", "1.1")
    assert conversation_id("T", "C", "U1", "1.1") != conversation_id("T", "C", "U1", "2.1")
    assert conversation_id("T", "D1", "U1", None) == "slack:T:D1:U1"


def test_a_retry_of_an_event_not_seen_before_is_answered(app, slack):
    """Slack retries when the first delivery may have failed: the retry must be answered."""
    bolt, _ = app
    retry = {"x-slack-retry-num": ["1"], "x-slack-retry-reason": ["http_timeout"]}
    assert bolt.dispatch(event_request(mention("what is IMT?", ts="900.1"), extra=retry)).status == 200
    assert slack.wait_for(1)[0]["thread_ts"] == "900.1"


def test_the_rasa_client_never_resends_a_message_after_a_gateway_error():
    import requests

    posts = []

    class Gateway(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            posts.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(504)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = RasaClient(f"http://127.0.0.1:{server.server_address[1]}", timeout=10)
        with pytest.raises(requests.HTTPError):
            client.send("u1", "what is IMT?")
    finally:
        server.shutdown()
    assert len(posts) == 1


# --- the HTTP entry (SLACK_MODE=http): uvicorn, checked before Bolt reads the body ------------


class _QuickRasa:
    """A Rasa client that answers every message at once."""

    def send(self, sender, text, metadata=None):
        return [{"recipient_id": sender, "text": f"you said: {text}"}]


@contextlib.contextmanager
def serving(bolt, host="127.0.0.1"):
    """The Slack app's own server (uvicorn) on a free port of `host`, in a thread; yields
    the address it listens on. Waits for start-up and shutdown by polling, within bounds."""
    server = make_server(bolt, host=host, port=0, signing_secret=SECRET)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "the Slack app's server stopped during start-up"
        assert time.monotonic() < deadline, "the Slack app's server did not start within 30 s"
        time.sleep(0.01)
    try:
        yield server.servers[0].sockets[0].getsockname()[:2]
    finally:
        server.should_exit = True
        thread.join(30)
        assert not thread.is_alive(), "the Slack app's server did not stop within 30 s"


@pytest.fixture
def http_app(slack, tmp_path, executor):
    """The Slack app behind its own server on a free port (no Rasa needed: bad bodies and
    Slack's URL check never reach it, and events get an instant stand-in answer)."""
    bolt, _ = make_app(slack, tmp_path, _QuickRasa(), executor)
    with serving(bolt) as (host, port):
        yield f"http://{host}:{port}/slack/events"


def _post(url, raw: bytes, content_type="application/json", secret=SECRET, extra=None):
    import requests

    headers = {name: values[0] for name, values in signed_bytes(raw, content_type, secret).items()}
    return requests.post(url, data=raw, headers={**headers, **(extra or {})}, timeout=30)


@pytest.mark.parametrize(
    "raw,content_type",
    [
        (b"[]", "application/json"),
        (b'"x"', "application/json"),
        (b"3", "application/json"),
        (b"null", "application/json"),
        (b"{not json", "application/json"),
        (b"\xff\xfe", "application/json"),
        (b"payload=%5B%5D", "application/x-www-form-urlencoded"),
        (b"payload=%7B", "application/x-www-form-urlencoded"),
    ],
)
def test_a_body_bolt_cannot_read_gets_a_clear_400(http_app, slack, executor, raw, content_type):
    reply = _post(http_app, raw, content_type)
    assert reply.status_code == 400, reply.text
    assert "JSON object" in reply.json()["message"]
    executor.drain()
    assert [c["method"] for c in slack.calls if c["method"] != "auth.test"] == []  # nothing reached Slack


def test_an_unsigned_bad_body_is_refused_before_it_is_read(http_app):
    reply = _post(http_app, b"[]", secret="not-the-secret")
    assert reply.status_code == 401 and reply.json()["error"] == "invalid_request"
    import requests

    assert requests.post(http_app, data=b"[]", timeout=30).status_code == 401  # no signature at all
    stale = {"x-slack-request-timestamp": "not-a-number", "x-slack-signature": "v0=é"}
    assert requests.post(http_app, data=b"{}", headers=stale, timeout=30).status_code == 401
    # A header that is not UTF-8 (Bolt's adapter would fail decoding it): still 401 unsigned...
    odd = {"x-note": "caf\xe9"}  # requests sends it as latin-1 bytes
    assert _post(http_app, b"{}", secret="not-the-secret", extra=odd).status_code == 401
    # ...and a clear 400 when signed, never a 500.
    reply = _post(http_app, b"{}", extra=odd)
    assert reply.status_code == 400 and "UTF-8" in reply.json()["message"]


def test_a_body_over_the_limit_is_refused_unread(http_app, slack, tmp_path):
    import http.client
    from urllib.parse import urlsplit

    from bot.slack.server import MAX_BODY_BYTES, SlackEvents

    # Over the socket: a Content-Length over the limit is answered before any body is sent.
    address = urlsplit(http_app)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    connection.putrequest("POST", address.path)
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(MAX_BODY_BYTES + 1))
    connection.endheaders()
    reply = connection.getresponse()
    assert reply.status == 413 and json.loads(reply.read())["error"] == "too_large"
    connection.close()

    # A chunked body has no Content-Length: it is counted as it arrives (here in process, as
    # over a socket the client may still be sending when the server answers and closes).
    chunks = [b"{", b" " * MAX_BODY_BYTES, b"}"]
    messages = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
    sent = []

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    bolt, _ = make_app(slack, tmp_path, _QuickRasa())
    scope = {"type": "http", "method": "POST", "path": "/slack/events", "headers": [], "query_string": b""}
    asyncio.run(SlackEvents(bolt, signing_secret=SECRET)(scope, receive, send))
    assert sent[0]["status"] == 413 and json.loads(sent[1]["body"])["error"] == "too_large"
    assert messages == [{"type": "http.request", "body": b"}", "more_body": False}]  # not read further


def test_the_http_entry_hands_good_requests_to_bolt(http_app):
    challenge = json.dumps({"type": "url_verification", "challenge": "c-123", "token": "legacy"}).encode()
    reply = _post(http_app, challenge)
    assert reply.status_code == 200 and reply.json()["challenge"] == "c-123"
    assert _post(http_app.replace("/slack/events", "/elsewhere"), challenge).status_code == 404
    import requests

    assert requests.get(http_app, timeout=30).status_code == 404  # only POSTs are Slack's


def test_a_signed_event_over_http_is_answered_in_slack(http_app, slack):
    request = event_request(mention("what is IMT?", ts="1000.1"))
    raw = request.raw_body.encode()
    reply = _post(http_app, raw)
    assert reply.status_code == 200  # the ack; the answer follows on Bolt's listener executor
    post = slack.wait_for(1)[0]
    assert post["channel"] == "C1" and post["thread_ts"] == "1000.1" and "you said: what is IMT?" in all_text(post)
    # Interactivity arrives as a form; a 👎 is stored and acknowledged to the clicker only.
    record = {"topic": "dosing", "claim_ids": ["c-1"], "citations": ["R1"]}
    click = click_request("imt_feedback_down", json.dumps(record), channel="D3", message_ts="11.1")
    assert _post(http_app, click.raw_body.encode(), "application/x-www-form-urlencoded").status_code == 200
    assert slack.wait_for(1, method="chat.postEphemeral")[0]["channel"] == "D3"


def test_a_slow_request_does_not_hold_up_the_others(slack, tmp_path, executor):
    """Bolt's dispatch runs in a worker thread, not in uvicorn's event loop."""

    bolt, _ = make_app(slack, tmp_path, _QuickRasa(), executor)
    release, entered = threading.Event(), threading.Event()

    @bolt.middleware
    def hold(body, next):
        if (body.get("event") or {}).get("text", "").endswith("hold on"):
            entered.set()
            release.wait(30)
        return next()

    with serving(bolt) as (host, port), ThreadPoolExecutor(max_workers=1) as pool:
        url = f"http://{host}:{port}/slack/events"
        slow = pool.submit(_post, url, event_request(mention("hold on", ts="1100.1")).raw_body.encode())
        assert entered.wait(30)
        challenge = json.dumps({"type": "url_verification", "challenge": "c-3"}).encode()
        try:
            assert _post(url, challenge).json()["challenge"] == "c-3"  # answered while the other waits
            assert not slow.done()
        finally:
            release.set()
        assert slow.result(timeout=30).status_code == 200
    assert slack.wait_for(1)[0]["thread_ts"] == "1100.1"


def test_the_server_binds_the_configured_host_only(slack, tmp_path, executor):
    import requests

    bolt, _ = make_app(slack, tmp_path, _QuickRasa(), executor)
    with serving(bolt, host="127.0.0.2") as (host, port):
        assert host == "127.0.0.2"
        challenge = json.dumps({"type": "url_verification", "challenge": "c-2"}).encode()
        assert _post(f"http://127.0.0.2:{port}/slack/events", challenge).json()["challenge"] == "c-2"
        with pytest.raises(requests.ConnectionError):  # not on every interface: not on 127.0.0.1
            requests.post(f"http://127.0.0.1:{port}/slack/events", data=challenge, timeout=30)


def test_host_and_port_come_from_the_settings(monkeypatch):
    assert Settings().slack_host == "127.0.0.1"  # loopback unless told otherwise
    monkeypatch.setenv("SLACK_HOST", "0.0.0.0")
    monkeypatch.setenv("SLACK_PORT", "3100")
    settings = SlackSettings.from_settings(Settings(slack_mode="http", slack_bot_token="x", slack_signing_secret="s"))
    assert (settings.host, settings.port) == ("0.0.0.0", 3100)
    for bad in ("", "  "):
        with pytest.raises(ValueError, match="SLACK_HOST"):
            Settings(slack_host=bad)
    with pytest.raises(ValueError):
        Settings(slack_port=70000)


def test_main_serves_http_mode_on_the_configured_address(monkeypatch):
    import bot.slack.app as slack_app

    served = {}

    class FakeServer:
        def run(self):
            served["ran"] = True

    def fake_make_server(app, **kwargs):
        served.update(app=app, **kwargs)
        return FakeServer()

    settings = Settings(
        slack_mode="http", slack_bot_token="xoxb-x", slack_signing_secret="s3", slack_host="10.1.2.3", slack_port=3111
    )
    monkeypatch.setattr(slack_app, "get_settings", lambda: settings)
    # No stores, Rasa client or Bolt app of its own (Bolt's App checks its token with Slack).
    for name in ("RasaClient", "open_feedback_store", "open_event_log"):
        monkeypatch.setattr(slack_app, name, lambda *args: None)
    monkeypatch.setattr(slack_app, "build_app", lambda **kwargs: "the Bolt app")
    monkeypatch.setattr(slack_app, "make_server", fake_make_server)
    assert slack_app.main() == 0
    assert served == {"app": "the Bolt app", "host": "10.1.2.3", "port": 3111, "signing_secret": "s3", "ran": True}


# --- the assistant's rate limit (429) -------------------------------------------------------


@contextlib.contextmanager
def fake_rasa(status, headers=None, body=b""):
    """A stand-in for the Rasa REST channel that answers every POST with `status`."""
    posts = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            posts.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", posts
    finally:
        server.shutdown()
        server.server_close()


LIMITED = json.dumps({"error": "too_many_requests", "message": "…", "retry_after": 9}).encode()


def test_a_rate_limited_question_gets_a_note_saying_how_long_to_wait(slack, tmp_path, executor):
    with fake_rasa(429, {"Retry-After": "7"}, LIMITED) as (url, posts):
        bolt, _ = make_app(slack, tmp_path, RasaClient(url, timeout=10), executor)
        assert bolt.dispatch(event_request(mention("what is IMT?", ts="950.1"))).status == 200
        note = slack.wait_for(1, method="chat.postEphemeral")[0]
    assert note["text"] == "You're sending messages faster than I can answer; please wait 7 seconds and ask again."
    assert note["channel"] == "C1" and note["user"] == "U1" and note["thread_ts"] == "950.1"
    executor.drain()
    assert slack.posts() == [] and len(posts) == 1  # no error reply, and the message was not resent


def test_a_rate_limited_button_click_gets_the_note_in_its_thread(slack, tmp_path, executor):
    with fake_rasa(429, {"Retry-After": "1"}, LIMITED) as (url, _):
        bolt, _ = make_app(slack, tmp_path, RasaClient(url, timeout=10), executor)
        bolt.dispatch(click_request("imt_suggest_0", "What is IMT?", message_ts="960.2", thread_ts="960.1", user="U7"))
        note = slack.wait_for(1, method="chat.postEphemeral")[0]
    assert "please wait 1 second and ask again" in note["text"]
    assert note["user"] == "U7" and note["thread_ts"] == "960.1"


@pytest.mark.parametrize(
    "headers,body,expected",
    [
        ({"Retry-After": "7"}, LIMITED, 7),
        ({"Retry-After": "2.1"}, LIMITED, 3),
        ({"Retry-After": "0"}, LIMITED, 1),
        ({}, LIMITED, 9),  # no header: the body's retry_after
        ({"Retry-After": "soon"}, LIMITED, 9),
        ({"Retry-After": "99999999"}, b"", MAX_RETRY_AFTER),
        ({}, b"not json", DEFAULT_RETRY_AFTER),
        ({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, b"", 1),  # a date in the past
    ],
)
def test_the_wait_honours_retry_after(headers, body, expected):
    with fake_rasa(429, headers, body) as (url, _), pytest.raises(RateLimited) as limited:
        RasaClient(url, timeout=10).send("u1", "what is IMT?")
    assert limited.value.retry_after == expected


def test_a_retry_after_date_counts_from_now():
    from email.utils import formatdate

    later = {"Retry-After": formatdate(time.time() + 120, usegmt=True)}
    with fake_rasa(429, later) as (url, _), pytest.raises(RateLimited) as limited:
        RasaClient(url, timeout=10).send("u1", "hi")
    assert 100 <= limited.value.retry_after <= 121
