"""A local fake of the Slack Web API: records every call, answers like Slack would."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List
from urllib.parse import parse_qs


class FakeSlackAPI:
    def __init__(self) -> None:
        self.calls: List[Dict[str, Any]] = []
        self._lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8")
                if "json" in (self.headers.get("Content-Type") or ""):
                    params = json.loads(raw or "{}")
                else:
                    params = {k: v[0] for k, v in parse_qs(raw).items()}
                    for key in ("blocks",):
                        if isinstance(params.get(key), str):
                            params[key] = json.loads(params[key])
                method = self.path.rsplit("/", 1)[-1]
                with api._lock:
                    api.calls.append({"method": method, "params": params})
                body = {"ok": True}
                if method == "auth.test":
                    body.update(user_id="UBOT", bot_id="BBOT", team_id="T1", user="imt-bot")
                elif method in ("chat.postMessage", "chat.postEphemeral"):
                    body.update(
                        channel=params.get("channel"), ts=f"{time.time():.6f}", message={"text": params.get("text", "")}
                    )
                payload = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/api/"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeSlackAPI:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()

    def posts(self, method: str = "chat.postMessage") -> List[Dict[str, Any]]:
        with self._lock:
            return [c["params"] for c in self.calls if c["method"] == method]

    def wait_for(self, count: int, method: str = "chat.postMessage", timeout: float = 60.0) -> List[Dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            posts = self.posts(method)
            if len(posts) >= count:
                return posts
            time.sleep(0.1)
        raise AssertionError(f"expected {count} {method} calls, got {len(self.posts(method))}")
