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


# --- Slack's limits: long answers split across blocks and messages, never cut ---------------

LINK = re.compile(r"<https?://[^|<>]+\|[^<>]*>")


def _long_answer(claims_per_section=90, citations=120, claim_chars=(300, 1600), huge_claim=False):
    """A synthetic answer far over Slack's limits: long claims full of characters Slack
    escapes, many long citations with long URLs, a long intro, lead and disclaimer."""
    import random

    from knowledge.schema import AnswerClaim, AnswerEntities, AnswerPayload, AnswerSection, Citation

    rng = random.Random(12)
    words = ["IMT", "ALK", "<b>", "&", "a>b", "crizotinib", "mg/m²", "*bold*", "_it_", "x|y", "tumour", "résumé"]

    def prose(n, tag):
        text = tag
        while len(text) < n:
            text += " " + rng.choice(words)
        return text

    cites = [
        Citation(
            n=n,
            ref_id=f"R{n}",
            label=prose(220, f"Author{n} & Co <et al.> |"),
            full="full reference",
            link=f"https://example.org/ref/{n}?q=" + "a&b" * 150,
        )
        for n in range(1, citations + 1)
    ]
    sections = []
    for s, heading in enumerate(("From the Guidelines & <labels>", "From the Research")):
        claims = []
        for c in range(claims_per_section):
            cited = rng.sample(range(1, citations + 1), rng.randint(1, 8))
            claims.append(
                AnswerClaim(
                    id=f"claim-{s}-{c}",
                    text=prose(rng.randint(*claim_chars), f"Claim {s}.{c}:"),
                    citations=cited,
                    certainty="established",
                )
            )
        sections.append(AnswerSection(heading=heading, claims=claims))
    # One claim citing so many sources that its line is longer than a block.
    sections[0].claims[3].citations = list(range(1, 41))
    if huge_claim:
        sections[1].claims[5].text = prose(7000, "Claim huge:")
    answer = AnswerPayload(
        topic="dosing",
        audience="clinician",
        answer="…",
        intro=[prose(300, f"Intro {i}:") for i in range(30)],
        sections=sections,
        entities=AnswerEntities(),
        citations=cites,
        disclaimer=prose(4500, "Disclaimer:"),
        suggestions=[f"Suggestion {i} & <more>?" for i in range(7)],
        review_status="approved",
        last_reviewed="2026-01-01",
        claim_ids=[f"claim-id-{i:04d}-" + "x" * 30 for i in range(200)],
    )
    from bot.rendering.common import BotMessage

    return BotMessage(answer=answer, lead=prose(3500, "Lead:"), text="t")


def _texts(block):
    """The mrkdwn texts of a section or context block."""
    if block["type"] == "section":
        return [block["text"]["text"]]
    if block["type"] == "context":
        return [element["text"] for element in block["elements"]]
    return []


def _assert_within_slack_limits(parts):
    from slack_sdk.models.blocks import Block

    for part in parts:
        assert 1 <= len(part.blocks) <= 50
        assert 0 < len(part.text) <= 3000 and not re.search(r"&[a-z]{0,3}$", part.text)
        for block in part.blocks:
            assert Block.parse(block).to_dict() == block  # slack_sdk's validation, on what is sent
            for text in _texts(block):
                assert 0 < len(text) <= 3000
                # Never cut mid-escape or mid-link: only whole escapes and whole links remain.
                rest = re.sub(r"&(amp|lt|gt);", "", LINK.sub("", text))
                assert not re.search(r"[&<>]", rest), text[-80:]
        ids = [b["block_id"] for b in part.blocks if "block_id" in b]
        assert len(ids) == len(set(ids))


