"""Block Kit rendering of bot messages for the Slack app.

All text is escaped for Slack (&, <, >), so nothing a user or the knowledge base writes
can turn into a live mention (<!channel>, <@U…>) or a disguised link.

Slack's limits (3,000 characters a text object, 10 elements a context block, 50 blocks a
message) are met by splitting, never by cutting: an answer section fills as many section
blocks as its claims need, each claim line whole in one of them (a claim longer than a
whole block, which no curated claim is, goes on in the next block at a space); sources and
intro sentences fill as many context elements and blocks as they need; and an answer of more
than 50 blocks goes on in further messages, each but the last ending with a note that it
continues. slack_sdk's block models check the limits again as they serialise.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Sequence, Tuple

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
from knowledge.render_text import render_text, review_lines
from knowledge.templates import MORE_LABEL

SECTION_LIMIT = 2900  # Slack allows 3000 characters per text object; kept below it
CONTEXT_ELEMENTS = ContextBlock.elements_max_length  # 10
MESSAGE_BLOCKS = 50  # blocks in one message
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
FEEDBACK_ITEMS = 50  # claim ids and citations a vote records at most (the app reads no more)
HEADER_LIMIT = 150
ACTION_SUGGEST = "imt_suggest"
ACTION_AUDIENCE = "imt_audience"
ACTION_FEEDBACK = "imt_feedback"
CONTINUED = "_Continued in the next message…_"
ENTITIES = ("&amp;", "&lt;", "&gt;")


@dataclass(frozen=True)
class SlackMessage:
    """One chat.postMessage: its blocks and its notification text."""

    blocks: List[Dict[str, Any]]
    text: str


def escape(text: str) -> str:
    """Slack's control characters; see api.slack.com/reference/surfaces/formatting#escaping."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _link(url: str, label: str) -> str:
    # Only http(s) URLs become links (payloads can come back from the tracker store); the
    # label is escaped and may not contain '|'. A link too long for any block (no real
    # source has one) is shown as its label.
    safe = safe_link(url)
    if safe is None:
        return escape(label)
    link = f"<{escape(safe)}|{escape(label).replace('|', '/')}>"
    return link if len(link) <= SECTION_LIMIT else escape(label)


def split_text(text: str, limit: int = SECTION_LIMIT) -> List[str]:
    """Escaped text (no links) in pieces of at most `limit` characters: broken at a line
    break or space (which the break replaces), else between characters, never inside an
    escape (&amp; &lt; &gt;). Joined with the breaks, the pieces are the text again."""
    pieces: List[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", limit // 2, limit + 1)
        if cut < 0:
            cut = text.rfind(" ", 1, limit + 1)
        if cut > 0:
            pieces.append(text[:cut])
            text = text[cut + 1 :]
            continue
        cut = limit
        amp = text.rfind("&", limit - max(map(len, ENTITIES)) + 1, limit)
        if amp > 0 and ";" not in text[amp:limit]:
            cut = amp  # an escape straddles the limit: break before it
        pieces.append(text[:cut])
        text = text[cut:]
    if text or not pieces:  # not an empty piece after a break at the very end
        pieces.append(text)
    return pieces


def pack(atoms: Iterable[Tuple[str, str]], limit: int = SECTION_LIMIT) -> List[str]:
    """Texts of at most `limit` characters, filled with atoms in order and broken only
    between them. Each atom is (separator, text): the separator joins it to the atom before
    in the same text. An atom longer than `limit` is split with `split_text`."""
    texts: List[str] = []
    current = ""
    for separator, atom in atoms:
        for piece in split_text(atom, limit):
            if current and len(current) + len(separator) + len(piece) <= limit:
                current += separator + piece
            else:
                if current:
                    texts.append(current)
                current = piece
            separator = " "
    if current:
        texts.append(current)
    return texts


def _emphasised(text: str, mark: str) -> List[str]:
    """`text` (escaped) in bold (*) or italics (_), split so each piece carries its marks."""
    return [f"{mark}{piece}{mark}" for piece in split_text(text, SECTION_LIMIT - 2 * len(mark))]


def _mrkdwn(text: str) -> MarkdownTextObject:
    # Every text reaching here was split to the limit; slack_sdk's models check it again.
    return MarkdownTextObject(text=text or "…")


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=_mrkdwn(text))


def _sections(texts: Sequence[str]) -> List[Block]:
    return [_section(text) for text in texts]


def _contexts(texts: Sequence[str]) -> List[Block]:
    """Context blocks of at most 10 elements each."""
    return [
        ContextBlock(elements=[_mrkdwn(text) for text in texts[i : i + CONTEXT_ELEMENTS]])
        for i in range(0, len(texts), CONTEXT_ELEMENTS)
    ]


def _button(text: str, action_id: str, value: str) -> ButtonElement:
    return ButtonElement(
        text=PlainTextObject(text=text[:BUTTON_TEXT_LIMIT] or "…", emoji=True),
        action_id=action_id,
        value=value[:BUTTON_VALUE_LIMIT],
    )


