"""Answer-quality suite through the real REST API: facts, citations and disclaimer per topic."""
from bot.tools.answer_quality import evaluate, load_cases
from bot.tools.reports import RESULTS, save_report

MIN_FACTS, MIN_CITED, MIN_DISCLAIMER = 0.95, 1.0, 1.0


def test_cases_cover_every_topic_with_caveats_and_false_premises():
    cases = load_cases()
    assert len(cases) >= 120
    topics = {c["topic"] for c in cases}
    assert topics == {"overview", "diagnosis", "treatment", "dosing", "side_effects", "prognosis"}
    assert sum(1 for c in cases if c.get("false_premise")) >= 10
    assert all(c["required"] for c in cases)


def test_answer_quality_per_topic(stack):
    report = evaluate(stack.rasa_url, load_cases())
    save_report(report, RESULTS / "answer_quality.json")
    print("\nanswer quality per topic (facts / cited / disclaimer):")
    for topic, row in report["per_topic"].items():
        print(f"  {topic:<13} {row['cases']:>3} cases  {row['facts_ok']:.0%} / {row['cited']:.0%} / {row['disclaimer']:.0%}")
    below = {topic: row for topic, row in report["per_topic"].items()
             if row["facts_ok"] < MIN_FACTS or row["cited"] < MIN_CITED or row["disclaimer"] < MIN_DISCLAIMER}
    assert not below, (below, report["failures"])
