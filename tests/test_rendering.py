"""The shared rendering layer: one payload, rendered for Slack, HTML and Markdown."""

import json

from bot.rendering.common import read_bot_message
from bot.rendering.html import render_html, render_user_html
from bot.rendering.markdown import render_transcript
from bot.rendering.slack import escape, render_blocks
from knowledge.composer import compose_answer
from knowledge.context import Context
from knowledge.schema import Topic


def _answer_message(kb, **context):
    payload = compose_answer(kb, Context(topic=Topic.dosing, **context), "what is the crizotinib dose for adults?")
    assert payload.citations and payload.suggestions
    return {"text": "t", "custom": json.loads(payload.json())}, payload


def test_every_renderer_shows_the_same_claims_and_citations(kb):
    raw, payload = _answer_message(kb)
    message = read_bot_message(raw)
    html = render_html(message)
    slack = json.dumps(render_blocks(message))
    markdown = render_transcript([{"from": "bot", "message": message}])
    for citation in payload.citations:
        assert citation.link in html and citation.link in markdown
        assert escape(citation.link) in slack
    assert payload.disclaimer in markdown and escape(payload.disclaimer) in slack


def test_slack_escapes_control_characters():
    assert escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"
    blocks = render_blocks(read_bot_message({"text": "hi <!here> <http://x|y>", "buttons": []}))
    assert "<!here>" not in json.dumps(blocks) and "<http" not in json.dumps(blocks)


def test_html_escapes_everything_but_its_own_markup(kb):
    raw, _ = _answer_message(kb)
    raw["custom"]["sections"][0]["claims"][0]["text"] = '<img src=x onerror="alert(1)">'
    raw["custom"]["suggestions"] = ['"><script>alert(2)</script>']
    html = render_html(read_bot_message(raw))
    assert "<img" not in html and "<script" not in html and "&lt;img" in html
    assert render_user_html("<b>hi</b>") == '<p class="imt-user-text">&lt;b&gt;hi&lt;/b&gt;</p>'


def test_plain_messages_keep_their_buttons_as_chips():
    html = render_html(read_bot_message({"text": "Rephrase?", "buttons": [{"title": "Dosing", "payload": "dose?"}]}))
    assert 'data-ask="dose?"' in html and ">Dosing<" in html


def _triage_message(level="emergency", category="bleeding"):
    from tests.conftest import DOMAIN

    variation = DOMAIN["responses"][f"utter_triage_{category}"][0]
    return read_bot_message({"text": variation["text"], "custom": variation["custom"]}), variation


def test_slack_shows_a_triage_reply_as_a_prominent_block_first():
    message, variation = _triage_message()
    blocks = render_blocks(message)
    assert blocks[0]["type"] == "header" and "emergency" in blocks[0]["text"]["text"].lower()
    assert escape(variation["text"]) in json.dumps(blocks[1])


def test_the_widget_renders_a_triage_reply_as_an_alert():
    message, _ = _triage_message("crisis", "self_harm")
    html = render_html(message)
    assert 'role="alert"' in html and "imt-triage-crisis" in html
    assert "988" in html
