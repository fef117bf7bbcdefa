"""Retrieval: the ranker puts the entry that answers a question first.

tests/retrieval/dev.yml chose the ranker's signals and weights; heldout.yml, written by
the same writer from the entries' titles and claims (never their question lists), was
measured once the weights were fixed and is never tuned on.

    make eval-retrieval    (the same figures, printed, with the method comparison)
"""

from pathlib import Path

import pytest

from bot.tools.evaluate_retrieval import evaluate, load_items
from knowledge.ranker import EntryRanker

RETRIEVAL = Path(__file__).resolve().parent / "retrieval"
# The bar (issue 9): top-1 >= 0.90 and top-3 >= 0.97 overall, top-1 >= 0.85 per topic.
MIN_TOP1, MIN_TOP3, MIN_TOPIC_TOP1 = 0.90, 0.97, 0.85
# Without the trained NLU (rules for entities, no topic confidence) diagnosis falls short,
# at its measured level (2026-11-29) so that it can only improve; through the real NLU
# (the e2e test below) every topic must meet the bar.
TOPIC_SHORTFALLS_WITHOUT_NLU = {"diagnosis": 0.81}


@pytest.fixture(scope="module")
def ranker(kb):
    return EntryRanker(kb)


def test_the_set_covers_every_entry_in_both_parts(kb):
    for part in ("dev.yml", "heldout.yml"):
        firsts = {item["gold"][0] for item in load_items([RETRIEVAL / part])}
        assert firsts == {e.id for e in kb.entries}, part
    items = load_items([RETRIEVAL / "dev.yml", RETRIEVAL / "heldout.yml"])
    assert len(items) >= 400 and sum(1 for i in items if i.get("context")) >= 80


def _assert_figures(figures, part, shortfalls):
    print(
        f"\nretrieval on {part}: "
        + ", ".join(f"{k} {v['top1_acc']:.3f}/{v['top3_acc']:.3f}" for k, v in figures.items())
    )
    overall = figures.pop("all")
    assert overall["top1_acc"] >= MIN_TOP1 and overall["top3_acc"] >= MIN_TOP3, overall
    for topic, row in figures.items():
        floor = min(MIN_TOPIC_TOP1, shortfalls.get(topic, MIN_TOPIC_TOP1))
        assert row["top1_acc"] >= floor, f"{part} {topic}: top-1 {row['top1_acc']:.3f}"


def test_the_answering_entry_is_ranked_first_without_the_nlu(ranker):
    figures = evaluate(ranker, load_items([RETRIEVAL / "heldout.yml"]))["figures"]
    _assert_figures(figures, "heldout.yml (rules only)", TOPIC_SHORTFALLS_WITHOUT_NLU)


def test_the_answering_entry_is_ranked_first_through_the_real_nlu(ranker, stack):
    items = load_items([RETRIEVAL / "heldout.yml"])
    figures = evaluate(ranker, items, url=stack.rasa_url, token=stack.api_token)["figures"]
    _assert_figures(figures, "heldout.yml (trained NLU)", {})
