"""The Slack app's HTTP entry (SLACK_MODE=http): POST /slack/events, served by uvicorn.

Bolt's ASGI adapter (`slack_bolt.adapter.asgi`, made for the sync `App`) turns HTTP into
Bolt requests and responses; uvicorn serves it, on SLACK_HOST (127.0.0.1 unless set) and
SLACK_PORT. `SlackEvents`, a small ASGI app in front of the adapter, checks every POST
first, because Bolt builds its request object from the raw body and raises on a body that
is not a JSON object (`[]`, `"x"`, `3`, `null`, invalid JSON, a `payload` field that is not
one) before any of our middleware or listeners run, and the adapter decodes headers and body
as UTF-8 without asking: either way the client would get a 500. Here the order is: the size
(413), the signature (401, as Bolt would answer), then the shape (400 with a message saying
what Slack sends), and only a request Bolt can read reaches the adapter.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from typing import Any, Awaitable, Callable, Dict, List, Mapping, MutableMapping, Optional, Sequence, Tuple, Union

import uvicorn
from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.asgi import SlackRequestHandler
from slack_bolt.adapter.asgi.http_response import AsgiHttpResponse
from slack_bolt.request.internals import build_normalized_headers, extract_content_type, parse_body

logger = logging.getLogger(__name__)
MAX_BODY_BYTES = 1_000_000  # Slack's payloads are far smaller
MAX_SIGNATURE_AGE = 5 * 60  # seconds, as Bolt and Slack's SDKs allow
SLACK_BODY = "Slack sends a JSON object (Events API) or a form whose 'payload' field is a JSON object (interactivity)."
Headers = Mapping[str, Union[str, Sequence[str]]]

# ASGI's three callables, loosely typed (ASGI messages are plain dicts).
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def _json_response(status: int, error: str, message: str) -> BoltResponse:
    body = json.dumps({"error": error, "message": message})
    return BoltResponse(status=status, body=body, headers={"content-type": "application/json; charset=utf-8"})


def bad_request(message: str) -> BoltResponse:
    return _json_response(400, "bad_request", message)


def signed(raw: bytes, headers: Mapping[str, Sequence[str]], signing_secret: str) -> bool:
    """Slack's request signature (api.slack.com/authentication/verifying-requests-from-slack),
    over the raw bytes, so that even a body that is not UTF-8 is checked before it is read."""
    timestamp = (headers.get("x-slack-request-timestamp") or [""])[0]
    signature = (headers.get("x-slack-signature") or [""])[0]
    try:
        age = abs(time.time() - int(timestamp))
    except ValueError:
        return False
    if age > MAX_SIGNATURE_AGE:
        return False
    base = b"v0:" + timestamp.encode() + b":" + raw
    expected = "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))


def read_request(
    raw: bytes, headers: Headers, query: str = "", signing_secret: Optional[str] = None
) -> Union[BoltRequest, BoltResponse]:
    """The BoltRequest for a raw HTTP request, or the response to send back instead."""
    normalized = build_normalized_headers(dict(headers))
    # The signature first, as Bolt checks it: a stranger learns nothing about the body.
    if signing_secret is not None and not signed(raw, normalized, signing_secret):
        return _json_response(401, "invalid_request", "The request is not signed with this app's signing secret.")
    try:
        body = raw.decode("utf-8")
    except UnicodeDecodeError:
        return bad_request("The body must be UTF-8 text. " + SLACK_BODY)
    try:
        payload = parse_body(body, extract_content_type(normalized))
    except (ValueError, RecursionError):  # not JSON (json.JSONDecodeError), or nested too deeply
        return bad_request("The body is not valid JSON. " + SLACK_BODY)
    if not isinstance(payload, dict):
        return bad_request(SLACK_BODY)
    try:
        return BoltRequest(body=body, query=query, headers=normalized)
    except Exception:  # anything else Bolt cannot read; no body in the log (README, Privacy)
        logger.warning("Bolt could not read a request (%d bytes)", len(raw))
        return bad_request(SLACK_BODY)


class BoltAdapter(SlackRequestHandler):
    """Bolt's ASGI adapter for the sync `App`, with `App.dispatch` run in a worker thread.

    The adapter as shipped calls `App.dispatch` inside the event loop, where anything slow in
    it (Bolt's auth.test on the first request, our SQLite event log) would hold up every other
    request. The listeners themselves run after the ack on Bolt's listener executor either way.
    """

    async def dispatch(self, request: Any) -> BoltResponse:
        bolt_request = BoltRequest(
            body=await request.get_raw_body(), query=request.query_string, headers=request.get_headers()
        )
        return await asyncio.get_running_loop().run_in_executor(None, self.app.dispatch, bolt_request)


class _Disconnected(Exception):
    pass


class SlackEvents:
    """The ASGI app uvicorn serves: every POST to `path` checked, then Bolt's adapter."""

    def __init__(self, app: App, path: str = "/slack/events", signing_secret: Optional[str] = None) -> None:
        self.path = path
        self.signing_secret = signing_secret
        self.adapter = BoltAdapter(app, path)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != self.path:
            await self.adapter(scope, receive, send)  # lifespan, and the adapter's 404s
            return
        headers, headers_are_utf8 = _headers(scope.get("headers") or [])
        query_bytes = bytes(scope.get("query_string") or b"")
        declared = (headers.get("content-length") or ["0"])[0]
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            await _send(send, _too_large())  # not read at all
            return
        try:
            raw = await _read_body(receive, MAX_BODY_BYTES)
        except _Disconnected:
            return
        if raw is None:
            await _send(send, _too_large())
            return
        request = read_request(raw, headers, query_bytes.decode("latin-1"), self.signing_secret)
        if isinstance(request, BoltResponse):
            await _send(send, request)
            return
        if not headers_are_utf8 or not _is_utf8(query_bytes):
            # Signed, but Bolt's adapter decodes headers and query as UTF-8 and would fail.
            await _send(send, bad_request("Header values and the query string must be UTF-8 text. " + SLACK_BODY))
            return
        await self.adapter(scope, _replay(raw, receive), send)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _headers(raw_headers: Sequence[Tuple[bytes, bytes]]) -> Tuple[Dict[str, List[str]], bool]:
    """ASGI's header pairs as {lower-case name: [values]}; latin-1 (HTTP's own reading of
    bytes, which never fails) where a value is not UTF-8, and whether all of them were."""
    headers: Dict[str, List[str]] = {}
    all_utf8 = True
    for name, value in raw_headers:
        all_utf8 = all_utf8 and _is_utf8(value)
        text = value.decode("utf-8") if _is_utf8(value) else value.decode("latin-1")
        headers.setdefault(name.decode("latin-1").lower(), []).append(text)
    return headers, all_utf8


async def _read_body(receive: Receive, limit: int) -> Optional[bytes]:
    """The whole body, or None once it grows past `limit` (a chunked body has no length)."""
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected
        body.extend(message.get("body") or b"")
        if len(body) > limit:
            return None
        if not message.get("more_body"):
            return bytes(body)


def _replay(raw: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the adapter the body already read, then the client's own."""
    pending: List[Message] = [{"type": "http.request", "body": raw, "more_body": False}]

    async def replay() -> Message:
        return pending.pop() if pending else await receive()

    return replay


def _too_large() -> BoltResponse:
    return _json_response(413, "too_large", f"At most {MAX_BODY_BYTES} bytes. " + SLACK_BODY)


async def _send(send: Send, response: BoltResponse) -> None:
    body = response.body if isinstance(response.body, str) else json.dumps(response.body)
    asgi = AsgiHttpResponse(status=response.status, headers=response.headers, body=body)
    await send(asgi.get_response_start())
    await send(asgi.get_response_body())


def make_server(
    app: App,
    *,
    host: str = "127.0.0.1",
    port: int = 3000,
    path: str = "/slack/events",
    signing_secret: Optional[str] = None,
) -> uvicorn.Server:
    """uvicorn serving `SlackEvents` on host:port (port 0: a free one; `server.servers`
    name it once `server.started`). `server.run()` serves until SIGINT/SIGTERM, or until
    `server.should_exit` is set from another thread."""
    config = uvicorn.Config(
        SlackEvents(app, path, signing_secret),
        host=host,
        port=port,
        interface="asgi3",
        # The pure-Python HTTP parser and asyncio's loop that uvicorn itself depends on, not
        # whatever httptools/uvloop happen to be installed (Rasa's Sanic brings both).
        http="h11",
        loop="asyncio",
        ws="none",
        lifespan="off",
        log_config=None,  # the process's logging as it is (main() sets it up)
        access_log=False,  # Slack's request paths only, but no per-request logs (README, Privacy)
        server_header=False,
        proxy_headers=False,  # nothing here reads the client's address
        timeout_graceful_shutdown=10,
    )
    return uvicorn.Server(config)
