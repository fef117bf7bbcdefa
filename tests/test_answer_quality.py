"""Answer-quality suite through the real REST API, asserted per case.

Each case needs an answer with every required fact, citations and the disclaimer. Cases
listed in known_failures.yml are strict xfails: the list may only shrink.
"""

from pathlib import Path

import pytest
import yaml

from bot.tools.answer_quality import load_cases, passed, run_cases, summarize
from bot.tools.reports import RESULTS, save_report

HERE = Path(__file__).resolve().parent / "answer_quality"
CASES = load_cases(HERE / "cases.yml")
# heldout.yml: 187 cases by another writer, never read case by case nor tuned on, so it is
# judged as a whole. Measured on 2026-11-29: 159 of 187 pass (85.0%); after the claim-level
# ranker 156 (83.4%); with the retrained NLU and the scope check 152 (81.3%); with the scope
# gate answering what the classifier sent away 153 (81.8%); with follow-ups that keep their
# context 154 (82.4%); with the classifier learning the entries' questions 162 (86.6%); with
# 8 more questions per entry 161 (86.1%) and, retrained, 165 (88.2%, 2026-11-30); with the
# entry classifier among the ranker's signals, set-aside words and the scope gate's follow-ups
# and false beliefs 169 (90.4%, third session of 2026-11-30); with follow-ups that name a new
# drug and unsure questions that name IMT terms 170 (90.9%, fourth session). The bar is 95%.
HELD_OUT = load_cases(HERE / "heldout.yml")
MIN_HELD_OUT_PASSING = 0.885  # four cases of slack below 90.9%
KNOWN_FAILURES = yaml.safe_load((HERE / "known_failures.yml").read_text(encoding="utf-8"))["known_failures"]


def test_cases_cover_every_topic_with_caveats_and_false_premises():
    assert len(CASES) >= 120
    assert {c["topic"] for c in CASES} == {"overview", "diagnosis", "treatment", "dosing", "side_effects", "prognosis"}
    assert sum(1 for c in CASES if c.get("false_premise")) >= 10
    assert all(c["required"] for c in CASES)
    assert set(KNOWN_FAILURES) <= {c["id"] for c in CASES}, "a known failure names no case"
    # The bar is at most 5% of the cases (issue 9): 22 of 459; 17 fail today (see the list).
    assert len(KNOWN_FAILURES) <= 17


@pytest.fixture(scope="module")
def results(stack):
    by_id = {r["id"]: r for r in run_cases(stack.rasa_url, CASES)}
    report = summarize(list(by_id.values()))
    save_report(report, RESULTS / "answer_quality.json")
    print("\nanswer quality per topic (facts / cited / disclaimer):")
    for topic, row in report["per_topic"].items():
        shares = f"{row['facts_ok']:.0%} / {row['cited']:.0%} / {row['disclaimer']:.0%}"
        print(f"  {topic:<13} {row['cases']:>3} cases  {shares}")
    return by_id


@pytest.mark.parametrize(
    "case_id",
    [
        pytest.param(c["id"], marks=pytest.mark.xfail(reason=KNOWN_FAILURES[c["id"]], strict=True))
        if c["id"] in KNOWN_FAILURES
        else c["id"]
        for c in CASES
    ],
)
def test_answer_has_the_required_facts_citations_and_disclaimer(results, case_id):
    result = results[case_id]
    assert passed(result), result


def test_the_held_out_part_passes_at_least_as_measured(stack):
    results = run_cases(stack.rasa_url, HELD_OUT)
    report = summarize(results)
    save_report(report, RESULTS / "answer_quality_heldout.json")
    passing = sum(1 for r in results if passed(r)) / len(results)
    print(f"\nheld-out answer quality: {passing:.1%} of {len(results)} cases pass")
    assert len(HELD_OUT) >= 120
    assert passing >= MIN_HELD_OUT_PASSING