def _feedback_value(record: Dict[str, Any]) -> str:
    """The record a 👍/👎 carries, as JSON that fits a button's value: whole, or with the
    last claim ids and citations left off (never cut mid-JSON, which would lose the vote)."""
    record = {**record, **{key: list(record[key][:FEEDBACK_ITEMS]) for key in ("claim_ids", "citations")}}
    value = json.dumps(record, separators=(",", ":"))
    while len(value) > BUTTON_VALUE_LIMIT and (record["claim_ids"] or record["citations"]):
        longer = max(("claim_ids", "citations"), key=lambda key: len(record[key]))
        record[longer] = record[longer][:-1]
        value = json.dumps(record, separators=(",", ":"))
    return value


def _claim_atoms(text: str, markers: List[str]) -> List[Tuple[str, str]]:
    """A claim's line as atoms for `pack`: the whole line when it fits one block; else the
    claim's text, then its citation links one by one (so no link is ever split)."""
    line = f"• {escape(text)} {''.join(markers)}"
    if len(line) <= SECTION_LIMIT:
        return [("\n", line)]
    return [("\n", f"• {escape(text)}"), *[(" " if i == 0 else "", marker) for i, marker in enumerate(markers)]]


def _blocks(message: BotMessage) -> List[Block]:
    if message.triage is not None:
        # First and prominent: a header, then the reply; nothing else competes with it.
        heading = PlainTextObject(text=f"⚠️ {message.triage.heading}"[:HEADER_LIMIT], emoji=True)
        return [HeaderBlock(text=heading), *_sections(_emphasised(escape(message.text), "*"))]
    if message.answer is None:
        plain: List[Block] = _sections(split_text(escape(message.text or "…")))
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
        blocks.extend(_sections(_emphasised(escape(message.lead), "*")))
    if answer.intro:
        blocks.extend(_contexts(pack((" ", escape(sentence)) for sentence in answer.intro)))
    for section in answer.sections:
        # Each section starts a block of its own, its heading first.
        atoms = [("", f"*{escape(section.heading)}*")]
        for claim in section.claims:
            markers = [_link(links[n], f"[{n}]") if n in links else escape(f"[{n}]") for n in claim.citations]
            atoms.extend(_claim_atoms(claim.text, markers))
        blocks.extend(_sections(pack(atoms)))
    if answer.citations:
        sources = [
            (" " if i == 0 else "  ", _link(c.link, f"[{c.n}] {c.label}")) for i, c in enumerate(answer.citations)
        ]
        blocks.extend(_contexts(pack([("", "*Sources*"), *sources])))
    footer = [escape(line) for line in (*review_lines(answer), answer.disclaimer) if line]
    blocks.extend(_contexts([piece for line in footer for piece in _emphasised(line, "_")]))
    if answer.suggestions:
        blocks.extend(_contexts([f"*{MORE_LABEL}*"]))
        suggestions = [_button(s, f"{ACTION_SUGGEST}_{i}", s) for i, s in enumerate(answer.suggestions[:5])]
        blocks.append(ActionsBlock(block_id="imt_suggestions", elements=suggestions))
    label, switch_message = audience_switch(answer)
    feedback = _feedback_value(feedback_record(answer))
    controls = [
        _button(label, ACTION_AUDIENCE, switch_message),
        *[_button(icon, f"{ACTION_FEEDBACK}_{vote}", feedback) for vote, icon in FEEDBACK_VOTES.items()],
    ]
    blocks.append(ActionsBlock(block_id="imt_controls", elements=controls))
    return blocks


def _pages(blocks: List[Block]) -> List[List[Block]]:
    """Blocks in messages of at most 50; each message but the last ends with a note that
    the answer continues. The suggestions keep their "More" heading in the same message."""
    pages: List[List[Block]] = []
    while len(blocks) > MESSAGE_BLOCKS:
        cut = MESSAGE_BLOCKS - 1
        if getattr(blocks[cut], "block_id", None) == "imt_suggestions":
            cut -= 1  # not the "More" heading without its buttons
        pages.append([*blocks[:cut], *_contexts([CONTINUED])])
        blocks = blocks[cut:]
    pages.append(blocks)
    return pages


def render_messages(message: BotMessage) -> List[SlackMessage]:
    """One bot message as the Slack messages it takes (one, unless an answer needs more
    than 50 blocks), in order: Block Kit built from slack_sdk's block models (which check
    Slack's limits as they serialise), as the JSON dicts chat.postMessage sends, and each
    message's notification text."""
    pages = _pages(_blocks(message))
    first = fallback_text(message)
    return [
        SlackMessage(
            blocks=[block.to_dict() for block in page],
            text=first if i == 0 else f"{_cut(first, 60)} (continued, {i + 1} of {len(pages)})",
        )
        for i, page in enumerate(pages)
    ]


def render_blocks(message: BotMessage) -> List[Dict[str, Any]]:
    """Every block of `render_messages`, in order, as one list (one message's, usually)."""
    return [block for part in render_messages(message) for block in part.blocks]


def _cut(text: str, limit: int) -> str:
    """Escaped text shortened to `limit` characters at a space, with an ellipsis."""
    return text if len(text) <= limit else split_text(text, limit - 1)[0] + "…"


def fallback_text(message: BotMessage) -> str:
    """Notification text; Slack shows it where blocks can't be shown (the blocks have it all)."""
    text = render_text(message.answer) if message.answer else message.text
    return _cut(escape(text), SECTION_LIMIT)
