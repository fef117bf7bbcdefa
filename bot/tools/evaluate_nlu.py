"""Evaluate the NLU on a held-out split (tests/nlu/), which training never sees.

Intent accuracy and macro-F1 come from the server's /model/parse, so the whole
pipeline (input guard, classifier, fallback, safety gate) is measured as deployed.
Entity F1 counts exact (entity, normalized value, role) matches per message.

    python -m bot.tools.evaluate_nlu tests/nlu --url http://127.0.0.1:5005 [--out results/nlu_eval.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, FrozenSet, List, Mapping, Optional, Tuple

from sklearn.metrics import accuracy_score, f1_score

from bot.tools.api_client import api_session
from bot.tools.reports import save_report

# Set by the safety gate with red_flag, not by the NLU: not part of the entity schema measured.
GATE_ENTITIES = {"triage_category"}
OUT_OF_SCOPE = "out_of_scope"
TOPIC_INTENTS = {f"ask_{t}" for t in ("overview", "diagnosis", "treatment", "dosing", "side_effects", "prognosis")}


def load_held_out(path: Path) -> List[Dict]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [
        {
            "text": m.get("text"),
            "intent": m.get("intent"),
            "entities": [(e["entity"], e.get("value"), e.get("role")) for e in m.get("entities") or []],
        }
        for m in data.intent_examples
    ]


def _entity_counts(expected: List[Tuple], predicted: List[Tuple]) -> Tuple[int, int, int]:
    exp, pred = Counter(expected), Counter(predicted)
    true_positive = sum((exp & pred).values())
    return true_positive, sum(pred.values()) - true_positive, sum(exp.values()) - true_positive


def evaluate(
    url: str,
    examples: List[Dict],
    token: Optional[str] = None,
    unannotated: FrozenSet[str] = frozenset(),
    written_as: Optional[Mapping[str, str]] = None,
) -> Dict:
    """`unannotated`: entity types the set's writer was told not to annotate (not counted).
    `written_as`: entity types the set's writer annotated under another type's name (its
    biomarker with no role is our `gene`)."""
    written_as = written_as or {}
    gold, guessed, errors = [], [], []
    tp = fp = fn = 0
    with api_session(token) as session:
        for example in examples:
            response = session.post(f"{url}/model/parse", json={"text": example["text"]}, timeout=30)
            response.raise_for_status()  # a rate limit or a wrong token is no intent to score
            parsed = response.json()
            intent = (parsed.get("intent") or {}).get("name")
            entities = [
                (written_as.get(e["entity"], e["entity"]), e.get("value"), e.get("role"))
                for e in parsed.get("entities") or []
                if e["entity"] not in GATE_ENTITIES | unannotated
            ]
            gold.append(example["intent"])
            guessed.append(intent)
            counts = _entity_counts(example["entities"], entities)
            tp, fp, fn = tp + counts[0], fp + counts[1], fn + counts[2]
            if intent != example["intent"] or counts[1] or counts[2]:
                errors.append(
                    {
                        "text": example["text"],
                        "expected": example["intent"],
                        "predicted": intent,
                        "expected_entities": example["entities"],
                        "predicted_entities": entities,
                    }
                )
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    labels = sorted(set(gold))
    per_intent = f1_score(gold, guessed, labels=labels, average=None, zero_division=0)
    out = [g == OUT_OF_SCOPE for g in gold]
    sent_out = [p == OUT_OF_SCOPE for p in guessed]
    in_scope = [not o and g in TOPIC_INTENTS for o, g in zip(out, gold)]
    return {
        "examples": len(examples),
        "intent_accuracy": accuracy_score(gold, guessed),
        "intent_macro_f1": f1_score(gold, guessed, labels=labels, average="macro", zero_division=0),
        "per_intent_f1": {label: float(f) for label, f in zip(labels, per_intent)},
        # Out of scope caught, and topic questions wrongly sent out of scope.
        "out_of_scope_recall": sum(o and s for o, s in zip(out, sent_out)) / max(1, sum(out)),
        "in_scope_sent_out": sum(i and s for i, s in zip(in_scope, sent_out)) / max(1, sum(in_scope)),
        "confusion": {
            f"{a} -> {b}": n for (a, b), n in Counter((g, p) for g, p in zip(gold, guessed) if g != p).most_common()
        },
        "entity_precision": precision,
        "entity_recall": recall,
        "entity_f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "errors": errors,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("held_out", type=Path, help="a folder or file of held-out NLU examples, e.g. tests/nlu")
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--token", help="the HTTP API token (default IMT_API_TOKEN)")
    parser.add_argument("--unannotated", nargs="*", default=[], help="entity types the set does not annotate")
    parser.add_argument(
        "--written-as", nargs="*", default=[], metavar="OURS=THEIRS", help="entity types the set names otherwise"
    )
    args = parser.parse_args()
    written_as = dict(pair.split("=", 1) for pair in args.written_as)
    report = evaluate(
        args.url,
        load_held_out(args.held_out),
        token=args.token,
        unannotated=frozenset(args.unannotated),
        written_as=written_as,
    )
    summary = {k: v for k, v in report.items() if k != "errors"}
    print(json.dumps(summary, indent=2))
    for error in report["errors"]:
        print(f"  miss: {error['text']!r}: {error['expected']} -> {error['predicted']}")
    if args.out:
        save_report(report, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
