"""Block Kit rendering of bot messages for the Slack app.

All text is escaped for Slack (&, <, >), so nothing a user or the knowledge base writes
can turn into a live mention (<!channel>, <@U…>) or a disguised link.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.rendering.common import FEEDBACK_VOTES, BotMessage, audience_switch, feedback_record
from knowledge.links import safe_link
from knowledge.render_text import render_text, review_line
from knowledge.templates import MORE_LABEL

SECTION_LIMIT = 2900  # Slack allows 3000 characters per text object
BUTTON_TEXT_LIMIT = 75
HEADER_LIMIT = 150
ACTION_SUGGEST = "imt_suggest"
ACTION_AUDIENCE = "imt_audience"
ACTION_FEEDBACK = "imt_feedback"


def escape(text: str) -> str:
    """Slack's control characters; see api.slack.com/reference/surfaces/formatting#escaping."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _link(url: str, label: str) -> str:
    # Only http(s) URLs become links (payloads can come back from the tracker store); the
    # label is escaped and may not contain '|'.
    safe = safe_link(url)
    if safe is None:
        return escape(label)
    return f"<{escape(safe)}|{escape(label).replace('|', '/')}>"


def _mrkdwn(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text[:SECTION_LIMIT] or "…")


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=_mrkdwn(text))


def _context(*texts: str) -> ContextBlock:
    return ContextBlock(elements=[_mrkdwn(text) for text in texts])


def _button(text: str, action_id: str, value: str) -> ButtonElement:
    return ButtonElement(
        text=PlainTextObject(text=text[:BUTTON_TEXT_LIMIT] or "…", emoji=True), action_id=action_id, value=value[:2000]
    )


def _blocks(message: BotMessage) -> List[Block]:
    if message.triage is not None:
        # First and prominent: a header, then the reply; nothing else competes with it.
        heading = PlainTextObject(text=f"⚠️ {message.triage.heading}"[:HEADER_LIMIT], emoji=True)
        return [HeaderBlock(text=heading), _section(f"*{escape(message.text)}*")]
    if message.answer is None:
        plain: List[Block] = [_section(escape(message.text or "…"))]
        if message.buttons:
            buttons = message.buttons[:5]
            plain.append(
                ActionsBlock(
                    elements=[_button(b["title"], f"{ACTION_SUGGEST}_{i}", b["payload"]) for i, b in enumerate(buttons)]
                )
            )
        return plain

    answer = message.answer
    links = {c.n: c.link for c in answer.citations}
    blocks: List[Block] = []
    if message.lead:
        blocks.append(_section(f"*{escape(message.lead)}*"))
    if answer.intro:
        blocks.append(_context(escape(" ".join(answer.intro))))
    for section in answer.sections:
        lines = [f"*{escape(section.heading)}*"]
        for claim in section.claims:
            markers = "".join(_link(links[n], f"[{n}]") for n in claim.citations)
            lines.append(f"• {escape(claim.text)} {markers}")
        blocks.append(_section("\n".join(lines)))
    if answer.citations:
        sources = "  ".join(_link(c.link, f"[{c.n}] {c.label}") for c in answer.citations)
        blocks.append(_context(f"*Sources* {sources}"))
    footer = [escape(line) for line in (review_line(answer), answer.disclaimer) if line]
    blocks.append(_context(*[f"_{text}_" for text in footer]))
    if answer.suggestions:
        blocks.append(_context(f"*{MORE_LABEL}*"))
        suggestions = [_button(s, f"{ACTION_SUGGEST}_{i}", s) for i, s in enumerate(answer.suggestions[:5])]
        blocks.append(ActionsBlock(block_id="imt_suggestions", elements=suggestions))
    label, switch_message = audience_switch(answer)
    feedback = json.dumps(feedback_record(answer), separators=(",", ":"))
    controls = [
        _button(label, ACTION_AUDIENCE, switch_message),
        *[_button(icon, f"{ACTION_FEEDBACK}_{vote}", feedback) for vote, icon in FEEDBACK_VOTES.items()],
    ]
    blocks.append(ActionsBlock(block_id="imt_controls", elements=controls))
    return blocks


def render_blocks(message: BotMessage) -> List[Dict[str, Any]]:
    """Block Kit for one bot message, built from slack_sdk's block models (which check
    Slack's limits as they serialise), as the JSON dicts chat.postMessage sends."""
    return [block.to_dict() for block in _blocks(message)]


def fallback_text(message: BotMessage) -> str:
    """Notification text; Slack shows it where blocks can't be shown."""
    text = render_text(message.answer) if message.answer else message.text
    return escape(text)[:SECTION_LIMIT]
