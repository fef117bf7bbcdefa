"""Block Kit rendering of bot messages for the Slack app.

All text is escaped for Slack (&, <, >), so nothing a user or the knowledge base writes
can turn into a live mention (<!channel>, <@U…>) or a disguised link.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List

from bot.rendering.common import FEEDBACK_VOTES, BotMessage, audience_switch, feedback_record
from knowledge.links import safe_link
from knowledge.render_text import render_text, review_line
from knowledge.templates import MORE_LABEL

SECTION_LIMIT = 2900  # Slack allows 3000 characters per text object
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


def _mrkdwn(text: str) -> Dict[str, Any]:
    return {"type": "mrkdwn", "text": text[:SECTION_LIMIT]}


def _section(text: str) -> Dict[str, Any]:
    return {"type": "section", "text": _mrkdwn(text)}


def _button(text: str, action_id: str, value: str, style: str = "") -> Dict[str, Any]:
    button = {
        "type": "button",
        "text": {"type": "plain_text", "text": text[:75], "emoji": True},
        "action_id": action_id,
        "value": value[:2000],
    }
    if style:
        button["style"] = style
    return button


def render_blocks(message: BotMessage) -> List[Dict[str, Any]]:
    if message.triage is not None:
        # First and prominent: a header, then the reply; nothing else competes with it.
        return [
            {
                "type": "header",
                "text": {"type": "plain_text", "text": f"⚠️ {message.triage.heading}"[:150], "emoji": True},
            },
            _section(f"*{escape(message.text)}*"),
        ]
    if message.answer is None:
        plain = [_section(escape(message.text or "…"))]
        if message.buttons:
            plain.append(
                {
                    "type": "actions",
                    "elements": [
                        _button(b["title"], f"{ACTION_SUGGEST}_{i}", b["payload"])
                        for i, b in enumerate(message.buttons[:5])
                    ],
                }
            )
        return plain

    answer = message.answer
    links = {c.n: c.link for c in answer.citations}
    blocks: List[Dict[str, Any]] = []
    if message.lead:
        blocks.append(_section(f"*{escape(message.lead)}*"))
    if answer.intro:
        blocks.append({"type": "context", "elements": [_mrkdwn(escape(" ".join(answer.intro)))]})
    for section in answer.sections:
        lines = [f"*{escape(section.heading)}*"]
        for claim in section.claims:
            markers = "".join(_link(links[n], f"[{n}]") for n in claim.citations)
            lines.append(f"• {escape(claim.text)} {markers}")
        blocks.append(_section("\n".join(lines)))
    if answer.citations:
        sources = "  ".join(_link(c.link, f"[{c.n}] {c.label}") for c in answer.citations)
        blocks.append({"type": "context", "elements": [_mrkdwn(f"*Sources* {sources}")]})
    footer = [escape(line) for line in (review_line(answer), answer.disclaimer) if line]
    blocks.append({"type": "context", "elements": [_mrkdwn(f"_{text}_") for text in footer]})
    if answer.suggestions:
        blocks.append({"type": "context", "elements": [_mrkdwn(f"*{MORE_LABEL}*")]})
        blocks.append(
            {
                "type": "actions",
                "block_id": "imt_suggestions",
                "elements": [_button(s, f"{ACTION_SUGGEST}_{i}", s) for i, s in enumerate(answer.suggestions[:5])],
            }
        )
    label, switch_message = audience_switch(answer)
    feedback = json.dumps(feedback_record(answer), separators=(",", ":"))
    blocks.append(
        {
            "type": "actions",
            "block_id": "imt_controls",
            "elements": [
                _button(label, ACTION_AUDIENCE, switch_message),
                *[_button(icon, f"{ACTION_FEEDBACK}_{vote}", feedback) for vote, icon in FEEDBACK_VOTES.items()],
            ],
        }
    )
    return blocks


def fallback_text(message: BotMessage) -> str:
    """Notification text; Slack shows it where blocks can't be shown."""
    text = render_text(message.answer) if message.answer else message.text
    return escape(text)[:SECTION_LIMIT]
