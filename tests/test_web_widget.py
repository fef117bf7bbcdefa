"""The web chat channel over HTTP, and the widget in a real headless Chromium."""

import os
import shutil
import uuid
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "results"
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script> what is IMT?'


def web_sender():
    return f"web-{uuid.uuid4().hex}"


def test_message_history_transcript_and_feedback(stack):
    base = f"{stack.rasa_url}/webhooks/web"
    sender = web_sender()
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
    vote = requests.post(
        f"{base}/feedback",
        json={"sender": sender, "vote": "up", "feedback": {"topic": "overview", "claim_ids": ["x"]}},
        timeout=30,
    )
    assert vote.json() == {"ok": True}


@pytest.mark.parametrize("path,params", [("history", {"sender": "slack:T:C:U"}), ("transcript", {})])
def test_web_channel_reads_only_web_conversations(stack, path, params):
    response = requests.get(f"{stack.rasa_url}/webhooks/web/{path}", params=params, timeout=30)
    assert response.status_code == 400


def test_bad_feedback_and_sender_are_rejected(stack):
    base = f"{stack.rasa_url}/webhooks/web"
    assert (
        requests.post(f"{base}/feedback", json={"sender": web_sender(), "vote": "meh"}, timeout=30).status_code == 400
    )
    assert (
        requests.post(f"{base}/message", json={"sender": "someone-else", "message": "hi"}, timeout=30).status_code
        == 400
    )


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
    page.goto(f"{stack.rasa_url}/webhooks/web/")
    page.wait_for_selector(".imt-widget[data-ready=true]")

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
    page.wait_for_function("document.querySelectorAll('.imt-from-bot .imt-answer').length >= 2")
    assert chip_text in page.locator(".imt-from-user").last.inner_text()

    # Audience toggle: plain language from now on.
    page.click(".imt-tools button:has-text('Patient')")
    page.wait_for_function("document.querySelectorAll('.imt-from-bot .imt-answer').length >= 3")
    assert _answers(page).last.get_attribute("data-audience") == "patient"

    # Feedback thumbs.
    _answers(page).last.locator(".imt-vote[data-vote=up]").click()
    page.wait_for_selector(".imt-thanks")

    # An XSS attempt is shown as text and never runs.
    page.fill("#imt-input", XSS)
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelectorAll('.imt-from-user').length >= 4")
    page.wait_for_function("document.querySelectorAll('.imt-from-bot .imt-answer').length >= 4")
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
    page.screenshot(path=str(ARTIFACTS / "web_widget.png"), full_page=True)
    context.close()


@pytest.mark.browser
def test_widget_embeds_with_one_script_tag(stack, browser, tmp_path):
    """A host page on another origin embeds the widget with the one-line snippet."""
    page = browser.new_page()
    page.set_content(
        f'<html><body><h1>Host site</h1><script src="{stack.rasa_url}/webhooks/web/widget.js" defer>'
        "</script></body></html>"
    )
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
