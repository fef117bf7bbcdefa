"""The safety gate's trained second opinion: its fast path gives the pipeline's own numbers."""

import pytest

from knowledge.safety import NEAR_MISS, TEACHING_FRAME, TriageLevel, load_safety_examples
from nlu.triage import TriageVerdict, get_detector
from nlu.triage_model import ORDINARY_LABEL, URGENT_LABEL, TriageModel, combine, mark_negated, ordinary_messages


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
def test_probabilities_are_the_pipelines_own(model, text):
    normalized = get_detector().normalize(text)
    expected = dict(zip(model.pipeline.classes_, model.pipeline.predict_proba([normalized])[0]))
    got = model.probabilities(normalized)
    assert got and set(got) == {*model.alarm_labels, URGENT_LABEL}
    for label, probability in got.items():
        assert probability == pytest.approx(expected[label], abs=1e-12)


@pytest.mark.parametrize(
    "text, category",
    [
        # Over now, said so, nothing of the present in the match's clause: not an emergency now.
        ("he fainted in the shower yesterday evening, he's fine now. should i tell his team?", None),
        ("her lips looked a bit blue after the cold pool but within minutes she was pink and chatty", None),
        # A poisoning is one even when the child seems fine; a fever may be masked by paracetamol.
        ("my toddler swallowed two of my crizotinib capsules but he seems fine now", "overdose_poisoning"),
        ("my son has a temperature of 39.1, gave him calpol and he is fine now", "fever"),
        # "fine now but still ...", "fine otherwise": not over after all.
        ("he had a seizure, he is fine now but still very drowsy and confused", "neurological"),
        ("she fainted twice this morning, fine now otherwise", "neurological"),
    ],
)
def test_an_emergency_said_to_be_over_is_dismissed_only_when_it_is(text, category):
    verdict = get_detector().classify(text)
    assert (verdict.category if verdict else None) == category, get_detector().explain(text)


def test_a_rule_match_in_the_present_is_never_vetoed():
    detector = get_detector()
    taxonomy = detector.taxonomy
    present = detector.classify("passing melaena since this morning, 3 times now, dizzy when I stand")
    assert present is not None and present.now
    # The classifier may not know "melaena": even at probability 0 the rules' emergency stands.
    assert combine(present, {"bleeding": 0.0}, taxonomy, words=12) == present
    undated = TriageVerdict(present.level, present.category, now=False)
    assert combine(undated, {"bleeding": 0.0}, taxonomy, words=12) is None


def test_a_vetoed_emergency_leaves_the_urgent_words_the_rules_also_found():
    detector = get_detector()
    taxonomy = detector.taxonomy
    flashes = "getting little flashes at the side of my vision whenever the room goes dark, on crizotinib"
    verdict = detector.classify(flashes)
    assert verdict is not None and verdict.urgent_too == "urgent_vision", verdict
    undated = TriageVerdict(TriageLevel.emergency, "vision_loss", now=False, urgent_too="urgent_vision")
    bar = taxonomy.second_opinion.urgent_veto_below
    # Too unlikely to be sight lost, likely enough to be worth a call today.
    assert combine(undated, {"vision_loss": 0.0, "urgent": bar}, taxonomy, words=14) == TriageVerdict(
        TriageLevel.urgent, "urgent_vision"
    )
    assert combine(undated, {"vision_loss": 0.0, "urgent": 0.0}, taxonomy, words=14) is None
    alone = TriageVerdict(TriageLevel.emergency, "vision_loss", now=False)
    assert combine(alone, {"vision_loss": 0.0, "urgent": bar}, taxonomy, words=14) is None


