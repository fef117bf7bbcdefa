"""The safety gate's trained second opinion: its fast path gives the pipeline's own numbers."""

import pytest

from knowledge.safety import load_safety_examples
from nlu.triage import get_detector
from nlu.triage_model import TriageModel, ordinary_messages


@pytest.fixture(scope="module")
def model():
    # A few hundred examples: the same kind of model in seconds, not the full one's minute.
    detector = get_detector()
    examples = load_safety_examples()[::6]
    return TriageModel.fit(examples, detector.taxonomy, detector.normalize, ordinary_messages()[::10])


@pytest.mark.parametrize(
    "text",
    [
        "my son on crizotinib has a fever of 39.5 and is shivering",
        "i keep thinking about ending it",
        "what is the dose of crizotinib for a child?",
        "thanks!",
    ],
)
def test_alarm_probabilities_are_the_pipelines_own(model, text):
    normalized = get_detector().normalize(text)
    expected = dict(zip(model.pipeline.classes_, model.pipeline.predict_proba([normalized])[0]))
    got = model.alarm_probabilities(normalized)
    assert got and set(got) == set(model.alarm_labels)
    for label, probability in got.items():
        assert probability == pytest.approx(expected[label], abs=1e-12)
