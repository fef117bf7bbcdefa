"""Safety triage on a labelled set: recall per category and the false-positive rate.

    python -m bot.tools.evaluate_safety tests/safety/heldout.yml [--rules-only] [--misses]

Runs the gate's triage in process (no server): the rules, plus the second-opinion
classifier learnt from knowledge/safety_examples (unless --rules-only). A message counts
as caught when it gets its level or a more urgent one; the category is reported apart.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

from knowledge.safety import LEVEL_ORDER, TriageLevel
from nlu.gate_rules import triage
from nlu.triage import get_detector
from nlu.triage_model import TriageModel, train_triage_model

NONE = "none"


def load_cases(paths: List[Path]) -> List[Dict[str, Any]]:
    cases: List[Dict[str, Any]] = []
    for path in paths:
        cases.extend(yaml.safe_load(path.read_text(encoding="utf-8")))
    return cases


def _rank(level: str) -> int:
    return LEVEL_ORDER.index(TriageLevel(level)) if level != NONE else len(LEVEL_ORDER)


def trained_model() -> TriageModel:
    return train_triage_model()


def evaluate(cases: List[Dict[str, Any]], model: Optional[TriageModel] = None) -> Dict[str, Any]:
    per_category: Dict[str, Dict[str, int]] = defaultdict(lambda: {"cases": 0, "caught": 0, "same_category": 0})
    misses, false_positives = [], []
    for case in cases:
        verdict = triage(case["text"], model)
        got_level = verdict.level.value if verdict else NONE
        got_category = verdict.category if verdict else NONE
        row = per_category[case["category"]]
        row["cases"] += 1
        if case["level"] == NONE:
            if verdict is not None:
                false_positives.append({**case, "got": f"{got_level}/{got_category}"})
            else:
                row["caught"] += 1  # correctly left alone
            continue
        if _rank(got_level) <= _rank(case["level"]):
            row["caught"] += 1
            row["same_category"] += int(got_category == case["category"] or case["level"] == "urgent")
        else:
            misses.append({**case, "got": f"{got_level}/{got_category}"})
    near_misses = per_category.get("near_miss", {"cases": 0})["cases"]
    return {
        "cases": len(cases),
        "per_category": {k: {**v, "recall": v["caught"] / v["cases"]} for k, v in sorted(per_category.items())},
        "false_positive_rate": len(false_positives) / near_misses if near_misses else 0.0,
        "misses": misses,
        "false_positives": false_positives,
    }


def print_report(report: Dict[str, Any], show_texts: bool) -> None:
    print(f"{'category':<20}{'cases':>6}{'recall':>8}{'same cat.':>10}")
    for name, row in report["per_category"].items():
        if name == "near_miss":
            continue
        print(f"{name:<20}{row['cases']:>6}{row['recall']:>8.0%}{row['same_category']:>10}")
    near = report["per_category"].get("near_miss")
    if near:
        print(
            f"near misses: {near['cases']}, flagged {len(report['false_positives'])} "
            f"(false-positive rate {report['false_positive_rate']:.1%})"
        )
    print(f"missed emergencies, crises or urgent messages: {len(report['misses'])}")
    if show_texts:
        detector = get_detector()
        for case in report["misses"]:
            print(f"  MISS [{case['category']} -> {case['got']}] {case['text']}")
            print(f"      rule matches (category, words, dismissed because): {detector.explain(case['text'])}")
        for case in report["false_positives"]:
            print(f"  FALSE POSITIVE [{case['got']}] {case['text']}")
            print(f"      rule matches (category, words, dismissed because): {detector.explain(case['text'])}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--misses", action="store_true", help="print the texts of misses and false positives")
    parser.add_argument("--rules-only", action="store_true", help="without the trained second opinion")
    args = parser.parse_args()
    report = evaluate(load_cases(args.paths), None if args.rules_only else trained_model())
    print_report(report, args.misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
