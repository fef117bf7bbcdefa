"""The web chat channel over HTTP, and the widget in a real headless Chromium."""

import json
import os
import shutil
import uuid
from pathlib import Path

import pytest
import requests

from bot.stores.feedback import FeedbackStore
from knowledge.settings import get_settings

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "results"
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script> what is IMT?'


def web_sender(stack):
    """A conversation id issued by the server, as the widget gets one."""
    reply = requests.post(f"{stack.rasa_url}/webhooks/web/session", timeout=30)
    assert reply.status_code == 200
    return reply.json()["sender"]


def test_message_history_transcript_and_feedback(stack):
    base = f"{stack.rasa_url}/webhooks/web"
    sender = web_sender(stack)
    reply = requests.post(f"{base}/message", json={"sender": sender, "message": XSS}, timeout=60).json()
    html = reply["messages"][0]["html"]
    assert "imt-answer" in html and "imt-cite" in html and "imt-disclaimer" in html
    assert "<script" not in html and "onerror" not in html
    turns = requests.get(f"{base}/history", params={"sender": sender}, timeout=30).json()["turns"]
    assert [t["from"] for t in turns] == ["user", "bot"]
    assert "&lt;img" in turns[0]["html"] and "<img" not in turns[0]["html"]
    transcript = requests.get(f"{base}/transcript", params={"sender": sender}, timeout=30)
    assert transcript.headers["Content-Disposition"].startswith("attachment")
    assert "**You:**" in transcript.text and "Sources" in transcript.text and "https://" in transcript.text
    # What the client says was shown is ignored: the claims stored are the tracker's.
    vote = requests.post(
        f"{base}/feedback",
        json={"sender": sender, "vote": "up", "answer": 0, "feedback": {"topic": "dosing", "claim_ids": ["x"]}},
        timeout=30,
    )
    assert vote.json() == {"ok": True}
    stored = FeedbackStore(stack.tracker_db.parent / "feedback.db").rows()[-1]
    shown = reply_payload(stack, sender)
    assert stored[3:] == (sender, shown["topic"], "up", json.dumps(shown["claim_ids"]), json.dumps(shown["citations"]))
    assert "x" not in shown["claim_ids"]


def reply_payload(stack, sender):
    """The answer's payload as the tracker holds it (through the HTTP API)."""
    tracker = requests.get(
        f"{stack.rasa_url}/conversations/{sender}/tracker", params={"token": stack.api_token}, timeout=30
    ).json()
    custom = next(e["data"]["custom"] for e in tracker["events"] if e["event"] == "bot")
    citations = [c["ref_id"] for c in custom["citations"]]
    return {"topic": custom["topic"], "claim_ids": custom["claim_ids"], "citations": citations}


def test_feedback_needs_an_answer_of_that_conversation(stack):
    base = f"{stack.rasa_url}/webhooks/web"
    sender = web_sender(stack)
    vote = requests.post(f"{base}/feedback", json={"sender": sender, "vote": "up"}, timeout=30)
    assert vote.status_code == 400 and "0 answers" in vote.json()["message"]
    requests.post(f"{base}/message", json={"sender": sender, "message": "what is IMT?"}, timeout=60)
    for answer in (1, -1, "0", True):
        vote = requests.post(f"{base}/feedback", json={"sender": sender, "vote": "up", "answer": answer}, timeout=30)
        assert vote.status_code == 400, answer
    assert requests.post(f"{base}/feedback", json={"sender": sender, "vote": "down"}, timeout=30).json() == {"ok": True}


def test_the_widget_takes_the_message_limit_from_the_server(stack):
    config = requests.get(f"{stack.rasa_url}/webhooks/web/config", timeout=30).json()
    assert config == {"max_message_chars": get_settings().max_message_chars}
    assert "maxlength:" not in (ROOT / "bot" / "channels" / "static" / "widget.js").read_text()


MADE_UP = "web-" + "0" * 24 + "-" + "0" * 32  # the right shape, not signed by the server


@pytest.mark.parametrize(
    "path,params",
    [
        ("history", {"sender": "slack:T:C:U"}),
        ("history", {"sender": MADE_UP}),
        ("history", {"sender": f"web-{uuid.uuid4().hex}"}),
        ("transcript", {"sender": MADE_UP}),
        ("transcript", {}),
    ],
)
def test_web_channel_serves_only_conversations_it_issued(stack, path, params):
    response = requests.get(f"{stack.rasa_url}/webhooks/web/{path}", params=params, timeout=30)
    assert response.status_code == 400


def test_bad_feedback_and_sender_are_rejected(stack):
    base = f"{stack.rasa_url}/webhooks/web"
    assert (
        requests.post(f"{base}/feedback", json={"sender": web_sender(stack), "vote": "meh"}, timeout=30).status_code
        == 400
    )
    for sender in ("someone-else", MADE_UP):
        reply = requests.post(f"{base}/message", json={"sender": sender, "message": "hi"}, timeout=30)
        assert reply.status_code == 400


@pytest.mark.parametrize("asset", ["", "widget.js", "widget.css", "page.css"])
def test_widget_responses_carry_a_strict_csp_and_security_headers(stack, asset, embedding_origin):
    reply = requests.get(f"{stack.rasa_url}/webhooks/web/{asset}", timeout=30)
    assert reply.status_code == 200
    csp = {d.split()[0]: d.split()[1:] for d in reply.headers["Content-Security-Policy"].split("; ")}
    assert csp["default-src"] == ["'none'"] and csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    assert "'unsafe-inline'" not in reply.headers["Content-Security-Policy"]
    assert csp["frame-ancestors"] == ["'self'", embedding_origin]
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["Referrer-Policy"] == "no-referrer"


