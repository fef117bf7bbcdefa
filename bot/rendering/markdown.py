"""Markdown transcript of a conversation, with each answer's citations."""

from __future__ import annotations

import re
from typing import Any, Dict, List

from knowledge.links import safe_link
from knowledge.render_text import render_text

# Markdown link targets: [label](target) and <target>.
_INLINE_LINK = re.compile(r"\]\(([^)\s]*)[^)]*\)")
_AUTOLINK = re.compile(r"<([^>\s]*)>")


def _defuse_links(text: str) -> str:
    """Keep http(s) link targets; any other ([x](javascript:…), <data:…>) is shown as text."""
    text = _INLINE_LINK.sub(lambda m: m.group(0) if safe_link(m.group(1)) else "]\\(" + m.group(0)[2:], text)
    return _AUTOLINK.sub(lambda m: m.group(0) if safe_link(m.group(1)) else "\\<" + m.group(0)[1:], text)


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines()) or ">"


def render_transcript(turns: List[Dict[str, Any]]) -> str:
    lines = ["# IMT assistant: conversation transcript", ""]
    for turn in turns:
        if turn["from"] == "user":
            lines += ["**You:**", "", _quote(_defuse_links(turn["text"])), ""]
            continue
        message = turn["message"]
        body = render_text(message.answer) if message.answer else message.text
        if message.lead:
            body = f"{message.lead}\n\n{body}"
        lines += ["**Assistant:**", "", _defuse_links(body), ""]
    return "\n".join(lines).rstrip() + "\n"
