"""Rank knowledge-base entries against a question.

Signals, fused: BM25 (bm25s) over each entry's title, questions, keywords and claims, over
its single questions and over its single claims (with the cited references' labels, so a
trial or an author finds its claim); the cosine similarity of the entry's nearest known
question (word and character n-grams, so typos and brand names still land), with a bonus
for a near paraphrase; a linear classifier over the same n-grams, trained on every entry's
questions, which weighs the words that tell sibling entries apart; and how much of the
entry's own question ("ask") the question covers. A misspelt question word is read as the
closest word the index knows. The conversation's facets and the topic classifier's
confidences are features added to that score, never filters: a dosing question the NLU
took for "overview" still reaches the dosing entry. The weights were chosen on
tests/retrieval/dev.yml (`make eval-retrieval` prints the comparison).
"""

from __future__ import annotations

import difflib
import functools
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

import bm25s
import numpy as np
import numpy.typing as npt
import Stemmer
import yaml
from pydantic import BaseModel, StrictStr, validator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC

from knowledge.context import FACETS, Context
from knowledge.schema import Claim, Entry, KnowledgeBase, Topic
from knowledge.scope import names_imt
from knowledge.vocabulary import ENTITY_TYPES, load_vocabulary

Scores = npt.NDArray[np.float64]  # one score per entry, in knowledge-base order
RETRIEVAL_FILE = Path(__file__).resolve().parent / "retrieval.yml"
_TOKEN = re.compile(r"[a-z0-9]+")
MIN_CORRECTED_LENGTH = 4
PARAPHRASE = 0.7
CORRECTION_CUTOFF = 0.8  # difflib ratio: "spred" -> "spread" (0.91), "nausia" -> "nausea" (0.83)
# In the development data every sources request had at most 12 words; the topic questions
# the sources cues match had 14 or more but one.
SOURCES_REQUEST_MAX_WORDS = 12
# What a sources request names besides the sources must come this close to a known question
# to pick an entry: "lorlatinib" 0.61, "crizotinib response rate" 0.46; "pls" 0.31, "US
# prescribing information" 0.20.
SOURCES_SUBJECT_CLOSENESS = 0.4


