"""The trained second opinion for safety triage.

A linear classifier over word and character n-grams, learnt from the labelled examples in
knowledge/safety_examples at `rasa train` time (InputGuard persists it with the model). It
catches emergencies the rules missed, phrased in words no rule names, and vetoes a rule's
emergency that looks nothing like one. The rules stay first; a crisis is never vetoed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, FrozenSet, List, Optional, Sequence, Tuple

import joblib
import numpy as np
import sklearn
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline, make_union

from knowledge.safety import (
    NEAR_MISS,
    TEACHING_FRAME,
    TRIAGE_INTENT,
    SafetyExample,
    SafetyTaxonomy,
    SecondOpinion,
    TriageLevel,
    load_safety_examples,
)
from nlu.triage import TriageVerdict, get_detector

ALARM_LEVELS = {TriageLevel.crisis, TriageLevel.emergency}
NLU_DATA = Path(__file__).resolve().parent / "data"
# Trained models by the hash of what they learnt from: the unit tier and `rasa train` learn
# the same one (40 s each), so the second loads it. Not in git (var/ is ignored).
CACHE_DIR = Path(__file__).resolve().parents[1] / "var" / "cache" / "triage"
CACHE_KEEP = 4
URGENT_LABEL = "urgent"  # examples label every urgent message with this one category
# The NLU's questions are a class of their own beside the labelled near misses: balanced
# class weights would otherwise weigh each near miss less as the questions grow in number
# (the entries' 1,024 new questions made "who am i talking to right now" neurological).
ORDINARY_LABEL = "ordinary"


# How far a negation reaches ("not thinking about hurting myself"): this many words, or to the
# end of the clause.
NEGATION_REACH = 6
_WORDS = re.compile(r"[a-z0-9']+|[,.;:!?()]")
_CLAUSE_END = frozenset(", . ; : ! ? ( ) but however though although just except apart".split())


def mark_negated(text: str, negations: FrozenSet[str]) -> str:
    """The words a negation governs, marked ("no chest pain" -> "no not_chest not_pain"), so
    that the word features tell "I'm not thinking about hurting myself" from its opposite.
    Cross-validated on the examples: 5 fewer near misses flagged of 182, the same recall."""
    marked: List[str] = []
    reach = 0
    for word in _WORDS.findall(text.lower()):
        if word in _CLAUSE_END:
            reach = 0
        elif word in negations:
            reach = NEGATION_REACH
            marked.append(word)
        else:
            marked.append(f"not_{word}" if reach else word)
            reach = max(reach - 1, 0)
    return " ".join(marked)


def _pipeline(negations: FrozenSet[str]) -> Pipeline:
    words = TfidfVectorizer(
        ngram_range=(1, 2), sublinear_tf=True, preprocessor=functools.partial(mark_negated, negations=negations)
    )
    features = make_union(
        words,
        TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True),
    )
    # Balanced classes: an emergency category has a tenth of the examples near misses have.
    return make_pipeline(features, LogisticRegression(C=10, max_iter=2000, class_weight="balanced"))


@dataclass
class TriageModel:
    pipeline: Pipeline
    alarm_labels: List[str]  # the classes that are a crisis or emergency category

    @classmethod
    def fit(
        cls,
        examples: Sequence[SafetyExample],
        taxonomy: SafetyTaxonomy,
        normalize: Callable[[str], str],
        ordinary: Sequence[str] = (),
    ) -> TriageModel:
        """Learn from the labelled examples, and from `ordinary` messages (the NLU training
        questions, none an emergency) so that "and for adults?" looks like nothing alarming."""
        texts, labels = _training_set(examples, normalize, ordinary)
        return cls._fit(texts, labels, taxonomy)

    @classmethod
    def _fit(cls, texts: List[str], labels: List[str], taxonomy: SafetyTaxonomy) -> TriageModel:
        negations = frozenset(word for word in taxonomy.context.negations if " " not in word)
        pipeline = _pipeline(negations).fit(texts, labels)
        classifier = pipeline.steps[-1][1]
        # Column-major, so that a message's scores (features @ coef_.T) read the coefficients
        # in place: row-major, scipy copied all of them for every message (1.6 ms of 11).
        classifier.coef_ = np.asfortranarray(classifier.coef_)
        alarm = [label for label in pipeline.classes_ if taxonomy.level_of(label) in ALARM_LEVELS]
        return cls(pipeline, alarm)

    @classmethod
    def fit_cached(
        cls,
        examples: Sequence[SafetyExample],
        taxonomy: SafetyTaxonomy,
        normalize: Callable[[str], str],
        ordinary: Sequence[str] = (),
        cache_dir: Path = CACHE_DIR,
    ) -> TriageModel:
        """`fit`, or the model an earlier fit on the very same texts and labels saved."""
        texts, labels = _training_set(examples, normalize, ordinary)
        path = cache_dir / f"{_fingerprint(texts, labels, taxonomy)}.joblib"
        try:
            model = cls.load(path)
            os.utime(path)  # recently used: kept by the pruning below
            return model
        except Exception:  # missing, or unreadable: learn it again
            model = cls._fit(texts, labels, taxonomy)
        cache_dir.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: parallel test workers and `rasa train` may race.
        handle, temporary = tempfile.mkstemp(dir=cache_dir, suffix=".part")
        os.close(handle)
        model.save(Path(temporary))
        os.replace(temporary, path)
        # About 15 MB each, one per set of examples: keep the few most recently used. Best
        # effort: another process may be pruning the same files.
        try:
            for stale in sorted(cache_dir.glob("*.joblib"), key=lambda p: p.stat().st_mtime)[:-CACHE_KEEP]:
                stale.unlink(missing_ok=True)
        except OSError:
            pass
        return model

    def probabilities(self, normalized_text: str) -> Dict[str, float]:
        """P(category) for each crisis or emergency category, and P(urgent)."""
        # The pipeline's own steps, called directly: FeatureUnion.transform goes through
        # joblib even for one text, a quarter of the time of this call. Same numbers.
        union, classifier = self.pipeline.steps[0][1], self.pipeline.steps[-1][1]
        features = sparse.hstack([vectorizer.transform([normalized_text]) for _, vectorizer in union.transformer_list])
        probabilities = classifier.predict_proba(features.tocsr())[0]
        return {
            label: float(p)
            for label, p in zip(self.pipeline.classes_, probabilities)
            if label in self.alarm_labels or label == URGENT_LABEL
        }

    def save(self, path: Path) -> None:
        joblib.dump(self, path)

    @staticmethod
    def load(path: Path) -> TriageModel:
        model = joblib.load(path)
        if not isinstance(model, TriageModel):
            raise TypeError(f"{path} does not hold a TriageModel")
        return model


def _training_set(
    examples: Sequence[SafetyExample], normalize: Callable[[str], str], ordinary: Sequence[str]
) -> Tuple[List[str], List[str]]:
    # Sorted: Rasa's importer and load_data list the same questions in different orders, and
    # the same order makes the same model (and the same cache entry) from either.
    texts = [normalize(e.text) for e in examples] + [normalize(text) for text in sorted(ordinary)]
    labels = [e.category if e.level != "urgent" else URGENT_LABEL for e in examples]
    return texts, labels + [ORDINARY_LABEL] * len(ordinary)


def _fingerprint(texts: List[str], labels: List[str], taxonomy: SafetyTaxonomy) -> str:
    """What the model depends on: its texts and labels, the levels (which classes alarm),
    this module's code (the pipeline's settings) and scikit-learn's version."""
    digest = hashlib.sha256()
    levels = {label: str(taxonomy.level_of(label)) for label in set(labels)}
    digest.update(json.dumps([texts, labels, levels], sort_keys=True).encode())
    digest.update(Path(__file__).read_bytes())
    digest.update(sklearn.__version__.encode())
    return digest.hexdigest()[:32]


