"""Multi-turn understanding on held-out dialogues, through the real REST API.

    python -m bot.tools.evaluate_dialogues tests/dialogues/heldout.yml --url http://127.0.0.1:5005

Each dialogue is sent turn by turn in its own conversation. After each turn:
- topic: the topic of the answer given (the answer payload's `topic`), or "none" when no
  IMT answer was given (thanks, a sources request, an audience switch, out of scope);
- carried: the conversation's context slots (drug, population, body_site, biomarker), which
  the next follow-up resolves against, compared with the expected context key by key (a key
  the dialogue leaves out must be empty);
- intent: the intent Rasa recorded for the turn.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Optional

import requests
import yaml

from bot.tools.answer_quality import send_message
from bot.tools.api_client import api_session
from bot.tools.reports import save_report

CONTEXT_KEYS = ("drug", "population", "body_site", "biomarker")
NO_ANSWER = "none"


def load_dialogues(path: Path) -> List[Dict[str, Any]]:
    dialogues = yaml.safe_load(path.read_text(encoding="utf-8"))
    for dialogue in dialogues:
        for turn in dialogue["turns"]:
            unknown = set(turn.get("carried") or {}) - set(CONTEXT_KEYS)
            if unknown:
                raise ValueError(f"{dialogue['id']}: unknown context keys {sorted(unknown)}")
    return dialogues


def _answer_topic(replies: List[Dict[str, Any]]) -> str:
    for reply in replies:
        custom = reply.get("custom") or {}
        if custom.get("type") == "imt_answer":
            return str(custom.get("topic"))
    return NO_ANSWER


def _tracker(session: requests.Session, url: str, sender: str) -> Dict[str, Any]:
    response = session.get(f"{url}/conversations/{sender}/tracker", timeout=30)
    response.raise_for_status()
    return response.json()


def run_dialogue(url: str, dialogue: Dict[str, Any], token: Optional[str] = None) -> List[Dict[str, Any]]:
    sender = f"dialogue-{dialogue['id']}-{uuid.uuid4().hex[:6]}"
    rows = []
    with requests.Session() as plain, api_session(token) as api:
        for number, turn in enumerate(dialogue["turns"]):
            replies = send_message(plain, url, sender, turn["text"])
            tracker = _tracker(api, url, sender)
            slots = tracker.get("slots") or {}
            expected = {key: (turn.get("carried") or {}).get(key) for key in CONTEXT_KEYS}
            got = {key: slots.get(key) for key in CONTEXT_KEYS}
            rows.append(
                {
                    "dialogue": dialogue["id"],
                    "turn": number,
                    "text": turn["text"],
                    "expected_topic": turn["topic"],
                    "topic": _answer_topic(replies),
                    "expected_intent": turn.get("intent"),
                    "intent": ((tracker.get("latest_message") or {}).get("intent") or {}).get("name"),
                    "expected_context": expected,
                    "context": got,
                    "context_keys_right": sum(expected[key] == got[key] for key in CONTEXT_KEYS),
                }
            )
    return rows


def summarize(rows: List[Dict[str, Any]]) -> Dict[str, Any]:
    topic_turns = [r for r in rows if r["expected_topic"] != NO_ANSWER]
    # Context matters where a topic is answered: those turns resolve against it.
    named = [(r, key) for r in rows for key in CONTEXT_KEYS if r["expected_context"][key] is not None]
    confusion = Counter((r["expected_topic"], r["topic"]) for r in rows if r["expected_topic"] != r["topic"])
    return {
        "dialogues": len({r["dialogue"] for r in rows}),
        "turns": len(rows),
        "topic_accuracy": sum(r["topic"] == r["expected_topic"] for r in rows) / len(rows),
        "answered_topic_accuracy": (
            sum(r["topic"] == r["expected_topic"] for r in topic_turns) / len(topic_turns) if topic_turns else 1.0
        ),
        "carried_entity_accuracy": (sum(r["context"][k] == r["expected_context"][k] for r, k in named) / len(named))
        if named
        else 1.0,
        "context_exact_accuracy": sum(r["context_keys_right"] == len(CONTEXT_KEYS) for r in rows) / len(rows),
        "intent_accuracy": sum(r["intent"] == r["expected_intent"] for r in rows if r["expected_intent"])
        / max(1, sum(1 for r in rows if r["expected_intent"])),
        "topic_confusions": {f"{a} -> {b}": n for (a, b), n in confusion.most_common()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--token", help="the HTTP API token (default IMT_API_TOKEN)")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--show", action="store_true", help="print every turn that went wrong")
    args = parser.parse_args()
    rows = [row for d in load_dialogues(args.path) for row in run_dialogue(args.url, d, args.token)]
    report = summarize(rows)
    print(json.dumps(report, indent=2))
    if args.show:
        for r in rows:
            if r["topic"] != r["expected_topic"] or r["context_keys_right"] != len(CONTEXT_KEYS):
                print(f"  {r['dialogue']}#{r['turn']} {r['text']!r}: topic {r['expected_topic']} -> {r['topic']}, ")
                print(f"      context {r['expected_context']} -> {r['context']}")
    if args.out:
        save_report({"summary": report, "turns": rows}, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
