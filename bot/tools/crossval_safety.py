"""Cross-validate the safety triage over the development examples.

    python -m bot.tools.crossval_safety [--pending] [--folds 5] [--flag-at 0.7 --veto-below 0.2]

The second-opinion classifier is learnt from knowledge/safety_examples, so judging it on
those same examples says nothing. Here each fold is judged by a classifier that never saw
it (the rules are the same for every fold). This is the measurement for choosing the
classifier's thresholds and training data: the held-out parts in tests/safety/ are for the
final figures only. `--pending` adds knowledge/safety_examples/pending/ to the pool.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Dict, FrozenSet, List, Optional, Sequence

from sklearn.model_selection import StratifiedKFold

from knowledge.safety import EXAMPLES_DIR, NEAR_MISS, SafetyExample, TriageLevel, load_safety_examples
from nlu.triage import TriageVerdict, get_detector
from nlu.triage_model import TriageModel, combine, ordinary_messages

ALARM = {TriageLevel.crisis.value, TriageLevel.emergency.value}


@dataclass
class Opinion:
    rules: Optional[TriageVerdict]
    probabilities: Dict[str, float]  # the held-out fold's classifier: P(category) per alarm category, P(urgent)
    words: int
    harmless: FrozenSet[str]  # categories whose words the rules found and dismissed


def _caught(example: SafetyExample, verdict: Optional[TriageVerdict]) -> bool:
    if verdict is None:
        return False
    if example.level == TriageLevel.urgent.value:
        return True  # urgent or anything more urgent
    return verdict.level.value in ALARM


def fold_opinions(examples: Sequence[SafetyExample], folds: int, seed: int = 0) -> List[Opinion]:
    """The rules' verdict and, for each example, the probabilities of a classifier
    trained on the other folds."""
    detector = get_detector()
    ordinary = ordinary_messages()
    normalized = [detector.normalize(e.text) for e in examples]
    opinions: List[Opinion] = []
    for example, text in zip(examples, normalized):
        rules, harmless = detector.assess(example.text)
        opinions.append(Opinion(rules, {}, len(text.split()), harmless))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(normalized, [e.category for e in examples]):
        model = TriageModel.fit([examples[i] for i in train], detector.taxonomy, detector.normalize, ordinary)
        for i in test:
            opinions[i].probabilities.update(model.probabilities(normalized[i]))
    return opinions


def score(
    examples: Sequence[SafetyExample],
    opinions: Sequence[Opinion],
    flag_at: float,
    veto_below: float,
    flag_dismissed_at: Optional[float] = None,
    flag_crisis_at: Optional[float] = None,
    flag_dismissed_crisis_at: Optional[float] = None,
    crisis_over_emergency_at: Optional[float] = None,
    urgent_veto_below: Optional[float] = None,
) -> Dict[str, Any]:
    taxonomy = get_detector().taxonomy.copy(deep=True)
    taxonomy.second_opinion.flag_at = flag_at
    taxonomy.second_opinion.veto_below = veto_below
    if flag_dismissed_at is not None:
        taxonomy.second_opinion.flag_dismissed_at = flag_dismissed_at
    if flag_crisis_at is not None:
        taxonomy.second_opinion.flag_crisis_at = flag_crisis_at
    if flag_dismissed_crisis_at is not None:
        taxonomy.second_opinion.flag_dismissed_crisis_at = flag_dismissed_crisis_at
    if crisis_over_emergency_at is not None:
        taxonomy.second_opinion.crisis_over_emergency_at = crisis_over_emergency_at
    if urgent_veto_below is not None:
        taxonomy.second_opinion.urgent_veto_below = urgent_veto_below
    per_category: Dict[str, Dict[str, int]] = defaultdict(lambda: {"cases": 0, "caught": 0})
    false_positives, misses = [], []
    crisis_as_crisis = crises = 0
    for example, opinion in zip(examples, opinions):
        verdict = combine(opinion.rules, opinion.probabilities, taxonomy, opinion.words, opinion.harmless)
        row = per_category[example.category]
        row["cases"] += 1
        if example.category == NEAR_MISS:
            if verdict is not None:
                false_positives.append((example.text, verdict, opinion.rules))
            continue
        if example.level == TriageLevel.crisis.value:
            crises += 1
            crisis_as_crisis += int(verdict is not None and verdict.level == TriageLevel.crisis)
        if _caught(example, verdict):
            row["caught"] += 1
        else:
            misses.append((example, verdict, opinion.rules))
    near = per_category[NEAR_MISS]["cases"]
    return {
        "per_category": dict(sorted(per_category.items())),
        "false_positives": false_positives,
        "misses": misses,
        "false_positive_rate": len(false_positives) / near if near else 0.0,
        # a crisis caught as an emergency is caught, but its reply lacks the crisis lines
        "crisis_reply_share": crisis_as_crisis / crises if crises else 0.0,
    }


def _print(report: Dict[str, Any], settings: str, show: bool) -> None:
    print(settings)
    for name, row in report["per_category"].items():
        if name != NEAR_MISS:
            print(f"  {name:<20}{row['cases']:>6}{row['caught'] / row['cases']:>8.1%}")
    fps = report["false_positives"]
    near = report["per_category"][NEAR_MISS]["cases"]
    rate = report["false_positive_rate"]
    print(f"  near misses: {near}, flagged {len(fps)} ({rate:.1%}); missed {len(report['misses'])}")
    print(f"  crises given the crisis reply: {report['crisis_reply_share']:.1%}")
    if show:
        for example, verdict, rule in report["misses"]:
            print(f"    MISS [{example.category} -> {verdict} rules {rule}] {example.text}")
        for text, verdict, rule in fps:
            print(f"    FP [{verdict.category} rules {rule.category if rule else None}] {text}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pending", action="store_true", help="add the examples kept out of training")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--flag-at", type=float, nargs="+", default=None, help="one value or several to compare")
    parser.add_argument("--veto-below", type=float, nargs="+", default=None, help="one value or several to compare")
    parser.add_argument(
        "--flag-dismissed-at", type=float, nargs="+", default=None, help="one value or several to compare"
    )
    parser.add_argument("--flag-crisis-at", type=float, nargs="+", default=None, help="one value or several to compare")
    parser.add_argument(
        "--flag-dismissed-crisis-at", type=float, nargs="+", default=None, help="one value or several to compare"
    )
    parser.add_argument(
        "--crisis-over-emergency-at", type=float, nargs="+", default=None, help="one value or several to compare"
    )
    parser.add_argument(
        "--urgent-veto-below", type=float, nargs="+", default=None, help="one value or several to compare"
    )
    parser.add_argument("--show", action="store_true", help="print the texts of misses and false positives")
    args = parser.parse_args()
    opinion = get_detector().taxonomy.second_opinion
    flag_values = args.flag_at or [opinion.flag_at]
    veto_values = args.veto_below or [opinion.veto_below]
    dismissed_values = args.flag_dismissed_at or [opinion.flag_dismissed_at]
    crisis_values = args.flag_crisis_at or [opinion.flag_crisis_at]
    dismissed_crisis_values = args.flag_dismissed_crisis_at or [opinion.flag_dismissed_crisis_at]
    over_values = args.crisis_over_emergency_at or [opinion.crisis_over_emergency_at]
    urgent_values = args.urgent_veto_below or [opinion.urgent_veto_below]
    examples = load_safety_examples()
    if args.pending:
        examples += load_safety_examples(EXAMPLES_DIR / "pending")
    opinions = fold_opinions(examples, args.folds)
    print(f"{len(examples)} examples, {args.folds} folds")
    for flag_at, veto_below, dismissed, crisis, dismissed_crisis, over, urgent in itertools.product(
        flag_values, veto_values, dismissed_values, crisis_values, dismissed_crisis_values, over_values, urgent_values
    ):
        report = score(examples, opinions, flag_at, veto_below, dismissed, crisis, dismissed_crisis, over, urgent)
        settings = (
            f"flag_at {flag_at}, veto_below {veto_below}, flag_dismissed_at {dismissed}, "
            f"flag_crisis_at {crisis}, flag_dismissed_crisis_at {dismissed_crisis}, "
            f"crisis_over_emergency_at {over}, urgent_veto_below {urgent}"
        )
        _print(report, settings, args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