def ordinary_messages(training_data: Optional[TrainingData] = None) -> List[str]:
    """The NLU training questions that are not red flags (Rasa's own training data when
    given, else nlu/data)."""
    if training_data is None:
        training_data = load_data(str(NLU_DATA))
    return [m.get(TEXT) for m in training_data.intent_examples if m.get(INTENT) != TRIAGE_INTENT and m.get(TEXT)]


def train_triage_model(training_data: Optional[TrainingData] = None) -> TriageModel:
    """The second opinion as `rasa train` builds it (InputGuard) and the evaluator measures it."""
    detector = get_detector()
    return TriageModel.fit_cached(
        load_safety_examples(), detector.taxonomy, detector.normalize, ordinary_messages(training_data)
    )


def combine(
    rules: Optional[TriageVerdict],
    probabilities: Dict[str, float],
    taxonomy: SafetyTaxonomy,
    words: int,
    harmless: FrozenSet[str] = frozenset(),
) -> Optional[TriageVerdict]:
    """The rules' verdict, corrected by the classifier's probabilities (`probabilities`: per
    crisis or emergency category, and for the urgent class; `words`: the message's length in
    words; `harmless`: the categories whose words the rules found and judged harmless in
    context)."""
    opinion = taxonomy.second_opinion
    alarm = {label: p for label, p in probabilities.items() if taxonomy.level_of(label) in ALARM_LEVELS}
    p_alarm = sum(alarm.values())
    # "floaters since my twenties, the optician checked them": an urgent rule's words that
    # the classifier reads as neither urgent nor alarming are not worth a call today.
    p_urgent = probabilities.get(URGENT_LABEL, 0.0)
    if (
        rules is not None
        and rules.level == TriageLevel.urgent
        and not rules.now
        and p_alarm + p_urgent < opinion.urgent_veto_below
    ):
        rules = None
    if rules is not None and rules.level == TriageLevel.crisis:
        return rules
    if rules is not None and rules.level == TriageLevel.emergency:
        # A match its own clause places in the present ("melaena since this morning") is
        # never vetoed: the classifier may simply not know the word.
        if not rules.now and rules.category not in opinion.never_vetoed and p_alarm < opinion.veto_below:
            if rules.urgent_too and p_alarm + p_urgent >= opinion.urgent_veto_below:
                return TriageVerdict(TriageLevel.urgent, rules.urgent_too)
            return None
        # An emergency someone brought on themselves on purpose ("took a bunch of pills to
        # not wake up") gets the crisis reply, which also says to call the emergency number.
        crisis = _crisis_probabilities(alarm, taxonomy)
        if crisis and max(crisis.values()) >= opinion.crisis_over_emergency_at:
            return TriageVerdict(TriageLevel.crisis, max(crisis, key=lambda label: crisis[label]))
        return rules
    if p_alarm >= opinion.flag_at and words >= opinion.min_words:
        category = max(alarm, key=lambda label: alarm[label])
        level = taxonomy.level_of(category)
        assert level is not None and category != NEAR_MISS
        # A vignette's emergency is the vignette's, whichever category the classifier reads
        # ("OSCE station: 58M with crushing chest pain ..."): the rules set its words aside.
        if TEACHING_FRAME in harmless and level == TriageLevel.emergency:
            return rules
        # The rules read these very words and found them negated, past, hypothetical or a
        # joke ("if her throat ever swells ..."): overruling that takes more than the usual
        # confidence, and its own bar for a crisis ("I'm not going to hurt myself, ...").
        if category in harmless and p_alarm < _dismissed_bar(level, opinion):
            return rules
        return TriageVerdict(level, category)
    if rules is None and words >= opinion.min_words:
        # Self-harm said indirectly ("might as well make it official") spreads the classifier's
        # belief over few words it knows; a missed crisis costs more than a flagged near miss.
        crisis = _crisis_probabilities(alarm, taxonomy)
        if crisis and max(crisis.values()) >= opinion.flag_crisis_at:
            category = max(crisis, key=lambda label: crisis[label])
            if category not in harmless or crisis[category] >= opinion.flag_dismissed_crisis_at:
                return TriageVerdict(TriageLevel.crisis, category)
    return rules


def _crisis_probabilities(alarm: Dict[str, float], taxonomy: SafetyTaxonomy) -> Dict[str, float]:
    return {label: p for label, p in alarm.items() if taxonomy.level_of(label) == TriageLevel.crisis}


def _dismissed_bar(level: TriageLevel, opinion: SecondOpinion) -> float:
    """What the classifier needs to overrule the rules' reading of the same words."""
    return opinion.flag_dismissed_crisis_at if level == TriageLevel.crisis else opinion.flag_dismissed_at
