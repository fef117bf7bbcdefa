"""Retrieval figures: does the ranker put the entry that answers a question first?

    python -m bot.tools.evaluate_retrieval tests/retrieval/heldout.yml [--compare] [--misses]

Runs in process. Without --url, entities come from the NLU's rule extractor and no topic
confidence is used; with --url (a running Rasa server) every message goes through the
trained NLU's /model/parse, as in the assistant: its intent decides whether a follow-up
keeps the context, its entities the facets, its intent ranking the topic confidence. Reports top-1 and top-3
accuracy overall and per topic (the topic of the first gold entry). `--compare` also
scores BM25 alone, the nearest known question alone, the entry classifier alone, the fusion
without the classifier and the fusion without context, the comparison that chose the ranker.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

from bot.tools.api_client import api_session
from knowledge.composer import conversation_topic
from knowledge.context import INTENT_TOPICS, Context, next_context
from knowledge.loader import load_knowledge_base
from knowledge.ranker import EntryRanker, Weights
from knowledge.schema import Topic
from nlu.components.imt_entities import find_entities

# A stand-in for the NLU's intent: a full question starts a new one, a short one adds a detail.
QUESTION, DETAIL = "ask_overview", "inform"


def load_items(paths: List[Path]) -> List[Dict[str, Any]]:
    items: List[Dict[str, Any]] = []
    for path in paths:
        items.extend(yaml.safe_load(path.read_text(encoding="utf-8"))["items"])
    return items


class Understanding:
    """What the NLU makes of a message: the trained server's parse, or the rules alone."""

    def __init__(self, ranker: EntryRanker, url: Optional[str], token: Optional[str] = None) -> None:
        self.ranker, self.url = ranker, url
        self.session = api_session(token)
        self.cache: Dict[str, Dict[str, Any]] = {}

    def parse(self, text: str) -> Dict[str, Any]:
        if text not in self.cache:
            if self.url:
                response = self.session.post(f"{self.url}/model/parse", json={"text": text}, timeout=30)
                response.raise_for_status()
                self.cache[text] = response.json()
            else:
                intent = DETAIL if self.ranker.is_short(text) else QUESTION
                self.cache[text] = {"intent": {"name": intent}, "entities": find_entities(text), "intent_ranking": []}
        return self.cache[text]

    def topic_confidence(self, text: str) -> Dict[Topic, float]:
        ranking = self.parse(text).get("intent_ranking") or []
        return {INTENT_TOPICS[r["name"]]: float(r["confidence"]) for r in ranking if r.get("name") in INTENT_TOPICS}

    def previous_question(self, messages: List[str]) -> str:
        """As in the assistant: the last earlier message that was not a detail completing
        the question before it ("and for a 12 year old?")."""
        details = [m for m in messages if self.parse(m)["intent"]["name"] == DETAIL]
        questions = [m for m in messages if m not in details]
        return questions[-1] if questions else (details[-1] if details else "")

    def context_for(self, messages: List[str]) -> Context:
        """The context the last message is answered in. As in the assistant, each earlier
        message leaves the conversation on the topic it asked (composer.conversation_topic)."""
        context = Context()
        for index, text in enumerate(messages):
            parsed = self.parse(text)
            refers_back = index > 0 and self.ranker.refers_back(text)
            fresh = self.ranker.starts_afresh(text)
            implied = self.ranker.implied_population(text)
            entities = parsed.get("entities") or []
            context = next_context(context, parsed["intent"]["name"], entities, refers_back, fresh, implied)
            if index < len(messages) - 1:
                earlier = self.previous_question(messages[:index])
                confidence = self.topic_confidence(text)
                best = self.ranker.rank(text, context.applied(), earlier, confidence)[0]
                context = replace(context, topic=conversation_topic(context.applied(), confidence, best.entry))
        return context.applied()


def evaluate(
    ranker: EntryRanker,
    items: List[Dict[str, Any]],
    use_context: bool = True,
    url: Optional[str] = None,
    token: Optional[str] = None,
) -> Dict[str, Any]:
    understanding = Understanding(ranker, url, token)
    kb_topics = {e.id: e.topic.value for e in ranker.entries}
    rows: Dict[str, Dict[str, int]] = defaultdict(lambda: {"items": 0, "top1": 0, "top3": 0})
    misses = []
    for item in items:
        earlier = list(item.get("context") or [])
        messages = [*earlier, item["question"]] if use_context else [item["question"]]
        context = understanding.context_for(messages)
        ranked = ranker.rank(
            item["question"],
            context,
            previous_question=understanding.previous_question(earlier) if use_context else "",
            topic_confidence=understanding.topic_confidence(item["question"]),
        )
        ids = [r.entry.id for r in ranked[:3]]
        gold = set(item["gold"])
        for key in ("all", kb_topics[item["gold"][0]]):
            rows[key]["items"] += 1
            rows[key]["top1"] += ids[0] in gold
            rows[key]["top3"] += bool(gold & set(ids))
        if ids[0] not in gold:
            misses.append({"question": item["question"], "context": earlier, "gold": item["gold"], "got": ids})
    figures = {
        k: {**v, "top1_acc": v["top1"] / v["items"], "top3_acc": v["top3"] / v["items"]} for k, v in rows.items()
    }
    return {"figures": dict(sorted(figures.items())), "misses": misses}


def print_figures(title: str, report: Dict[str, Any]) -> None:
    print(f"-- {title}")
    print(f"{'topic':<14}{'items':>6}{'top-1':>8}{'top-3':>8}")
    for name, row in report["figures"].items():
        print(f"{name:<14}{row['items']:>6}{row['top1_acc']:>8.3f}{row['top3_acc']:>8.3f}")


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--compare", action="store_true", help="also score each signal alone")
    parser.add_argument("--url", help="a running Rasa server whose NLU parses each message")
    parser.add_argument("--token", help="its HTTP API token (default IMT_API_TOKEN)")
    parser.add_argument("--misses", action="store_true", help="list the questions whose top entry is wrong")
    args = parser.parse_args(argv)
    kb = load_knowledge_base()
    items = load_items(args.paths)
    fused = EntryRanker(kb)
    server = {"url": args.url, "token": args.token}
    report = evaluate(fused, items, **server)
    if args.compare:
        variants = {
            "BM25 alone (entries, single questions, single claims)": replace(
                Weights(), nearest_question=0.0, paraphrase=0.0, ask=0.0, classifier=0.0
            ),
            "nearest known question alone": replace(
                Weights(), bm25=0.0, questions=0.0, claims=0.0, ask=0.0, classifier=0.0
            ),
            "entry classifier alone": replace(
                Weights(), bm25=0.0, questions=0.0, claims=0.0, ask=0.0, nearest_question=0.0, paraphrase=0.0
            ),
            "fused without the entry classifier": replace(Weights(), classifier=0.0),
        }
        for name, weights in variants.items():
            print_figures(name, evaluate(EntryRanker(kb, weights), items, **server))
        print_figures("fused, without conversation context", evaluate(fused, items, use_context=False, **server))
    print_figures("fused, with context (the ranker in use)", report)
    if args.misses:
        for miss in report["misses"]:
            print(f"  {miss['context']} {miss['question']!r}\n      gold {miss['gold']} got {miss['got']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
