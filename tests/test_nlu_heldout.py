"""NLU quality on the held-out split; thresholds fail the build when it regresses."""

from pathlib import Path

from bot.tools.evaluate_nlu import evaluate, load_held_out
from bot.tools.reports import RESULTS, save_report

ROOT = Path(__file__).resolve().parents[1]
HELD_OUT = ROOT / "tests" / "nlu"
MIN_INTENT_ACCURACY = 0.85
MIN_INTENT_MACRO_F1 = 0.85
MIN_ENTITY_F1 = 0.95
# This split's writers annotated a gene named without a status as a biomarker with no role.
WRITTEN_AS = {"gene": "biomarker"}


def test_held_out_split_is_never_trained_on():
    from rasa.shared.nlu.training_data.loading import load_data

    train = {m.get("text").strip().lower() for m in load_data(str(ROOT / "nlu" / "data")).intent_examples}
    overlap = [e["text"] for e in load_held_out(HELD_OUT) if e["text"].strip().lower() in train]
    assert not overlap


def test_nlu_meets_thresholds_on_held_out_split(stack):
    report = evaluate(stack.rasa_url, load_held_out(HELD_OUT), token=stack.api_token, written_as=WRITTEN_AS)
    save_report(report, RESULTS / "nlu_eval.json")
    print(
        f"\nheld-out NLU: accuracy {report['intent_accuracy']:.3f}, macro-F1 {report['intent_macro_f1']:.3f}, "
        f"entity F1 {report['entity_f1']:.3f} over {report['examples']} examples"
    )
    assert report["examples"] >= 150
    assert report["intent_accuracy"] >= MIN_INTENT_ACCURACY
    assert report["intent_macro_f1"] >= MIN_INTENT_MACRO_F1
    assert report["entity_f1"] >= MIN_ENTITY_F1
