"""The realistic mix (messages.yml) turned into deterministic conversations."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

MIX_FILE = Path(__file__).with_name("messages.yml")
KINDS = ("first", "follow_up", "chit_chat", "out_of_scope", "emergency")


@dataclass(frozen=True)
class Message:
    kind: str
    text: str


@dataclass(frozen=True)
class Mix:
    pattern: Tuple[str, ...]
    texts: Dict[str, Tuple[str, ...]]

    def conversation(self, index: int, length: int) -> List[Message]:
        """Conversation number `index`: a first question, then the pattern from the
        conversation's own offset. Texts rotate per kind, from a different start for each
        conversation, so conversations differ but every run sends the same ones."""
        offset = index % len(self.pattern)
        used: Dict[str, int] = dict.fromkeys(self.texts, 0)
        messages = []
        for n in range(length):
            kind = "first" if n == 0 else self.pattern[(offset + n) % len(self.pattern)]
            texts = self.texts[kind]
            messages.append(Message(kind, texts[(index * 7 + used[kind]) % len(texts)]))
            used[kind] += 1
        return messages

    def conversations(self, count: int, length: int, first_index: int = 0) -> List[List[Message]]:
        return [self.conversation(first_index + i, length) for i in range(count)]

    def questions(self, count: int) -> List[str]:
        """Texts for /model/parse: the whole mix, in turn, `count` of them."""
        pool = [text for kind in KINDS for text in self.texts[kind]]
        return [pool[i % len(pool)] for i in range(count)]


@functools.lru_cache(maxsize=None)
def load_mix(path: Path = MIX_FILE) -> Mix:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    pattern = tuple(raw["pattern"])
    texts = {kind: tuple(str(t) for t in raw[kind]) for kind in KINDS}
    unknown = set(pattern) - set(KINDS)
    if unknown or pattern[0] != "first" or not all(texts.values()):
        raise ValueError(f"{path}: the pattern must start with 'first' and use only {KINDS}; every kind needs texts")
    return Mix(pattern, texts)