class RetrievalVocabulary(BaseModel):
    spelling: Dict[str, str]
    acronyms: Dict[str, str]
    synonyms: Dict[str, List[str]]
    # Strict: an unquoted "on" or "yes" in YAML is a boolean, not the word.
    stopwords: List[StrictStr]
    continuation_cues: List[str]
    asks_again_cues: List[str]
    treatment_duration_cues: List[str]
    treatment_stopping_cues: List[str]
    test_result_cues: List[str]
    diagnosis_method_cues: List[str]
    treatment_choice_cues: List[str]
    treatment_next_cues: List[str]
    treatment_use_cues: List[str]
    dosing_administration_cues: List[str]
    back_reference_cues: List[str]
    fresh_start_cues: List[str]
    age_mentions: List[str]
    sources_cues: List[str]
    sources_request_cues: List[str]
    premise_cues: List[str]
    exclusion_cues: List[str]
    question_cues: List[str]
    narrative_cues: List[str]
    background_words: List[StrictStr]
    detail_words: List[StrictStr]
    result_words: List[StrictStr]
    child_kin_cues: List[str]
    grown_kin_cues: List[str]

    @validator(
        "premise_cues",
        "exclusion_cues",
        "continuation_cues",
        "asks_again_cues",
        "treatment_duration_cues",
        "treatment_stopping_cues",
        "test_result_cues",
        "diagnosis_method_cues",
        "treatment_choice_cues",
        "treatment_next_cues",
        "treatment_use_cues",
        "dosing_administration_cues",
        "back_reference_cues",
        "fresh_start_cues",
        "age_mentions",
        "sources_cues",
        "sources_request_cues",
        "question_cues",
        "narrative_cues",
        "child_kin_cues",
        "grown_kin_cues",
    )
    def _compiles(cls, cues: List[str]) -> List[str]:
        _any_of(cues)
        return cues

    class Config:
        extra = "forbid"
        keep_untouched = (functools.cached_property,)  # compiled once, not per message

    @functools.cached_property
    def continuation_cue(self) -> re.Pattern[str]:
        return _any_of(self.continuation_cues)

    @functools.cached_property
    def asks_again_cue(self) -> re.Pattern[str]:
        return _any_of(self.asks_again_cues)

    @functools.cached_property
    def age_mention(self) -> re.Pattern[str]:
        return _any_of(self.age_mentions)

    @functools.cached_property
    def back_reference_cue(self) -> re.Pattern[str]:
        return _any_of(self.back_reference_cues)

    @functools.cached_property
    def fresh_start_cue(self) -> re.Pattern[str]:
        return _any_of(self.fresh_start_cues)

    @functools.cached_property
    def sources_cue(self) -> re.Pattern[str]:
        return _any_of(self.sources_cues)

    @functools.cached_property
    def sources_request_cue(self) -> re.Pattern[str]:
        return _any_of(self.sources_request_cues)

    @functools.cached_property
    def treatment_duration_cue(self) -> re.Pattern[str]:
        return _any_of(self.treatment_duration_cues)

    def asks_how_long_treatment_lasts(self, text: str) -> bool:
        """How long a treatment is taken or given ("how long do pts stay on it?"), not how
        long its benefit lasts (nlu/README.md, ask_treatment)."""
        return self.treatment_duration_cue.search(text) is not None

    @functools.cached_property
    def treatment_stopping_cue(self) -> re.Pattern[str]:
        return _any_of(self.treatment_stopping_cues)

    def asks_about_stopping_treatment(self, text: str) -> bool:
        """Stopping or coming off a drug ("is it safe to stop after 2 years?"), not whether the
        tumour comes back after (nlu/README.md, ask_treatment)."""
        return self.treatment_stopping_cue.search(text) is not None

    @functools.cached_property
    def test_result_cue(self) -> re.Pattern[str]:
        return _any_of(self.test_result_cues)

    def tells_a_test_result(self, text: str) -> bool:
        """A result that "comes back" positive or negative, not a tumour that comes back."""
        return self.test_result_cue.search(text) is not None

    @functools.cached_property
    def diagnosis_method_cue(self) -> re.Pattern[str]:
        return _any_of(self.diagnosis_method_cues)

    def asks_how_it_is_diagnosed(self, text: str) -> bool:
        """How the tumour is found or confirmed ("how is bladder IMT diagnosed?")."""
        return self.diagnosis_method_cue.search(text) is not None

    @functools.cached_property
    def treatment_choice_cue(self) -> re.Pattern[str]:
        return _any_of(self.treatment_choice_cues)

    def asks_how_it_is_managed(self, text: str) -> bool:
        """How the tumour is dealt with ("management?", "how do they get it out?", "has
        alectinib been used in IMT?"), not a test."""
        return self.treatment_choice_cue.search(text) is not None or self.asks_if_a_treatment_is_used(text)

    @functools.cached_property
    def treatment_use_cue(self) -> re.Pattern[str]:
        return _any_of(self.treatment_use_cues)

    def asks_if_a_treatment_is_used(self, text: str) -> bool:
        """Whether a therapy is used for IMT or a group ("is alectinib used in children?"),
        not how it is taken."""
        return self.treatment_use_cue.search(text) is not None

    @functools.cached_property
    def dosing_administration_cue(self) -> re.Pattern[str]:
        return _any_of(self.dosing_administration_cues)

    def asks_how_to_take_it(self, text: str) -> bool:
        """How a drug is taken: with food, a missed or vomited dose, a dose lowered for a side
        effect (nlu/README.md, ask_dosing), not a risk or a check."""
        return self.dosing_administration_cue.search(text) is not None

    @functools.cached_property
    def treatment_next_cue(self) -> re.Pattern[str]:
        return _any_of(self.treatment_next_cues)

    def asks_what_is_done_next(self, text: str) -> bool:
        """What is done when the tumour comes back or grows ("next line?", "what now?",
        "margins needed?"), not how things turn out (nlu/README.md, ask_treatment)."""
        return self.treatment_next_cue.search(text) is not None

    def asks_for_sources(self, text: str) -> bool:
        """A short request for where the information comes from ("is this from the label?").
        A longer message that also asks its own question ("what doses would they use, and
        where do those come from?") is that question: its answer carries the citations."""
        return len(text.split()) <= SOURCES_REQUEST_MAX_WORDS and self.sources_request_cue.search(text) is not None

    @functools.cached_property
    def premise_cue(self) -> re.Pattern[str]:
        return _any_of(self.premise_cues)

    @functools.cached_property
    def exclusion_cue(self) -> re.Pattern[str]:
        return _any_of(self.exclusion_cues)

    @functools.cached_property
    def question_cue(self) -> re.Pattern[str]:
        return _any_of(self.question_cues)

    @functools.cached_property
    def narrative_cue(self) -> re.Pattern[str]:
        return _any_of(self.narrative_cues)

    @functools.cached_property
    def child_kin_cue(self) -> re.Pattern[str]:
        return _any_of(self.child_kin_cues)

    @functools.cached_property
    def grown_kin_cue(self) -> re.Pattern[str]:
        return _any_of(self.grown_kin_cues)


