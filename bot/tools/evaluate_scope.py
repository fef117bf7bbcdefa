"""Scope decision on a labelled set: out-of-scope recall per kind, in-scope false-out rate.

    python -m bot.tools.evaluate_scope tests/scope/dev.yml [--misses] [--url http://localhost:5005]

Offline (default) it runs the other-condition matcher and the decision of
knowledge/scope.py, which is what sends a medical question about another condition out
of scope; general non-medical chatter is the classifier's job and is only counted with
--url, which asks a running Rasa server's /model/parse for the final intent instead.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import yaml

from bot.tools.api_client import api_session
from knowledge.scope import OUT_OF_SCOPE_INTENT, is_out_of_scope
from nlu.condition_matcher import condition_matcher

# The kinds the target (recall >= 0.95) is about: medical questions about other conditions.
MEDICAL_KINDS = {"other_cancer", "other_disease", "alk_other_cancer", "other_drug_use"}


def load_items(path: Path) -> List[Dict[str, Any]]:
    items: List[Dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
    return items


def offline_decision(text: str) -> bool:
    return is_out_of_scope(text, condition_matcher().find(text))


def server_decision(url: str, token: Optional[str] = None) -> Callable[[str], bool]:
    session = api_session(token)  # /model/parse needs the HTTP API token

    def decide(text: str) -> bool:
        reply = session.post(f"{url.rstrip('/')}/model/parse", json={"text": text}, timeout=60)
        reply.raise_for_status()
        return bool(reply.json()["intent"]["name"] == OUT_OF_SCOPE_INTENT)

    return decide


def evaluate(items: List[Dict[str, Any]], decide: Callable[[str], bool]) -> Dict[str, Any]:
    per_kind: Dict[str, List[int]] = defaultdict(lambda: [0, 0])  # kind -> [right, total]
    misses: List[Dict[str, Any]] = []
    for item in items:
        out = decide(str(item["text"]))
        right = out != bool(item["in_scope"])
        per_kind[str(item["kind"])][0] += int(right)
        per_kind[str(item["kind"])][1] += 1
        if not right:
            misses.append(item)
    medical = [c for k, c in per_kind.items() if k in MEDICAL_KINDS]
    in_scope = [item for item in items if item["in_scope"]]
    false_out = sum(1 for item in in_scope if item in misses)
    return {
        "per_kind": dict(per_kind),
        "medical_recall": sum(c[0] for c in medical) / max(1, sum(c[1] for c in medical)),
        "in_scope_false_out": false_out / max(1, len(in_scope)),
        "misses": misses,
    }


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--url", help="a running Rasa server: judge its /model/parse intent instead")
    parser.add_argument("--token", help="its HTTP API token (default IMT_API_TOKEN)")
    parser.add_argument("--misses", action="store_true", help="print the misclassified texts (never on held-out)")
    args = parser.parse_args(argv)
    decide = server_decision(args.url, args.token) if args.url else offline_decision
    result = evaluate(load_items(args.file), decide)
    for kind, (right, total) in sorted(result["per_kind"].items()):
        label = "in scope kept" if kind not in MEDICAL_KINDS and kind != "general_nonmedical" else "out of scope"
        print(f"{kind:20s} {label:14s} {right}/{total} = {right / total:.3f}")
    print(f"medical out-of-scope recall: {result['medical_recall']:.3f}")
    print(f"in-scope false-out rate:     {result['in_scope_false_out']:.3f}")
    if args.misses:
        for item in result["misses"]:
            print(f"  MISS [{item['kind']}] {item['text']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