def test_the_widget_page_has_no_inline_script_or_style():
    from html.parser import HTMLParser

    class Inline(HTMLParser):
        def __init__(self):
            super().__init__()
            self.found = []

        def handle_starttag(self, tag, attrs):
            names = dict(attrs)
            if (tag == "script" and not names.get("src")) or tag == "style" or "style" in names:
                self.found.append(tag)
            self.found.extend(name for name in names if name.startswith("on"))

    page = Inline()
    page.feed((ROOT / "bot" / "channels" / "static" / "index.html").read_text())
    assert page.found == []


@pytest.fixture
def host_site(tmp_path, embedding_origin):
    """Serves a host page with the one-line embed from the allow-listed origin, for one test."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    server = None

    def serve(stack):
        nonlocal server
        (tmp_path / "index.html").write_text(
            f'<html><body><h1>Host site</h1><script src="{stack.rasa_url}/webhooks/web/widget.js" defer>'
            "</script></body></html>"
        )
        handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
        server = ThreadingHTTPServer(("127.0.0.1", int(embedding_origin.rsplit(":", 1)[1])), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return embedding_origin

    yield serve
    if server is not None:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}: the set-up step (make install) installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


def _answers(page):
    return page.locator(".imt-from-bot .imt-answer")


@pytest.mark.browser
def test_widget_in_a_real_browser(stack, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 390, "height": 844})  # phone width
    page = context.new_page()
    blocked = []  # anything the page's Content-Security-Policy refused
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{stack.rasa_url}/webhooks/web/")
    page.wait_for_selector(".imt-widget[data-ready=true]")
    page.wait_for_selector(f"#imt-input[maxlength='{get_settings().max_message_chars}']")  # the server's limit

    # Keyboard only: focus the input, type, press Enter.
    page.focus("#imt-input")
    page.keyboard.type("What is the dose of crizotinib?")
    page.keyboard.press("Enter")
    _answers(page).first.wait_for()
    answer = _answers(page).first
    assert answer.locator("a.imt-cite").count() > 0
    assert answer.locator(".imt-sources a[href^='http']").count() > 0
    assert "From the Guidelines" in answer.inner_text()
    assert answer.locator(".imt-disclaimer").inner_text().strip()
    assert page.locator(".imt-log").get_attribute("aria-live") == "polite"

    # A suggestion chip asks its question.
    chip = answer.locator(".imt-chip").first
    chip_text = chip.inner_text()
    chip.click()
    _answers(page).nth(1).wait_for()  # locators, not wait_for_function: the page's CSP forbids eval
    assert chip_text in page.locator(".imt-from-user").last.inner_text()

    # Audience toggle: plain language from now on.
    page.click(".imt-tools button:has-text('Patient')")
    _answers(page).nth(2).wait_for()
    assert _answers(page).last.get_attribute("data-audience") == "patient"

    # Feedback thumbs.
    _answers(page).last.locator(".imt-vote[data-vote=up]").click()
    page.wait_for_selector(".imt-thanks")

    # An XSS attempt is shown as text and never runs.
    page.fill("#imt-input", XSS)
    page.keyboard.press("Enter")
    page.locator(".imt-from-user").nth(3).wait_for()
    _answers(page).nth(3).wait_for()
    assert page.evaluate("window.__xss") is None
    assert page.locator(".imt-from-user").last.inner_text().startswith("<img src=x")
    assert page.locator(".imt-log img").count() == 0

    # The transcript downloads as Markdown with the citations.
    with page.expect_download() as download_info:
        page.click(".imt-download")
    markdown = Path(download_info.value.path()).read_text()
    assert "**You:**" in markdown and "Sources" in markdown

    # Reload: the history comes back from the server.
    before = page.locator(".imt-msg:not(.imt-notice)").count()
    page.reload()
    page.wait_for_selector(".imt-widget[data-ready=true]")
    assert page.locator(".imt-msg:not(.imt-notice)").count() == before == 8
    assert page.evaluate("window.__xss") is None
    assert blocked == []
    page.screenshot(path=str(ARTIFACTS / "web_widget.png"), full_page=True)
    context.close()


@pytest.mark.browser
def test_widget_embeds_with_one_script_tag(stack, browser, host_site):
    """A host page on another origin (on the CORS allow-list) embeds the widget with the one-line snippet."""
    page = browser.new_page()
    page.goto(f"{host_site(stack)}/")
    page.wait_for_selector(".imt-launcher")
    assert page.locator("#imt-panel").count() == 1 and page.locator("#imt-panel").is_hidden()
    page.click(".imt-launcher")
    page.wait_for_selector(".imt-widget[data-ready=true]")
    page.fill("#imt-input", "What is IMT?")
    page.keyboard.press("Enter")
    _answers(page).first.wait_for()
    assert _answers(page).first.locator(".imt-disclaimer").count() == 1
    page.keyboard.press("Escape")
    assert page.locator("#imt-panel").is_hidden()
    assert page.evaluate("document.activeElement.className") == "imt-launcher"
    page.close()
