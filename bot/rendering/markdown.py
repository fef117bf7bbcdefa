"""Markdown transcript of a conversation, with each answer's citations."""

from __future__ import annotations

from typing import Any, Dict, List

from knowledge.render_text import render_text


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines()) or ">"


def render_transcript(turns: List[Dict[str, Any]]) -> str:
    lines = ["# IMT assistant: conversation transcript", ""]
    for turn in turns:
        if turn["from"] == "user":
            lines += ["**You:**", "", _quote(turn["text"]), ""]
            continue
        message = turn["message"]
        body = render_text(message.answer) if message.answer else message.text
        if message.lead:
            body = f"{message.lead}\n\n{body}"
        lines += ["**Assistant:**", "", body, ""]
    return "\n".join(lines).rstrip() + "\n"