def test_words_the_rules_dismissed_need_more_confidence_to_flag():
    detector = get_detector()
    taxonomy = detector.taxonomy.copy(deep=True)
    taxonomy.second_opinion.flag_at, taxonomy.second_opinion.flag_dismissed_at = 0.7, 0.9
    verdict, harmless = detector.assess("what if her throat swells up after the first dose, how would i know")
    assert verdict is None and "allergic_reaction" in harmless
    unsure = {"allergic_reaction": 0.85}
    assert combine(None, unsure, taxonomy, words=14, harmless=harmless) is None
    assert combine(None, unsure, taxonomy, words=14) is not None  # words the rules never saw
    sure = {"allergic_reaction": 0.95}
    assert combine(None, sure, taxonomy, words=14, harmless=harmless) is not None
    # A crisis has its own bar: "I'm not going to hurt myself, I just want to know ...".
    taxonomy.second_opinion.flag_dismissed_crisis_at = 0.8
    dismissed_crisis = frozenset({"self_harm"})
    assert combine(None, {"self_harm": 0.75}, taxonomy, words=14, harmless=dismissed_crisis) is None
    assert combine(None, {"self_harm": 0.85}, taxonomy, words=14, harmless=dismissed_crisis) is not None
    assert combine(None, {"self_harm": 0.75}, taxonomy, words=14) is not None  # words the rules never saw


def test_in_a_teaching_frame_the_classifier_raises_no_emergency_but_may_raise_a_crisis():
    detector = get_detector()
    taxonomy = detector.taxonomy
    verdict, harmless = detector.assess("USMLE style: 60F on crizotinib with crushing chest pain, next step?")
    assert verdict is None and TEACHING_FRAME in harmless
    assert combine(None, {"chest_pain": 0.99}, taxonomy, words=12, harmless=harmless) is None
    assert combine(None, {"breathing": 0.99}, taxonomy, words=12, harmless=harmless) is None  # any emergency
    crisis = combine(None, {"self_harm": 0.99}, taxonomy, words=12, harmless=harmless)
    assert crisis is not None and crisis.level == TriageLevel.crisis
    # Without the frame the same words are the classifier's to flag.
    assert TEACHING_FRAME not in detector.assess("60F on crizotinib with crushing chest pain, next step?")[1]


def test_the_nlu_questions_are_a_class_of_their_own_beside_the_near_misses(model):
    # As near misses, the growing question set would discount each labelled near miss under
    # balanced class weights; as their own class, the near misses keep their weight.
    classes = set(model.pipeline.classes_)
    assert {ORDINARY_LABEL, NEAR_MISS} <= classes
    assert ORDINARY_LABEL not in model.alarm_labels


def test_a_crisis_flags_at_its_own_lower_bar_and_an_emergency_does_not():
    taxonomy = get_detector().taxonomy.copy(deep=True)
    taxonomy.second_opinion.flag_at, taxonomy.second_opinion.flag_crisis_at = 0.7, 0.4
    crisis = combine(None, {"self_harm": 0.45, "bleeding": 0.05}, taxonomy, words=10)
    assert crisis is not None and (crisis.level, crisis.category) == (TriageLevel.crisis, "self_harm")
    assert combine(None, {"self_harm": 0.35}, taxonomy, words=10) is None
    assert combine(None, {"bleeding": 0.6}, taxonomy, words=10) is None  # emergencies keep flag_at
    assert combine(None, {"self_harm": 0.45}, taxonomy, words=2) is None  # too short to judge by words
    # Below flag_at, a crisis whose words the rules read as negated or reported needs its own bar.
    taxonomy.second_opinion.flag_dismissed_crisis_at = 0.6
    dismissed = frozenset({"self_harm"})
    assert combine(None, {"self_harm": 0.45}, taxonomy, words=10, harmless=dismissed) is None
    assert combine(None, {"self_harm": 0.65}, taxonomy, words=10, harmless=dismissed) is not None


def test_an_emergency_the_classifier_reads_as_self_harm_gets_the_crisis_reply():
    # "took a bunch of my mum's pills to see if I'd just not wake up": the rules see an
    # overdose; the crisis reply also gives the emergency number, and the crisis lines.
    taxonomy = get_detector().taxonomy.copy(deep=True)
    taxonomy.second_opinion.crisis_over_emergency_at = 0.5
    overdose = TriageVerdict(TriageLevel.emergency, "overdose_poisoning", now=True)
    crisis = combine(overdose, {"self_harm": 0.55, "overdose_poisoning": 0.3}, taxonomy, words=20)
    assert crisis is not None and (crisis.level, crisis.category) == (TriageLevel.crisis, "self_harm")
    # A child who swallowed capsules stays an overdose: the crisis probability is low.
    assert combine(overdose, {"self_harm": 0.2, "overdose_poisoning": 0.7}, taxonomy, words=20) == overdose
    # A vetoed emergency is not revived as a crisis below the bar.
    past = TriageVerdict(TriageLevel.emergency, "bleeding", now=False)
    assert combine(past, {"self_harm": 0.1}, taxonomy, words=20) is None


