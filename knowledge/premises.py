"""Recognize a question that asserts a false belief an entry corrects.

Two conditions, both needed. The question's wording asserts rather than asks (a cue
from knowledge/retrieval.yml: "..., right?", "since ...", "I read that ...", "never").
And a classifier, trained on each belief and its statements against the knowledge base's
neutral questions, recognizes which belief it is. It speaks up only when sure: a missed
correction still leaves a correct answer, a wrong one contradicts the user for nothing.
`python -m knowledge.premises` prints the cross-validated figures.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import numpy as np
from joblib import Parallel, delayed
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline

from knowledge.ranker import Analyzer, load_retrieval_vocabulary
from knowledge.schema import Entry, KnowledgeBase, Misconception

NEUTRAL = -1
# Chosen by 5-fold cross-validation over the statements and the entries' questions
# (2026-11-29: 45% of unseen statements recognized, 0.2% of unseen neutral questions flagged).
MIN_PROBABILITY = 0.3
# Each entry's first questions stand for the neutral class: with all of them (24 per entry
# on average) training took four times as long (about 60 s against 16 s, before min_df), and a restarted
# action server's first answer waits for it.
NEUTRAL_QUESTIONS_PER_ENTRY = 16


@dataclass(frozen=True)
class FalsePremise:
    entry: Entry
    misconception: Misconception
    probability: float


def _pipeline() -> Pipeline:
    # min_df=2 drops the n-grams seen once (half of the 45,000): training takes 7 s instead
    # of 17 (the optimizer's cost grows with features x beliefs), and cross-validated it
    # recognizes more unseen statements (39% against 36%) with the same 0.2% flagged.
    return make_pipeline(
        FeatureUnion(
            [
                ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)),
                ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2)),
            ]
        ),
        LogisticRegression(C=30.0, max_iter=2000, class_weight="balanced"),
    )


class PremiseDetector:
    def __init__(self, kb: KnowledgeBase) -> None:
        vocabulary = load_retrieval_vocabulary()
        self._cue = vocabulary.premise_cue
        self._analyzer = Analyzer(vocabulary)
        self.beliefs: List[Tuple[Entry, Misconception]] = []
        texts: List[str] = []
        labels: List[int] = []
        for entry in kb.entries:
            for misconception in entry.misconceptions:
                label = len(self.beliefs)
                self.beliefs.append((entry, misconception))
                for text in [misconception.belief, *misconception.statements]:
                    texts.append(self._features(text))
                    labels.append(label)
            neutral = entry.questions[:NEUTRAL_QUESTIONS_PER_ENTRY]
            texts.extend(self._features(q) for q in neutral)
            labels.extend([NEUTRAL] * len(neutral))
        self._model: Optional[Pipeline] = _pipeline().fit(texts, labels) if self.beliefs else None

    def _features(self, text: str) -> str:
        # The raw words keep the assertion ("never", "gone for good"); the analyzed terms
        # add synonyms ("chemo" -> chemotherapy).
        return f"{text.lower()} {self._analyzer.text(text, query=True)}"

    def detect(self, question: str) -> Optional[FalsePremise]:
        if self._model is None or not self._cue.search(question):
            return None
        probabilities = self._model.predict_proba([self._features(question)])[0]
        best = int(np.argmax(probabilities))
        label, probability = int(self._model.classes_[best]), float(probabilities[best])
        if label == NEUTRAL or probability < MIN_PROBABILITY:
            return None
        entry, misconception = self.beliefs[label]
        return FalsePremise(entry, misconception, probability)


_DETECTORS: Dict[int, PremiseDetector] = {}
_KBS: Dict[int, KnowledgeBase] = {}
_BUILDING = threading.Lock()


def get_premise_detector(kb: KnowledgeBase) -> PremiseDetector:
    """One detector per knowledge base, trained once (a few seconds; the action server
    starts it in the background, see actions/actions.py)."""
    with _BUILDING:
        if _KBS.get(id(kb)) is not kb:
            _DETECTORS[id(kb)] = PremiseDetector(kb)
            _KBS[id(kb)] = kb
        return _DETECTORS[id(kb)]


def detect_premise(kb: KnowledgeBase, question: str) -> Optional[FalsePremise]:
    """The false belief the question asserts, if any. The asserting cue is checked first, so
    a question without one never waits for the detector to be built (a restarted action
    server answers "what are the side effects?" at once)."""
    if not question or not load_retrieval_vocabulary().premise_cue.search(question):
        return None
    return get_premise_detector(kb).detect(question)


def _judge_fold(kb: KnowledgeBase, folds: int, fold: int) -> Tuple[int, int, int, int]:
    """One fold: a detector trained without the fold's texts judges them.
    Returns (statements caught, statements, neutral questions flagged, neutral questions)."""
    held_out: Dict[str, Optional[str]] = {}  # text -> its belief, or None when neutral
    entries = []
    for entry in kb.entries:
        kept_misconceptions = []
        for m_index, misconception in enumerate(entry.misconceptions):
            kept = [s for i, s in enumerate(misconception.statements) if (i + m_index) % folds != fold]
            held_out.update({s: misconception.belief for s in misconception.statements if s not in kept})
            kept_misconceptions.append(misconception.copy(update={"statements": kept}))
        kept_questions = [q for i, q in enumerate(entry.questions) if i % folds != fold]
        held_out.update({q: None for q in entry.questions if q not in kept_questions})
        entries.append(entry.copy(update={"misconceptions": kept_misconceptions, "questions": kept_questions}))
    detector = PremiseDetector(kb.copy(update={"entries": entries}))
    caught = statements = flagged = neutral = 0
    for text, belief in held_out.items():
        found = detector.detect(text)
        if belief is None:
            neutral += 1
            flagged += found is not None
        else:
            statements += 1
            caught += found is not None and found.misconception.belief == belief
    return caught, statements, flagged, neutral


def cross_validate(kb: KnowledgeBase, folds: int = 5) -> Dict[str, float]:
    """Each statement and each neutral question judged by a detector that never saw it:
    the share of statements recognized as their own belief, and of neutral questions
    taken for a false premise. Folds run in parallel processes (each trains its own model)."""
    per_fold = Parallel(n_jobs=min(folds, os.cpu_count() or 1))(
        delayed(_judge_fold)(kb, folds, fold) for fold in range(folds)
    )
    caught, statements, flagged, neutral = (sum(column) for column in zip(*per_fold))
    return {"statement_recall": caught / statements, "neutral_flagged": flagged / neutral}


if __name__ == "__main__":
    from knowledge.loader import load_knowledge_base

    figures = cross_validate(load_knowledge_base())
    recall, flagged = figures["statement_recall"], figures["neutral_flagged"]
    print(f"unseen statements recognized: {recall:.1%}; unseen neutral questions flagged: {flagged:.1%}")
