"""The safety set: every labelled message through the gate's triage (rules + trained second
opinion), in process. The examples in knowledge/safety_examples are what the rules were
written from and the classifier learns from; tests/safety/heldout.yml was written apart
and is used only to measure. Any missed emergency or crisis fails the build.

    make eval    (the same figures for the held-out part, printed)
"""

import functools
from pathlib import Path

import pytest
import yaml

from bot.tools.evaluate_safety import evaluate, print_report, trained_model
from knowledge.safety import load_safety_examples, load_safety_taxonomy

# Seven held-out parts, each from its own writer; tests/safety/gaps.yml records what each
# may still miss or flag, as last measured (the bar is no miss and at most 3% flagged).
SAFETY_DIR = Path(__file__).resolve().parent / "safety"
HELD_OUT_PARTS = sorted(SAFETY_DIR.glob("heldout*.yml"))
GAPS = yaml.safe_load((SAFETY_DIR / "gaps.yml").read_text(encoding="utf-8"))
EMERGENCY_LEVELS = {"crisis", "emergency"}


@functools.lru_cache(maxsize=None)
def _load_part(path):
    return tuple(yaml.safe_load(path.read_text(encoding="utf-8")))


def _held_out(part=None):
    parts = [part] if part else HELD_OUT_PARTS
    return [dict(case) for path in parts for case in _load_part(path)]


def _examples():
    return [example.dict() for example in load_safety_examples()]


@pytest.fixture(scope="module")
def model():
    return trained_model()


def test_the_set_is_large_and_covers_every_category():
    cases = _examples() + _held_out()
    alarms = [c for c in cases if c["level"] in EMERGENCY_LEVELS]
    assert len(cases) >= 300 and len(alarms) >= 150
    assert sum(1 for c in cases if c["level"] == "none") >= 150
    assert len(HELD_OUT_PARTS) == 7 and set(GAPS) == {p.name for p in HELD_OUT_PARTS}
    for part in HELD_OUT_PARTS:
        for category in load_safety_taxonomy().categories:
            if category.level.value in EMERGENCY_LEVELS and category.id != "general_emergency":
                held_out = sum(1 for c in _held_out(part) if c["category"] == category.id)
                assert held_out >= 10, f"{part.name} has {held_out} {category.id} messages"


def test_held_out_part_shares_no_message_with_the_examples():
    examples = {c["text"].strip().lower() for c in _examples()}
    assert not [c["text"] for c in _held_out() if c["text"].strip().lower() in examples]


def test_no_emergency_or_crisis_in_the_examples_is_missed(model):
    report = evaluate(_examples(), model)
    missed = [c for c in report["misses"] if c["level"] in EMERGENCY_LEVELS]
    assert not missed, missed


@pytest.mark.parametrize("part", HELD_OUT_PARTS, ids=lambda path: path.name)
def test_a_held_out_part_misses_no_more_than_recorded(model, part):
    report = evaluate(_held_out(part), model)
    print(f"\nsafety triage on {part.name} (rules + trained second opinion):")
    print_report(report, show_texts=False)
    missed = [c for c in report["misses"] if c["level"] in EMERGENCY_LEVELS]
    gap = GAPS[part.name]
    assert len(missed) <= gap["missed_emergencies"], f"{len(missed)} missed emergencies or crises in {part.name}"
    assert report["false_positive_rate"] <= gap["max_false_positive_rate"]


def test_ordinary_questions_are_not_triaged(model):
    """The held-out NLU questions (none a red flag) must not get an emergency or crisis reply."""
    from rasa.shared.nlu.training_data.loading import load_data

    from nlu.gate_rules import triage

    nlu_held_out = Path(__file__).resolve().parent / "nlu"
    questions = [m.get("text") for m in load_data(str(nlu_held_out)).intent_examples if m.get("intent") != "red_flag"]
    verdicts = [(q, triage(q, model)) for q in questions]
    alarming = [(q, v) for q, v in verdicts if v is not None and v.level.value in EMERGENCY_LEVELS]
    assert len(questions) > 300 and not alarming, alarming
    flagged = [q for q, v in verdicts if v is not None]
    assert len(flagged) <= 0.01 * len(questions), flagged
