"""Retrieval: the ranker puts the entry that answers a question first.

tests/retrieval/dev.yml chose the ranker's signals and weights; heldout.yml, written from
the entries' titles and claims (never their question lists; the items for the entries added
on 2026-11-30 by a second writer), is measured, never tuned on.

    make eval-retrieval    (the same figures, printed, with the method comparison)
"""

from pathlib import Path

import pytest

from bot.tools.evaluate_retrieval import evaluate, load_items
from knowledge.ranker import EntryRanker

RETRIEVAL = Path(__file__).resolve().parent / "retrieval"
# The bar (issue 9): top-1 >= 0.90 and top-3 >= 0.97 overall, top-1 >= 0.85 per topic. It
# was met through the trained NLU on 2026-11-29. The 39 entries added on 2026-11-30 (issue 11)
# share their themes with older ones (stopping a TKI, QTc rules and QTc side effects, limb
# surgery and limb outcome), and their 78 held-out items brought the figures below it. The
# floors sit just under what was measured then, so that they can only improve:
# rules only 0.870/0.971 overall, diagnosis 0.821, dosing 0.846, side effects 0.840;
# trained NLU 0.879/0.973 overall, diagnosis 0.839, dosing 0.846. Later that day the NLU
# learnt the entries' own questions (issue 10): trained NLU 0.897/0.973, every topic at least
# 0.85 (diagnosis 0.875, dosing 0.877, side effects 0.860); only overall top-1 misses the bar.
# Later still, context that keeps every named detail (a drug carries to the next dose or
# side-effect question), "specifically" and the like as stopwords, and the classifier
# trained for 12 epochs (issue 10): trained NLU 0.888/0.973 (diagnosis 0.857, side effects
# 0.860); rules only 0.867/0.971.
# On 2026-11-30 (second session) every entry gained 8 questions, written by writers who saw
# the entries and not the test sets, and a typo in an entry's question no longer stops the
# spelling correction: trained NLU 0.912/0.988, every topic at least 0.857; rules only
# 0.882/0.988 (diagnosis 0.839). A retraining for 9 reworded questions moved the trained NLU
# to 0.906/0.985 with diagnosis at 0.839 (47 of 56), one item under the bar: the trained NLU
# is held to the bar overall and in every topic but diagnosis. With the topic weight at 0.45:
# 0.906/0.988 (overview 0.925, treatment 0.906).
# Third session of 2026-11-30, the entry classifier among the signals (development top-1
# 0.918 -> 0.938): trained NLU 0.917/0.991 (diagnosis 0.821, dosing 0.908, overview 0.962,
# prognosis 0.961, side effects 0.920, treatment 0.938); rules only 0.900/0.994 (diagnosis
# 0.839, dosing 0.877). Overall up, but diagnosis lost an item through the NLU, so its floor
# came down on purpose from 0.83 to 0.82; the rules-only overall floor rose to 0.89.
# Fourth session: a follow-up that names a drug the question before did not keeps its own
# words. Trained NLU 0.914/0.991 (overview 0.943, one item fewer; the rest unchanged); rules
# only 0.900/0.994. A second development part (tests/retrieval/dev2.yml, 281 questions by a
# writer who saw titles and claims only) measured 0.910/0.980 before any change (diagnosis
# 0.882), 0.900/0.975 after (diagnosis 0.879) once 19 questions it shared with the other
# sets were removed.
# Twelfth session (2026-12-02): eleven diagnosis questions and one treatment question in the
# entries (the classes a sixth development part missed: EIMS's markers and patients, which
# ALK antibody, FISH for uterine IMT, NTRK tests, ROS1 partners), a parent's "my son" read as
# a child, and the classifier retrained with a sixteenth writer's messages: trained NLU
# 0.926/0.991 (diagnosis 0.857, dosing 0.908, overview 0.962, prognosis 0.961, side effects
# 0.960, treatment 0.922), the bar met in every topic, so the trained NLU is held to it;
# rules only 0.900/0.988 (diagnosis 0.857).
BAR_TOP1, BAR_TOP3, BAR_TOPIC_TOP1 = 0.90, 0.97, 0.85
FLOORS = {
    "rules only": {"all": (0.89, 0.98), "diagnosis": 0.83},
    "trained NLU": {},
    # The four development parts together (1,165 questions; dev4.yml, 240 questions by a
    # writer who saw titles and claims only, measured 0.921/0.996 through the NLU before use,
    # diagnosis 0.914 of 140), rules only on 2026-12-01: 0.906/0.979, diagnosis 0.895.
    # With dev5.yml (292 questions by a fifth such writer, 2026-12-02: 0.937/0.993 through
    # the NLU before use, diagnosis 0.936 of 110), rules only: 0.909/0.982, diagnosis 0.903.
    # With dev6.yml (257 questions by a sixth such writer, half on diagnosis, 2026-12-02:
    # 0.935/0.988 through the NLU before use, diagnosis 0.900 of 130), rules only:
    # 0.915/0.984, diagnosis 0.910.
    "development, rules only": {"all": (0.90, 0.975), "diagnosis": 0.89},
}
DEVELOPMENT_PARTS = ("dev.yml", "dev2.yml", "dev3.yml", "dev4.yml", "dev5.yml", "dev6.yml")


@pytest.fixture(scope="module")
def ranker(kb):
    return EntryRanker(kb)


def test_the_set_covers_every_entry_in_both_parts(kb):
    for part in ("dev.yml", "heldout.yml"):
        firsts = {item["gold"][0] for item in load_items([RETRIEVAL / part])}
        assert firsts == {e.id for e in kb.entries}, part
    items = load_items([RETRIEVAL / "dev.yml", RETRIEVAL / "heldout.yml"])
    assert len(items) >= 400 and sum(1 for i in items if i.get("context")) >= 80


def _assert_figures(figures, part, floors):
    print(
        f"\nretrieval on {part}: "
        + ", ".join(f"{k} {v['top1_acc']:.3f}/{v['top3_acc']:.3f}" for k, v in figures.items())
    )
    overall = figures.pop("all")
    top1_floor, top3_floor = floors.get("all", (BAR_TOP1, BAR_TOP3))
    assert overall["top1_acc"] >= top1_floor and overall["top3_acc"] >= top3_floor, overall
    for topic, row in figures.items():
        floor = floors.get(topic, BAR_TOPIC_TOP1)
        assert row["top1_acc"] >= floor, f"{part} {topic}: top-1 {row['top1_acc']:.3f}"


def test_the_answering_entry_is_ranked_first_without_the_nlu(ranker):
    figures = evaluate(ranker, load_items([RETRIEVAL / "heldout.yml"]))["figures"]
    _assert_figures(figures, "heldout.yml (rules only)", FLOORS["rules only"])


def test_the_development_parts_keep_their_figures(ranker):
    figures = evaluate(ranker, load_items([RETRIEVAL / part for part in DEVELOPMENT_PARTS]))["figures"]
    _assert_figures(figures, "development parts (rules only)", FLOORS["development, rules only"])


def test_the_answering_entry_is_ranked_first_through_the_real_nlu(ranker, stack):
    items = load_items([RETRIEVAL / "heldout.yml"])
    figures = evaluate(ranker, items, url=stack.rasa_url, token=stack.api_token)["figures"]
    _assert_figures(figures, "heldout.yml (trained NLU)", FLOORS["trained NLU"])