# A bare finding is short: a longer message without a question mark usually asks one.
DETAIL_MAX_WORDS = 8
# "8", "1.1", "2.1x", "45yo", "250mg": a number with at most a short unit.
_MEASUREMENT = re.compile(r"\d+(?:\.\d+)?[a-z]{0,3}")


def _any_of(cues: List[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{cue})" for cue in cues), re.IGNORECASE)


@functools.lru_cache(maxsize=2)
def load_retrieval_vocabulary(path: Path = RETRIEVAL_FILE) -> RetrievalVocabulary:
    with path.open(encoding="utf-8") as handle:
        return RetrievalVocabulary(**yaml.safe_load(handle))


def tokens(text: str) -> List[str]:
    # Accents folded, so "Mariño-Enríquez" and "Schöffski" stay whole words.
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = text.lower().replace("'", "")
    return _TOKEN.findall(text)


class Analyzer:
    """Text -> index terms: spelling unified, phrases normalized, stopwords dropped, stemmed."""

    def __init__(self, vocabulary: RetrievalVocabulary) -> None:
        self._spelling = vocabulary.spelling
        self._acronym = re.compile(r"\b(" + "|".join(map(re.escape, vocabulary.acronyms)) + r")\b")
        self._acronyms = vocabulary.acronyms
        self._stop = frozenset(vocabulary.stopwords)
        self._age = vocabulary.age_mention
        self._stemmer = Stemmer.Stemmer("english")
        entity_forms: Dict[Tuple[str, ...], List[str]] = {}
        # Which facet and value each name names ("kids" -> population pediatric).
        self._facet_of: Dict[Tuple[str, ...], Tuple[str, str]] = {}
        entities = load_vocabulary()
        for kind in (*ENTITY_TYPES, "biomarker_status"):
            for value, forms in entities.surface_forms(kind).items():
                for form in forms:
                    self._facet_of.setdefault(tuple(tokens(str(form))), (kind, value))
                    if kind != "biomarker_status":
                        entity_forms.setdefault(tuple(tokens(str(form))), []).extend(tokens(value))
        self._facet_of.pop((), None)
        # Entity forms apply to entries and questions alike ("kids" and "children" both
        # gain "pediatric"); shorthand expansions only to questions.
        self._both = {k: v for k, v in entity_forms.items() if k}
        self._query_only = {
            tuple(tokens(k)): [w for v in vs for w in tokens(v)] for k, vs in vocabulary.synonyms.items()
        }
        self._longest = max(len(k) for k in [*self._both, *self._query_only])
        # Words the index knows; a question's unknown word is read as its closest known one.
        self.lexicon: frozenset[str] = frozenset()
        self._corrected: Dict[str, str] = {}
        self._by_initial: Dict[str, List[str]] = {}

    def learn(self, texts: List[str]) -> None:
        """Record the words of the curated texts, so misspelt words can be corrected."""
        known = {w for text in texts for w in tokens(text)}
        known |= {w for phrase in [*self._both, *self._query_only] for w in phrase} | set(self._stop)
        self.lexicon = frozenset(known)
        self._by_initial = {}
        for word in sorted(known):
            self._by_initial.setdefault(word[:1], []).append(word)
        self._corrected = {}

    def _correct(self, word: str) -> str:
        """A misspelt word ("spred", "nausia") as the closest word the index knows; short
        words and numbers are left alone, where one letter changes the meaning."""
        if len(word) < MIN_CORRECTED_LENGTH or word in self.lexicon or not self.lexicon or word.isdigit():
            return word
        if word not in self._corrected:
            # Candidates share the first letter, which typos rarely change: a tenth of the
            # comparisons, so the entries' few thousand questions are indexed in a second.
            candidates = self._by_initial.get(word[:1], [])
            close = difflib.get_close_matches(word, candidates, n=1, cutoff=CORRECTION_CUTOFF)
            self._corrected[word] = close[0] if close else word
        return self._corrected[word]

    def terms(self, text: str, query: bool = False) -> List[str]:
        """Index terms; `query` adds the shorthand expansions. Misspellings are corrected in
        both, so a typo in an entry's question ("spred") indexes as the word it stands for."""
        words = [self._correct(self._spelling.get(w, w)) for w in tokens(self.expand_acronyms(text))]
        added: List[str] = []
        for i in range(len(words)):
            for n in range(min(self._longest, len(words) - i), 0, -1):
                phrase = tuple(words[i : i + n])
                added.extend(self._both.get(phrase, ()))
                if query:
                    added.extend(self._query_only.get(phrase, ()))
        kept = [w for w in [*words, *added] if w not in self._stop]
        return list(self._stemmer.stemWords(kept))

    def expand_acronyms(self, text: str) -> str:
        """Capitalised acronyms that are also stopwords as the words they stand for ("WHO")."""
        return self._acronym.sub(lambda m: self._acronyms[m.group(1)], text) if self._acronyms else text

    def replace_ages(self, text: str, population: Optional[str]) -> str:
        """The text with its ages ("8 year old", "14 y/o") as the population they fall in:
        their numbers would match entries only by chance (a year, a percentage)."""
        return self._age.sub(f" {population or ''} ", text)

    def names_an_age(self, text: str) -> bool:
        return self._age.search(text) is not None

    def with_facets(self, text: str, values: Mapping[str, Optional[str]]) -> str:
        """The text with its names of the given facets replaced by the given values (None
        drops them): "How is lung IMT operated on?" with the bladder -> "how is bladder imt
        operated on". Ages count as names of the population."""
        if "population" in values:
            text = self.replace_ages(text, values["population"])
        kept: List[str] = []
        for words, facet in self._facet_spans(text):
            if facet is None or facet[0] not in values:
                kept.extend(words)
            else:
                kept.extend(tokens(values[facet[0]] or ""))
        return " ".join(kept)

    def named_facets(self, text: str) -> set[Tuple[str, str]]:
        """The (facet, value) pairs the text names by entity names and status words."""
        return {facet for _, facet in self._facet_spans(text) if facet is not None}

    def _facet_spans(self, text: str) -> List[Tuple[List[str], Optional[Tuple[str, str]]]]:
        """The text's words in runs: each facet name (the longest that starts there) with
        its facet and value, every other word alone with None."""
        words = [self._spelling.get(w, w) for w in tokens(text)]
        spans: List[Tuple[List[str], Optional[Tuple[str, str]]]] = []
        i = 0
        while i < len(words):
            longest = min(self._longest, len(words) - i)
            n = next((n for n in range(longest, 0, -1) if tuple(words[i : i + n]) in self._facet_of), 0)
            if n:
                spans.append((words[i : i + n], self._facet_of[tuple(words[i : i + n])]))
                i += n
            else:
                spans.append(([words[i]], None))
                i += 1
        return spans

    def content_terms(self, text: str) -> List[str]:
        """The question's terms other than facet names: what it asks besides the facets
        it names ("and for my 8 year old?" has none)."""
        without = self.with_facets(text, {name: None for name in FACETS})
        kept = [w for w in without.split() if w not in self._stop]
        return list(self._stemmer.stemWords(kept))

    def text(self, text: str, query: bool = False) -> str:
        return " ".join(self.terms(text, query))


@dataclass(frozen=True)
class Weights:
    """How the signals are fused; see the module docstring for how they were chosen."""

    bm25: float = 1.0  # BM25 score divided by the best entry's
    questions: float = 0.5  # BM25 of the entry's closest question, divided by the best entry's
    paraphrase: float = 0.5  # bonus for a known question closer than PARAPHRASE (cosine)
    claims: float = 0.3  # BM25 of the entry's best-matching claim, divided by the best claim's
    nearest_question: float = 0.6  # cosine similarity of the entry's nearest known question
    # The entry classifier's margin, scaled to 0-1 over the entries: 1.0 took development
    # top-1 from 0.910 to 0.936 (0.6: 0.933, 1.5: 0.925; rules-only, tests/retrieval/dev.yml).
    classifier: float = 1.0
    ask: float = 0.4  # share of the entry's canonical question's terms the question contains
    # NLU confidence in the entry's topic. 0.45 when the entries' questions doubled ("how is
    # ALK-positive IMT treated?" went to the children's outlook at 0.3); 0.6 beside the entry
    # classifier, which otherwise took "has alectinib been used in IMT?" (the NLU: treatment,
    # 1.00) to alectinib's side effects (development top-1 0.933 at both).
    topic: float = 0.6
    facet_named: float = 0.3  # entry specific to a facet the question names: + match / - clash
    facet_carried: float = 0.25  # the same for facets carried from earlier questions
    previous: float = 0.5  # share of the previous question's score, for elliptical follow-ups
    previous_short: float = 1.2  # ... when the follow-up has at most SHORT_QUERY terms
    # The entry classifier counts half in the question before: at full weight "what about its
    # side effects?" after a dose question went to dose reductions (development top-1 0.933
    # -> 0.938 at half, 0.923 without it).
    previous_classifier: float = 0.5
    short_query: int = 3
    own_evidence: float = 0.5  # discount of that share per unit of the follow-up's own closeness
    conversation_topic: float = 0.3  # a follow-up's entry on the topic the conversation is on
    # The same, for a follow-up the NLU gives no topic (a detail): 1.0 from 0.3 took the
    # development dialogues' "she's 40 kg" after a dose question to the dose (retrieval
    # development sets unchanged at 0.6-1.5).
    detail_topic: float = 1.0


# Facets that name what a question is about rather than whom or where.
SUBJECT_FACETS = frozenset({"drug"})


@dataclass(frozen=True)
class Ranked:
    entry: Entry
    score: float
    # The question's own evidence for this entry, before context: the similarity of its
    # nearest known question and its raw BM25 score.
    nearest: float
    bm25: float


def _entry_document(entry: Entry) -> str:
    facet_words = [v for name in FACETS for v in getattr(entry.facets, name)]
    return " ".join(
        [entry.title] * 3
        + list(entry.questions)
        + list(entry.keywords) * 2
        + facet_words * 2
        + [c.clinician + " " + c.patient for c in entry.claims]
    )


def _curated_words(entry: Entry) -> str:
    """The entry's words as curators wrote them: everything but the questions people ask,
    whose deliberate typos must not become words the spelling correction accepts."""
    facet_words = [v for name in FACETS for v in getattr(entry.facets, name)]
    return " ".join([entry.title, entry.ask, *entry.keywords, *facet_words])


def _claim_document(kb: KnowledgeBase, claim: Claim) -> str:
    # The cited references' labels let "Coffin 1995" or "the CREATE trial" find their claim.
    return " ".join([claim.clinician, claim.patient, *(kb.references[r].label for r in claim.cites)])


def _training_texts(entry: Entry) -> List[str]:
    return [entry.title, entry.ask, *entry.questions, " ".join(entry.keywords)]


class EntryRanker:
    def __init__(self, kb: KnowledgeBase, weights: Weights = Weights()) -> None:
        self.kb = kb
        self.weights = weights
        vocabulary = load_retrieval_vocabulary()
        self.analyzer = Analyzer(vocabulary)
        self._continuation = vocabulary.continuation_cue
        self._asks_again = vocabulary.asks_again_cue
        self._back_reference = vocabulary.back_reference_cue
        self._fresh_start = vocabulary.fresh_start_cue
        self._question_cue = vocabulary.question_cue
        self._narrative_cue = vocabulary.narrative_cue
        self._child_kin, self._grown_kin = vocabulary.child_kin_cue, vocabulary.grown_kin_cue
        self._background = frozenset(self.analyzer.terms(" ".join(vocabulary.background_words)))
        self._results = frozenset(self.analyzer.terms(" ".join(vocabulary.result_words)))
        self._details = frozenset(self.analyzer.terms(" ".join(vocabulary.detail_words))) | self._results
        self.entries = list(kb.entries)
        documents = [_entry_document(e) for e in self.entries]
        claim_documents = [_claim_document(kb, c) for e in self.entries for c in e.claims]
        self.analyzer.learn([_curated_words(e) for e in self.entries] + claim_documents)
        self._bm25 = bm25s.BM25()
        self._bm25.index([self.analyzer.terms(d) for d in documents], show_progress=False)
        # BM25 over single claims: the one claim that holds a rare detail ("93%", "ADVL0912").
        self._claim_bm25 = bm25s.BM25()
        self._claim_bm25.index([self.analyzer.terms(d) for d in claim_documents], show_progress=False)
        self._claim_owners = np.array([i for i, e in enumerate(self.entries) for _ in e.claims])
        starts = np.cumsum([0] + [len(e.claims) for e in self.entries])
        self._claim_start = {e.id: int(start) for e, start in zip(self.entries, starts)}
        texts, owners = [], []
        for index, entry in enumerate(self.entries):
            for text in _training_texts(entry):
                texts.append(text)
                owners.append(index)
        self._owners = np.array(owners)
        self._vectorizer = FeatureUnion(
            [
                ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
                ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
            ]
        )
        self._questions = normalize(self._vectorizer.fit_transform([self._similarity_text(t) for t in texts]))
        # One-vs-rest linear SVM (about 2 s): unlike the nearest question, it learns which
        # words separate an entry from its siblings across all of its questions.
        self._classifier = LinearSVC(C=0.5, random_state=0).fit(self._questions, self._owners)
        self._ask_terms = [set(self.analyzer.terms(e.ask)) for e in self.entries]
        self._covered = {(name, v) for e in self.entries for name in FACETS for v in getattr(e.facets, name)}
        # BM25 over single questions too: a close paraphrase of one question is strong evidence.
        self._question_bm25 = bm25s.BM25()
        self._question_bm25.index([self.analyzer.terms(t) for t in texts], show_progress=False)

    def _similarity_text(self, text: str) -> str:
        return f"{text.lower()} {self.analyzer.text(text, query=True)}"

    def _scores(self, index: bm25s.BM25, size: int, question: str) -> Scores:
        """BM25 of every document of an index against the question's terms."""
        terms = self.analyzer.terms(question, query=True)
        if not terms:
            return np.zeros(size)
        return np.asarray(index.get_scores(terms), dtype=float)

    def bm25_scores(self, question: str) -> Scores:
        return self._scores(self._bm25, len(self.entries), question)

    def _query_vector(self, question: str) -> Any:
        """The question as a normalized row of word and character n-gram weights."""
        return normalize(self._vectorizer.transform([self._similarity_text(question)]))

    def nearest_question_scores(self, question: str) -> Scores:
        """Per entry, the cosine similarity of its closest known question (nearest neighbour)."""
        similarity = np.asarray((self._questions @ self._query_vector(question).T).toarray(), dtype=float).ravel()
        scores = np.zeros(len(self.entries))
        np.maximum.at(scores, self._owners, similarity)
        return scores

    def classifier_scores(self, question: str) -> Scores:
        """Per entry, the entry classifier's margin, scaled so the best entry has 1 and the
        worst 0: a ranking signal, not a probability."""
        query = self._query_vector(question)
        if not query.nnz:  # no words at all: the margins would be the intercepts, stretched to 0-1
            return np.zeros(len(self.entries))
        margins: Scores = np.asarray(self._classifier.decision_function(query), dtype=float)
        low = float(margins.min())
        spread = float(margins.max()) - low
        if spread <= 0:
            return np.zeros(len(self.entries))
        scaled: Scores = (margins.ravel() - low) / spread
        return scaled

    def question_bm25_scores(self, question: str) -> Scores:
        """Per entry, the BM25 score of its best-matching known question."""
        scores = np.zeros(len(self.entries))
        np.maximum.at(scores, self._owners, self._scores(self._question_bm25, len(self._owners), question))
        return scores

    def claim_bm25(self, question: str) -> Scores:
        """BM25 of every claim, in knowledge-base order."""
        return self._scores(self._claim_bm25, len(self._claim_owners), question)

    def best_claim_scores(self, question: str) -> Scores:
        """Per entry, the BM25 score of its best-matching claim."""
        scores = np.zeros(len(self.entries))
        np.maximum.at(scores, self._claim_owners, self.claim_bm25(question))
        return scores

    def claim_scores(self, entry: Entry, question: str) -> Scores:
        """The BM25 score of each of the entry's claims."""
        start = self._claim_start[entry.id]
        return self.claim_bm25(question)[start : start + len(entry.claims)]

    def ask_coverage(self, question: str) -> Scores:
        """Per entry, the share of its canonical question's terms in the question: a general
        question ("what is the crizotinib dose?") fits the general entry's ask best."""
        terms = set(self.analyzer.terms(question, query=True))
        return np.array([len(terms & ask) / len(ask) if ask else 0.0 for ask in self._ask_terms])

    def text_scores(self, question: str, classifier: float = 1.0) -> Scores:
        """The question's own words against every entry, before context (`classifier`: the
        share of the entry classifier's weight)."""
        return self._signals(question, classifier)[0]

    def _signals(self, question: str, classifier: float = 1.0) -> Tuple[Scores, Scores, Scores]:
        """The fused score of the question's own words, and two of its parts: the nearest
        known question's similarity and the raw BM25 score."""
        nearest, bm25 = self.nearest_question_scores(question), self.bm25_scores(question)
        fused = self.weights.nearest_question * nearest + self.weights.ask * self.ask_coverage(question)
        if classifier and self.weights.classifier:
            fused += classifier * self.weights.classifier * self.classifier_scores(question)
        # A near paraphrase of a known question is stronger evidence than its cosine says.
        fused += self.weights.paraphrase * np.clip((nearest - PARAPHRASE) / (1 - PARAPHRASE), 0, 1)
        questions, claims = self.question_bm25_scores(question), self.best_claim_scores(question)
        for weight, scores in (
            (self.weights.bm25, bm25),
            (self.weights.questions, questions),
            (self.weights.claims, claims),
        ):
            top = scores.max()
            fused += weight * (scores / top if top > 0 else scores)
        return fused, nearest, bm25

    def _facet_scores(self, context: Context) -> Scores:
        scores = np.zeros(len(self.entries))
        for index, entry in enumerate(self.entries):
            for name in FACETS:
                covered, wanted = getattr(entry.facets, name), context.facet(name)
                if not covered or wanted is None:
                    continue
                weight = self.weights.facet_named if name in context.named_now else self.weights.facet_carried
                scores[index] += weight if wanted in covered else -weight
        return scores

    def closeness(self, question: str) -> float:
        """How close the question comes to any question the knowledge base answers (0-1)."""
        return float(self.nearest_question_scores(question).max())

    def sources_subject(self, request: str) -> Optional[Entry]:
        """The entry a sources request names ("reference for lorlatinib in IMT?"), or None
        when it names nothing but the sources ("is this from the label?", "refs pls")."""
        vocabulary = load_retrieval_vocabulary()
        subject = vocabulary.sources_cue.sub(" ", vocabulary.sources_request_cue.sub(" ", request))
        if not self.analyzer.terms(subject, query=True) or self.closeness(subject) < SOURCES_SUBJECT_CLOSENESS:
            return None
        return self.rank(subject)[0].entry

    def continues(self, question: str) -> bool:
        """Whether the question continues an earlier one ("and for children?")."""
        return bool(self._continuation.search(question))

    def asks_again(self, question: str) -> bool:
        """Whether the message asks the question before again for one more thing, with nothing
        of its own: "how often?", "for how long", "and after that?"."""
        return bool(self._asks_again.search(question))

    def refers_back(self, question: str) -> bool:
        """Whether the question points back at the one before: it continues it, or names
        "its" or "the drug" ("what about its side effects?")."""
        return self.continues(question) or bool(self._back_reference.search(question))

    def implied_population(self, message: str) -> Optional[str]:
        """Children, when a parent writes of "my son" or "our daughter" without an age: how
        parents of the children this tumour mostly affects write. The answer says whom it
        is for ("Answering for: children"), so a parent of an adult can say so."""
        if self._grown_kin.search(message):
            return None
        return "pediatric" if self._child_kin.search(message) else None

    def starts_afresh(self, question: str) -> bool:
        """Whether the question leaves the conversation's facets behind ("in general, ...")."""
        return bool(self._fresh_start.search(question))

    def _specific(self, name: str, value: Optional[str]) -> Optional[str]:
        """The value, when some entry is specific to it."""
        return value if (name, value) in self._covered else None

    def _swaps_facets(self, question: str, previous_question: str, context: Context) -> bool:
        """Whether the question only names facets, at least one of them new to the question
        before ("and for kids?" after an adult dose question, but not "and breastfeeding?"
        after a pregnancy question, whose word says more than its facet)."""
        if not self.only_names_facets(question):
            return False
        # A name the context did not take up ("negative" without its gene) still says something.
        if any(context.facet(name) != value for name, value in self.analyzer.named_facets(question)):
            return False
        before = self.analyzer.named_facets(previous_question)
        return any((name, context.facet(name)) not in before for name in context.named_now if context.facet(name))

    def _replaces_facets(self, question: str, previous_question: str) -> bool:
        """Whether the follow-up only swaps or narrows the question before: it names no drug
        the question before had none of. A new drug is a new subject ("and steroids?" after
        "can anti-inflammatory medicines treat IMT?"); a new group or site narrows the same
        question ("and in children?" after "does chemotherapy work?")."""
        before = {name for name, _ in self.analyzer.named_facets(previous_question)}
        now = {name for name, _ in self.analyzer.named_facets(question)}
        return not (SUBJECT_FACETS & now) - before

    def tells_only_background(self, message: str) -> bool:
        """Whether the message asks nothing and says only who, where and since when ("my
        son is 12", "they found a mass in her pelvis and the biopsy says IMT")."""
        # Apostrophes dropped as in `tokens`: "she's 40 kg" reads "shes 40 kg".
        plain = message.replace("'", "").replace("\u2019", "")
        if self._question_cue.search(plain):
            return False
        if self._narrative_cue.search(plain):
            terms = [t for t in self.analyzer.content_terms(message) if not _MEASUREMENT.fullmatch(t)]
            return all(t in self._background or t in self._details for t in terms)
        return self._tells_only_details(message)

    def _tells_only_details(self, message: str) -> bool:
        """A clinician's bare finding with no one named ("ALK pos by FISH, IHC equivocal",
        "BSA 1.1 m2", "45 yo male, lung primary"): short, and nothing but measurements,
        results and the names of drugs, genes and sites."""
        words = message.split()
        # "ALK positive IMT", "lung IMT": the tumour named alone asks about it.
        if not words or len(words) > DETAIL_MAX_WORDS or names_imt(message):
            return False
        terms = self.analyzer.content_terms(message)
        said = [t for t in terms if not _MEASUREMENT.fullmatch(t)]
        # A result or a measurement, not a name or a topic alone ("alectinib", "relapse" ask
        # about them).
        found = (
            len(said) < len(terms)
            or self.analyzer.names_an_age(message)
            or any(t in self._results for t in self.analyzer.terms(message))
        )
        return found and all(t in self._background or t in self._details for t in said)

    def only_names_facets(self, question: str) -> bool:
        """Whether the question says nothing but entity names and ages ("and for kids?")."""
        return not self.analyzer.content_terms(question)

    def is_short(self, question: str) -> bool:
        return len(self.analyzer.terms(question)) <= self.weights.short_query

    def rank(
        self,
        question: str,
        context: Optional[Context] = None,
        previous_question: str = "",
        topic_confidence: Optional[Mapping[Topic, float]] = None,
    ) -> List[Ranked]:
        context = context or Context()
        if "population" in context.named_now:
            question = self.analyzer.replace_ages(question, context.population)
        text, nearest, bm25 = self._signals(question)
        # "and in the bladder?" after a lung question asks the question before again, for the
        # facet it names; its own words would only match entries that mention the name in
        # passing. One that adds a subject the question before did not name ("and steroids?"
        # after "can anti-inflammatory medicines treat IMT?") keeps its words: they say which.
        replaces = bool(previous_question) and self._replaces_facets(question, previous_question)
        if replaces and self._swaps_facets(question, previous_question, context):
            text, nearest, bm25 = np.zeros_like(text), np.zeros_like(nearest), np.zeros_like(bm25)
        scores = text + self._facet_scores(context)
        if previous_question:
            short = self.is_short(question)
            share = self.weights.previous_short if short else self.weights.previous
            # A follow-up that clearly asks something of its own ("and if a dose is
            # missed?") leans less on the question before it than "and for children?".
            share *= float(np.clip(1 - self.weights.own_evidence * nearest.max(), 0, 1))
            # The facets the follow-up names replace the question's own: "and for kids?"
            # after an adult dose question asks for the children's dose.
            # A value no entry is specific to ("bladder") is dropped rather than put in:
            # its word would only find entries that mention it in passing.
            named = {name: self._specific(name, context.facet(name)) for name in context.named_now}
            asked_again = self.analyzer.with_facets(previous_question, named)
            if not replaces:  # a new subject joins the question before
                asked_again += " " + " ".join(v for v in named.values() if v)
            # Half the entry classifier: its 0-1 scale would hand the question before a full
            # point more ("what about its side effects?" after a dose question went to dose
            # reductions); the shares were chosen without it.
            before = self.text_scores(asked_again, classifier=self.weights.previous_classifier)
            scores = scores + share * before
            if context.follows_up and context.topic is not None:
                # "and steroids?" after a treatment question is still about treatment; "she's
                # 40 kg" after a dose question, which the NLU gives no topic, all the more.
                on_topic = np.array([e.intent_topic == context.topic for e in self.entries], dtype=float)
                asks_a_topic = max(topic_confidence.values(), default=0.0) >= 0.5 if topic_confidence else False
                weight = self.weights.conversation_topic if asks_a_topic else self.weights.detail_topic
                scores = scores + weight * on_topic
        if topic_confidence:
            scores = scores + self.weights.topic * np.array(
                [topic_confidence.get(e.intent_topic, 0.0) for e in self.entries]
            )
        order = np.argsort(-scores, kind="stable")
        return [Ranked(self.entries[i], float(scores[i]), float(nearest[i]), float(bm25[i])) for i in order]


_RANKERS: Dict[Tuple[int, Weights], EntryRanker] = {}
_BUILDING = threading.Lock()


def get_ranker(kb: KnowledgeBase, weights: Weights = Weights()) -> EntryRanker:
    """One ranker per knowledge base and weights, built once (about a second)."""
    key = (id(kb), weights)
    with _BUILDING:
        ranker = _RANKERS.get(key)
        if ranker is None or ranker.kb is not kb:  # an id can be reused after a KB is freed
            ranker = _RANKERS[key] = EntryRanker(kb, weights)
        return ranker


def claim_order(ranker: EntryRanker, entry: Entry, question: str) -> List[int]:
    """Indexes of the entry's claims, the best-matching first (BM25 over single claims);
    claims that match nothing keep the entry's own order, the general claim first. What the
    question sets aside ("besides ALK") does not count."""
    scores = ranker.claim_scores(entry, load_retrieval_vocabulary().exclusion_cue.sub(" ", question))
    return sorted(range(len(entry.claims)), key=lambda i: -scores[i])
