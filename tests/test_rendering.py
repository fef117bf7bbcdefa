"""The shared rendering layer: one payload, rendered for Slack, HTML and Markdown."""

import json
import re

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


# --- links: only http(s) URLs, in the payload model and again in every renderer ---------

EVIL = "javascript:alert(document.domain)"


def test_the_payload_model_rejects_a_javascript_citation(kb):
    import pytest
    from pydantic import ValidationError

    from knowledge.schema import AnswerPayload, Citation

    raw, payload = _answer_message(kb)
    citation = payload.citations[0].dict()
    for field in ("link", "url"):
        with pytest.raises(ValidationError, match="http"):
            Citation(**{**citation, field: EVIL})
    raw["custom"]["citations"][0]["link"] = EVIL
    with pytest.raises(ValidationError):
        AnswerPayload(**raw["custom"])


def _payload_that_slipped_past(kb):
    """As if written straight into the tracker store: the renderers get it unvalidated."""
    from bot.rendering.common import BotMessage

    _, payload = _answer_message(kb)
    first = payload.citations[0]
    bad = first.copy(update={"link": EVIL, "url": EVIL})  # copy() does not validate
    answer = payload.copy(update={"citations": [bad, *payload.citations[1:]]})
    return BotMessage(answer=answer, text="t"), first.label


def test_no_renderer_draws_a_javascript_link(kb):
    from knowledge.render_text import render_text

    message, label = _payload_that_slipped_past(kb)
    html = render_html(message)
    slack = json.dumps(render_blocks(message))
    text = render_text(message.answer)
    markdown = render_transcript([{"from": "bot", "message": message}])
    for rendered in (html, slack, text, markdown):
        assert "javascript:" not in rendered
    assert label in text and escape(label) in slack  # the source is still named, just not linked


def test_a_tampered_answer_from_the_tracker_is_shown_as_text_only(kb):
    raw, _ = _answer_message(kb)
    raw["custom"]["citations"][0]["link"] = EVIL
    message = read_bot_message(raw)
    assert message.answer is None and "javascript:" not in render_html(message)


def test_source_lists_and_transcripts_draw_no_javascript_link():
    sources = read_bot_message(
        {"text": "Sources:", "custom": {"type": "imt_sources", "references": [{"n": 1, "full": "A ref", "link": EVIL}]}}
    )
    assert "javascript:" not in render_html(sources)
    markdown = render_transcript(
        [
            {"from": "user", "text": f"[click]({EVIL})"},
            {"from": "bot", "message": read_bot_message({"text": f"see [this]({EVIL}) or <{EVIL}>"})},
        ]
    )
    # Escaped (\\]\\( or \\<), the target is text; unescaped, a Markdown viewer would link it.
    assert not re.search(r"\]\(javascript:|(?<!\\)<javascript:", markdown)