def test_a_model_learnt_once_is_loaded_for_the_same_texts_and_learnt_again_for_others(tmp_path, monkeypatch):
    detector = get_detector()
    examples = load_safety_examples()[::12]
    ordinary = ordinary_messages()[::20]
    first = TriageModel.fit_cached(examples, detector.taxonomy, detector.normalize, ordinary, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("*.joblib"))) == 1 and not list(tmp_path.glob("*.part"))

    # The same texts in another order (Rasa's importer lists them differently): no fit, the
    # very model saved, with the very same numbers.
    def no_fit(*args, **kwargs):
        raise AssertionError("fitted again")

    monkeypatch.setattr(TriageModel, "_fit", classmethod(no_fit))
    again = TriageModel.fit_cached(
        examples, detector.taxonomy, detector.normalize, list(reversed(ordinary)), cache_dir=tmp_path
    )
    text = detector.normalize("i keep thinking about ending it")
    assert again.probabilities(text) == first.probabilities(text)
    monkeypatch.undo()

    # One example more is another model; an unreadable file is learnt again, not trusted.
    TriageModel.fit_cached(examples[1:], detector.taxonomy, detector.normalize, ordinary, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("*.joblib"))) == 2
    for path in tmp_path.glob("*.joblib"):
        path.write_bytes(b"not a model")
    relearnt = TriageModel.fit_cached(examples, detector.taxonomy, detector.normalize, ordinary, cache_dir=tmp_path)
    assert relearnt.probabilities(text) == pytest.approx(first.probabilities(text), abs=1e-12)

    # Only the most recently used few are kept (about 15 MB each).
    import nlu.triage_model as triage_model

    monkeypatch.setattr(triage_model, "CACHE_KEEP", 2)
    kept = max(tmp_path.glob("*.joblib"), key=lambda path: path.stat().st_mtime)
    TriageModel.fit_cached(examples[2:], detector.taxonomy, detector.normalize, ordinary, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("*.joblib"))) == 2 and kept.exists()


@pytest.mark.parametrize(
    "text, category",
    [
        # A dose at another time or with the wrong food: a question for the team, no overdose.
        ("took my evening alectinib at 5pm instead of 8pm, is the gap to the morning ok?", None),
        ("I accidentally had my lorlatinib in the morning instead of the evening, what now", None),
        ("my mum took her tablet on an empty stomach by mistake, does it still work", None),
        # ...unless more was taken, the medicine was someone else's, or doses are counted.
        ("took my evening alectinib at 5pm instead of 8pm and then the 8pm one again", "overdose_poisoning"),
        ("took my dose at night by mistake, and my morning dose as well", "overdose_poisoning"),
        ("my toddler took my crizotinib at night by mistake, he found the box", "overdose_poisoning"),
        ("took my wife's lorlatinib in the evening instead of mine by mistake", "overdose_poisoning"),
        ("I took 3 of my capsules in the morning instead of the evening by mistake", "overdose_poisoning"),
    ],
)
def test_a_dose_at_the_wrong_time_is_not_an_overdose_unless_more_was_taken(text, category):
    verdict = get_detector().classify(text)
    assert (verdict.category if verdict else None) == category, get_detector().explain(text)


@pytest.mark.parametrize("level, category", [("none", "self_harm"), ("urgent", "urgent_vision"), ("none", "urgent")])
def test_an_example_filed_under_another_levels_category_is_rejected(level, category):
    # The category is the class the classifier learns: a near miss filed as "self_harm"
    # would teach it that the near miss's words are self-harm.
    from pydantic import ValidationError

    from knowledge.safety import SafetyExample

    with pytest.raises(ValidationError):
        SafetyExample(text="i could kill for a coffee", level=level, category=category)
    assert SafetyExample(text="i could kill for a coffee", level="none", category=NEAR_MISS).category == NEAR_MISS


