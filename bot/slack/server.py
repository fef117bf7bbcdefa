"""The Slack app's HTTP entry (SLACK_MODE=http): POST /slack/events.

Bolt builds its request object from the raw body and raises on a body that is not a JSON
object (`[]`, `"x"`, `3`, `null`, invalid JSON, a `payload` field that is not one), before
any of our middleware or listeners run; its development server then drops the connection.
Here every body is checked first: the signature (401, as Bolt would answer), then the
shape (400 with a message saying what Slack sends), and only a request Bolt can read
reaches `app.dispatch`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Mapping, Optional, Sequence, Union

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.request.internals import build_normalized_headers, extract_content_type, parse_body

logger = logging.getLogger(__name__)
MAX_BODY_BYTES = 1_000_000  # Slack's payloads are far smaller
MAX_SIGNATURE_AGE = 5 * 60  # seconds, as Bolt and Slack's SDKs allow
SLACK_BODY = "Slack sends a JSON object (Events API) or a form whose 'payload' field is a JSON object (interactivity)."
Headers = Mapping[str, Union[str, Sequence[str]]]


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


def handle(
    app: App, raw: bytes, headers: Headers, query: str = "", signing_secret: Optional[str] = None
) -> BoltResponse:
    """One POST to /slack/events: checked, then dispatched to the Bolt app."""
    request = read_request(raw, headers, query, signing_secret)
    if isinstance(request, BoltResponse):
        return request
    return app.dispatch(request)


def make_server(
    app: App, port: int, path: str = "/slack/events", host: str = "0.0.0.0", signing_secret: Optional[str] = None
) -> ThreadingHTTPServer:
    """An HTTP server like Bolt's development server (`App.start`), with `handle` in front."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            request_path, _, query = self.path.partition("?")
            if request_path != path:
                self._send(BoltResponse(status=404, body=""))
                return
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                self._send(bad_request("Content-Length must be a number."))
                return
            if length < 0 or length > MAX_BODY_BYTES:
                self._send(_json_response(413, "too_large", f"At most {MAX_BODY_BYTES} bytes. " + SLACK_BODY))
                return
            raw = self.rfile.read(length)
            headers: Dict[str, Any] = {name: self.headers.get_all(name) for name in self.headers}
            self._send(handle(app, raw, headers, query, signing_secret))

        def _send(self, response: BoltResponse) -> None:
            body = response.body if isinstance(response.body, str) else json.dumps(response.body)
            data = body.encode("utf-8")
            self.send_response(response.status)
            for name, values in response.headers.items():
                for value in values:
                    self.send_header(name, value)
            if "content-length" not in response.headers:
                self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the access log would name Slack's request paths only, but keep it quiet like the rest

    return ThreadingHTTPServer((host, port), Handler)