def test_a_long_answer_is_split_across_blocks_and_messages_never_cut():
    from bot.rendering.slack import CONTINUED, escape, render_messages
    from bot.slack.app import _feedback_record

    message = _long_answer()
    answer = message.answer
    parts = render_messages(message)
    _assert_within_slack_limits(parts)
    assert len(parts) >= 2  # over 50 blocks: continued in further messages
    for part in parts[:-1]:
        assert part.blocks[-1]["type"] == "context" and part.blocks[-1]["elements"][0]["text"] == CONTINUED
        assert "continued" in part.text or part is parts[0]
    assert parts[-1].blocks[-1]["block_id"] == "imt_controls"

    blocks = [block for part in parts for block in part.blocks]
    texts = [text for block in blocks for text in _texts(block)]
    sections = [block["text"]["text"] for block in blocks if block["type"] == "section"]
    links = {c.n: c.link for c in answer.citations}
    position = -1
    for section in answer.sections:
        assert sum(f"*{escape(section.heading)}*" in text for text in sections) == 1
        for claim in section.claims:
            claim_text = f"• {escape(claim.text)}"
            holding = [i for i, text in enumerate(sections) if claim_text in text]
            assert len(holding) == 1, claim.id  # whole, in exactly one block
            assert holding[0] >= position  # and in the answer's order
            position = holding[0]
            # Its citation links follow it whole, in the same block when the line fits one.
            markers = "".join(f"<{escape(links[n])}|[{n}]>" for n in claim.citations)
            line = f"{claim_text} {markers}"
            if len(line) <= 2900:
                assert line in sections[holding[0]]
            else:  # too long for one block: the links go on in the next blocks, whole and in order
                follow, at = "\n".join(sections[holding[0] :]), 0
                for n in claim.citations:
                    at = follow.index(f"<{escape(links[n])}|[{n}]>", at)
    for citation in answer.citations:
        source = f"<{escape(citation.link)}|[{citation.n}] {escape(citation.label).replace('|', '/')}>"
        assert sum(source in text for text in texts) == 1
    for sentence in answer.intro:
        assert sum(escape(sentence) in text for text in texts) == 1
    # Text longer than a block (lead, disclaimer) is split at spaces, every word kept.
    joined = " ".join(texts)
    for long_text in (message.lead, answer.disclaimer):
        assert all(escape(word) in joined for word in long_text.split(" "))
    lead = [text[1:-1] for text in sections[:2]]  # each piece in its own *bold*
    assert " ".join(lead) == escape(message.lead)
    # The 👍/👎 still carry a record the app can read (cut JSON would lose the vote).
    controls = blocks[-1]["elements"]
    record = _feedback_record(controls[-1]["value"])
    assert record is not None and record["topic"] == "dosing" and record["claim_ids"]


def test_a_claim_longer_than_a_block_goes_on_in_the_next_one():
    from bot.rendering.slack import escape, render_messages

    message = _long_answer(claims_per_section=6, citations=10, huge_claim=True)
    parts = render_messages(message)
    _assert_within_slack_limits(parts)
    huge = escape(message.answer.sections[1].claims[5].text)
    sections = [b["text"]["text"] for part in parts for b in part.blocks if b["type"] == "section"]
    start = next(i for i, text in enumerate(sections) if text.endswith(f"• {huge[:100]}") or f"• {huge[:100]}" in text)
    assert " ".join(sections[start : start + 4]).count(huge) == 1  # every word, in order, nothing dropped


def test_split_text_never_breaks_an_escape():
    from bot.rendering.slack import escape, pack, split_text

    for raw in ("&" * 5000, "a<&>" * 2000, "x" * 7000, "&<>" * 1000 + " tail"):
        text = escape(raw)
        pieces = split_text(text, 100)
        assert all(0 < len(piece) <= 100 for piece in pieces)
        assert all(not re.search(r"&(?!(amp|lt|gt);)", piece) for piece in pieces)
        assert "".join(pieces) == text or " ".join(pieces) == text
    assert split_text("a" * 100 + " ", 100) == ["a" * 100]  # no empty piece after a final break
    assert pack([("", "a" * 60), (" ", "b" * 60), ("\n", "c" * 30)], 100) == ["a" * 60, "b" * 60 + "\n" + "c" * 30]


def test_an_ordinary_answer_is_one_message(kb):
    from bot.rendering.slack import render_messages

    raw, payload = _answer_message(kb)
    parts = render_messages(read_bot_message(raw))
    assert len(parts) == 1 and len(parts[0].blocks) < 50
    _assert_within_slack_limits(parts)
    for claim in (c for section in payload.sections for c in section.claims):
        assert sum(escape(claim.text) in json.dumps(b, ensure_ascii=False) for b in parts[0].blocks) == 1
