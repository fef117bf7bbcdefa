"""Finds mentions of other conditions, cancers and non-IMT drugs (the `other_condition`
entity) with a spaCy PhraseMatcher over knowledge/other_conditions.yml.

Matching is on a normalized form of each token, applied alike to the vocabulary and the
message: lowercase, British spelling folded to American ("leukaemia" = "leukemia"), a
plural "s" dropped ("lymphomas"), and a one-letter typo of a vocabulary word fixed
("brest", "lukemia") when the token is not an English word itself.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from typing import Any, Dict, FrozenSet, List, Tuple

from spacy.lookups import load_lookups
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from knowledge.scope import OTHER_CONDITION, load_other_conditions
from nlu.spacy_pipeline import blank_english

_SPELLING = [(re.compile(r"ae"), "e"), (re.compile(r"oe(?=[a-z])"), "e"), (re.compile(r"our$"), "or")]
MIN_TYPO_LENGTH = 5  # shorter words have too many one-letter neighbours


def _spelling(word: str) -> str:
    if len(word) < 5:
        return word
    for pattern, replacement in _SPELLING:
        word = pattern.sub(replacement, word)
    return word


@functools.lru_cache(maxsize=1)
def _english_words() -> Tuple[Any, FrozenSet[str]]:
    """English words, never "corrected" into a disease ("miles" is not "piles"): spaCy's
    lemma table, its inflected forms looked up by membership and its lemmas listed."""
    table = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
    return table, frozenset(str(lemma) for lemma in table.values())


def _edits(word: str) -> List[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return [
        *(a + b[1:] for a, b in splits if b),
        *(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1),
        *(a + c + b[1:] for a, b in splits if b for c in letters),
        *(a + c + b for a, b in splits for c in letters),
    ]


class ConditionMatcher:
    def __init__(self) -> None:
        self._nlp = blank_english()
        vocabulary = load_other_conditions()
        self._known: Counter[str] = Counter()
        pattern_docs: Dict[str, List[Doc]] = {}
        for name, surfaces in vocabulary.surface_forms().items():
            docs = [self._nlp.make_doc(str(s)) for s in surfaces]
            # spaCy splits "t2dm" ("t2", "dm": a unit) but not "T2DM": short forms are
            # added in capitals too when those tokenize differently.
            for form in surfaces:
                if len(form) <= 8 and " " not in form:
                    upper = self._nlp.make_doc(form.upper())
                    if len(upper) != len(self._nlp.make_doc(form)):
                        docs.append(upper)
            for doc in docs:
                self._known.update(self._base(t.lower_) for t in doc)
            pattern_docs[name] = docs
        self._english = _english_words()
        self._matcher = PhraseMatcher(self._nlp.vocab, attr="NORM")
        for name, docs in pattern_docs.items():
            self._matcher.add(name, [self._normalized(doc) for doc in docs])
        self._exact = PhraseMatcher(self._nlp.vocab, attr="ORTH")
        for item in vocabulary.items:
            if item.exact:
                self._exact.add(item.name, [self._nlp.make_doc(form) for form in item.exact])

    def _base(self, word: str) -> str:
        return _spelling(word)

    def _norm(self, word: str) -> str:
        word = self._base(word)
        if word.endswith("s") and word[:-1] in self._known:
            return word[:-1]
        if word in self._known or not word.isalpha():
            return word
        inflected, lemmas = self._english
        if len(word) >= MIN_TYPO_LENGTH and word not in inflected and word not in lemmas:
            # Of several vocabulary words one edit away, the most used one ("brest" is
            # "breast", not "crest"), when it is clearly the most used.
            candidates = sorted({e for e in _edits(word) if e in self._known}, key=lambda e: -self._known[e])
            if len(candidates) == 1 or (candidates and self._known[candidates[0]] >= 3 * self._known[candidates[1]]):
                return candidates[0]
        return word

    def _normalized(self, doc: Doc) -> Doc:
        for token in doc:
            token.norm_ = self._norm(token.lower_)
        return doc

    def find(self, text: str) -> List[Dict[str, Any]]:
        """`other_condition` entities, the longest of overlapping mentions kept."""
        doc = self._normalized(self._nlp.make_doc(text))
        matches = [*self._matcher(doc), *self._exact(doc)]
        matches.sort(key=lambda m: (-(m[2] - m[1]), m[1]))
        taken: List[Dict[str, Any]] = []
        for match_id, start, end in matches:
            span = doc[start:end]
            if any(span.start_char < e["end"] and e["start"] < span.end_char for e in taken):
                continue
            taken.append(
                {
                    "entity": OTHER_CONDITION,
                    "value": self._nlp.vocab.strings[match_id],
                    "start": span.start_char,
                    "end": span.end_char,
                    "confidence_entity": 1.0,
                }
            )
        return sorted(taken, key=lambda e: e["start"])


@functools.lru_cache(maxsize=1)
def condition_matcher() -> ConditionMatcher:
    """Built once per process (a few thousand patterns)."""
    return ConditionMatcher()