@pytest.mark.parametrize(
    "text, category",
    [
        # Session 9, from dev23: plain words the rules did not know.
        ("2nd I've been weeing blood since this morning, proper red with clots", "bleeding"),
        (
            "my wife says I've been talking nonsense for the past hour and I can't work out what day it is",
            "neurological",
        ),
        ("i took 4 crizotinib insted of 1 cuz i misred the label, wat happens now", "overdose_poisoning"),
        # Someone outside the family, told in the past: their story, not the writer's emergency.
        (
            "My colleague's husband had a heart attack during chemo, chest pain and everything. Is heart risk a thing?",
            None,
        ),
        ("the neighbour's wife went yellow and confused and it was her liver, how would I know?", None),
        # ... unless it is happening now, it is the writer's own, or it is a poisoning.
        ("my friend's daughter is having a seizure in our kitchen, what do I do", "neurological"),
        ("my neighbour's toddler swallowed some of my crizotinib when they visited", "overdose_poisoning"),
        ("my friend's husband had a stroke last year and now I have crushing chest pain", "chest_pain"),
    ],
)
def test_plain_words_and_other_peoples_stories(text, category):
    verdict = get_detector().classify(text)
    assert (verdict.category if verdict else None) == category, get_detector().explain(text)


def test_just_had_is_now_and_cannot_be_vetoed():
    # "Just" before "had" means a moment ago, not "only": the seizure is happening now, so
    # the classifier's low probability does not veto it.
    text = "Just had a seizure for the first time ever, my partner saw it. Should I take my evening lorlatinib?"
    verdict = get_detector().classify(text)
    assert verdict is not None and verdict.category == "neurological" and verdict.now
    assert get_detector().classify("no chest pain just tired") is None


def test_an_urgent_rule_the_classifier_finds_ordinary_is_dropped_unless_now():
    taxonomy = get_detector().taxonomy
    bar = taxonomy.second_opinion.urgent_veto_below
    assert bar > 0
    undated = TriageVerdict(TriageLevel.urgent, "urgent_vision")
    assert combine(undated, {URGENT_LABEL: bar / 2}, taxonomy, words=14) is None
    assert combine(undated, {URGENT_LABEL: bar}, taxonomy, words=14) == undated
    assert combine(undated, {URGENT_LABEL: bar / 2, "fever": bar / 2}, taxonomy, words=14) == undated
    now = TriageVerdict(TriageLevel.urgent, "urgent_vision", now=True)
    assert combine(now, {}, taxonomy, words=14) == now


def test_negated_words_are_marked_for_the_classifier():
    negations = frozenset({"no", "not"})
    assert mark_negated("no chest pain, just tired", negations) == "no not_chest not_pain tired"
    assert mark_negated("i am not thinking about hurting myself", negations) == (
        "i am not not_thinking not_about not_hurting not_myself"
    )


def test_breathing_and_chest_pain_are_never_vetoed():
    taxonomy = get_detector().taxonomy
    assert {"breathing", "chest_pain"} <= set(taxonomy.second_opinion.never_vetoed)
    for category in ("breathing", "chest_pain"):
        undated = TriageVerdict(TriageLevel.emergency, category)
        assert combine(undated, {category: 0.0}, taxonomy, words=12) == undated
    bleeding = TriageVerdict(TriageLevel.emergency, "bleeding")
    assert combine(bleeding, {"bleeding": 0.0}, taxonomy, words=12) is None


def test_a_category_named_in_the_settings_must_exist():
    from pydantic import ValidationError

    from knowledge.safety import SafetyTaxonomy

    raw = get_detector().taxonomy.dict()
    raw["second_opinion"]["never_vetoed"] = ["breathlessness"]
    with pytest.raises(ValidationError, match="breathlessness is not a category"):
        SafetyTaxonomy.parse_obj(raw)
