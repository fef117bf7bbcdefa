"""Safety triage: recognize an emergency, a crisis or an urgent symptom in a message.

Built for recall. The categories and their rules live in knowledge/safety.yml; this module
compiles them into a spaCy Matcher over lemmas (spaCy's lookup lemmatizer from
spacy-lookups-data, plus the taxonomy's own spelling fixes) and then drops a match only
for a reason written in the same data: negated in its clause ("no chest pain"), a
general or hypothetical question ("can crizotinib cause vision problems?"), set in the
past with nothing saying it is happening now, reported from something read, or part of
an idiom ("dying to know"). Temperatures are read as numbers against the thresholds.
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar, Dict, FrozenSet, Iterable, List, Optional, Set, Tuple

import spacy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token

from knowledge.safety import (
    LEVEL_ORDER,
    TEACHING_FRAME,
    AllOf,
    SafetyTaxonomy,
    TriageLevel,
    load_safety_taxonomy,
)

# Clause boundaries: negation, time and question framing apply within a clause. "now" starts
# one ("collapsed last winter and now has a pacemaker": the past is over).
TEACHING_CASE = "teaching case"  # the reason a teaching frame sets a match aside
# An amount and the larger amount it replaced: "took 2mg instead of 4mg", "gave 1 tablet instead of 2".
_AMOUNT_UNIT = r"(mg|mcg|ml|g|tablets?|tabs?|capsules?|caps?|pills?)"
LESS_THAN_MEANT = re.compile(
    rf"\b(\d+(?:\.\d+)?)\s*{_AMOUNT_UNIT}?\s+(?:[a-z']+\s+){{0,3}}?instead\s+of\s+(?:the\s+)?(\d+(?:\.\d+)?)\s*{_AMOUNT_UNIT}?",
    re.I,
)
CLAUSE_BREAKS = frozenset(", ; : - – — ( ) but however though although except apart just now".split())
# ... except "just" before these, where it means "a moment ago" ("just had a seizure"), not
# "only" ("no chest pain just tired"): the clause, and its "just had", go on.
JUST_HAPPENED = frozenset("had has have been got happened".split())
# Words that say the writer (or someone they speak for) is living this, not asking in general.
PERSONAL = {"i", "me", "my", "we", "our", "mine", "he", "she", "him", "her", "his", "hers", "they", "them", "their"}
# "since three weeks ago", "started a few days ago": ongoing from then; "hasn't settled": not over.
ONGOING_FROM = {"since", "not", "started", "start", "starting", "began", "begun"}
WRITER = {"i", "me", "my", "we", "our", "mine", "us"}
PRESENT_BE = {"is", "are", "am", "'s", "'re", "'m"}
# Nouns in -ing: "my cousin's wedding" is no "is wedding".
NOUNS_IN_ING = frozenset(
    "wedding morning evening thing something nothing anything everything ceiling building ring spring "
    "sibling pudding clothing bedding meeting string wing swing feeling filling outing painting drawing "
    "earring darling".split()
)
# Past-tense words that let a sentence's "as a baby" / "last year" reach a match in another clause.
PAST_TENSE = frozenset(
    "was were had did got went came took swelled vomited fainted collapsed passed coughed bled thought said".split()
)
NEGATION_WINDOW = 4  # a negation this many words before a match, in its clause, negates it
# A joke marker laughs at the words within this many of it, in its sentence.
JOKE_REACH = 14
# A list of findings a negation heads: at most this many items, of at most this many words.
LIST_ITEMS = 8
LIST_ITEM_WORDS = 5
LAST_ITEM_WORDS = 8  # the match's own item may run on: "wheeze or hives after the first dose"
# Negations that head a whole list by themselves (a clinician's "denies SOB, chest pain").
LIST_NEGATIONS = frozenset({"denies", "denied", "nil"})
# A person or a verb makes a clause more than a list item ("no fever, he has chest pain").
LIST_BREAKING_VERBS = frozenset(
    "is are was were be been has have had feel feels felt seem seems got gets keep keeps started starting".split()
)


def _says_who_or_what(token: Token) -> bool:
    return token.lower_ in PERSONAL or token.lower_ in LIST_BREAKING_VERBS


SATURATION_CUES = {"sats", "sat", "spo2", "saturation", "saturations", "o2", "oxygen", "ox", "oximeter"}
# "his pulse has sat around 55": the verb, not a saturation.
SAT_AS_VERB_AFTER = {"has", "have", "had", "was", "were", "i", "he", "she", "we", "they", "it", "just", "'ve", "been"}
# "at 11": a time. Not "around" or "by": "around 20 of them" is a count.
CLOCK_BEFORE = {"at", "till", "until"}
THRESHOLD_WORDS = {"cut", "cutoff", "threshold", "thresholds", "limit"}
QUOTES = {'"', "\u201c", "\u201d"}
WEATHER_WORDS = {"outside", "outdoors", "weather", "forecast", "shade", "heatwave"}
TEMPERATURE_CUES = {"temperature", "fever", "febrile", "thermometer", "reading", "read", "temp", "degree", "degrees"}
_NUMBER = re.compile(r"^(\d{2,3}(?:\.\d)?)(c|f)?$")


@dataclass(frozen=True)
class TriageVerdict:
    level: TriageLevel
    category: str
    # The matched words' own clause says it is happening now ("since this morning", "is
    # coughing"): the classifier's veto does not apply to such a match.
    now: bool = field(default=False, compare=False)
    # An urgent category the rules also found: what is left when the classifier vetoes the
    # emergency ("flashes at the edge of my vision when the room goes dark" is not sight lost,
    # but the flashes are still worth a call today).
    urgent_too: Optional[str] = field(default=None, compare=False)


@dataclass(frozen=True)
class _Match:
    category: str
    start: int
    end: int
    literal: frozenset  # lemmas the rule names itself ("not" in "not breathing" is no negation)
    is_reading: bool = False  # a temperature: "a fever last week, 38.5" is as past as its sentence


def _lemmatizer_nlp() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.add_pipe("sentencizer")
    nlp.initialize()
    return nlp


class TriageDetector:
    def __init__(self, taxonomy: SafetyTaxonomy) -> None:
        self.taxonomy = taxonomy
        self.nlp = _lemmatizer_nlp()
        self._rewrites = [(re.compile(pattern), replacement) for pattern, replacement in taxonomy.rewrites]
        self.matcher = Matcher(self.nlp.vocab)
        self._literal: Dict[str, frozenset] = {}
        self._all_of: Dict[str, List[str]] = {}  # rule key -> part keys that must all match
        for category in taxonomy.categories:
            for index, rule in enumerate(category.rules):
                key = f"{category.id}#{index}"
                if isinstance(rule, AllOf):
                    parts = [f"{key}.{n}" for n in range(len(rule.all))]
                    self._all_of[key] = parts
                    for part, pattern in zip(parts, rule.all):
                        self._add(part, pattern)
                else:
                    self._add(key, rule)
        context = taxonomy.context
        self._phrases = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        for label, phrases in (
            ("idiom", context.idioms),
            ("past", context.past),
            ("present", context.present),
            ("reported", context.reported),
            ("hypothetical", context.hypothetical),
            ("general", context.general_question_words),
            ("happening_now", context.happening_now),
            ("not_past", context.not_past),
            ("not_hypothetical", context.not_hypothetical),
            ("resolved", context.resolved),
            ("joking", context.joking),
            ("recent_past", context.recent_past),
            ("timing", context.timing_only),
            ("others", context.others_stories),
            ("teaching", context.teaching),
            ("asks_the_assistant", context.asks_the_assistant),
        ):
            self._phrases.add(label, [self.nlp.make_doc(phrase) for phrase in phrases])
        self._negations = {self.lemma(word) for word in context.negations}
        self._still_urgent_when_resolved = set(context.still_urgent_when_resolved)
        self._unless_followed_by = [tuple(self.normalize(p).split()) for p in context.resolved_unless_followed_by]
        self._topic_words = {self.lemma(word) for word in context.self_harm_topic_words}
        self._more_taken = {word.lower() for word in context.more_taken}
        self._counted = {word.lower() for word in context.counted_words} | {
            self.lemma(word) for word in taxonomy.classes.get(context.timing_counted, [])
        }
        self._timing_owners = {word.lower() for word in context.timing_owners}
        self._other_person = {
            self.lemma(word) for word in taxonomy.classes.get(context.timing_other_person, []) if word.isalpha()
        }
        self._others_still_urgent = set(context.others_still_urgent)
        self._question_starts = [
            tuple(self.nlp.make_doc(start).text.split()) for start in context.general_question_starts
        ]

    # --- text to lemmas ---------------------------------------------------------------

    def lemma(self, word: str) -> str:
        word = self.normalize(word)
        if word in self.taxonomy.spellings:
            return self.taxonomy.spellings[word]
        doc = self.nlp.get_pipe("lemmatizer")(self.nlp.make_doc(word))
        return doc[0].lemma_.lower() if len(doc) == 1 else word

    def normalize(self, text: str) -> str:
        text = text.lower()
        for pattern, replacement in self._rewrites:
            text = pattern.sub(replacement, text)
        return " ".join(text.split())

    def parse(self, text: str) -> Doc:
        doc = self.nlp(self.normalize(text))
        for token in doc:
            token.lemma_ = self.taxonomy.spellings.get(token.lower_, token.lemma_.lower())
        return doc

    # --- pattern compiler ------------------------------------------------------------------

    def _alternatives(self, token: str) -> List[List[Dict]]:
        """Token specs for one pattern token; a multi-word alternative ("short_of_breath")
        is a sequence of specs."""
        optional = token.startswith("?")
        token = token.lstrip("?")
        words = [
            w
            for alternative in token.split("|")
            for w in (self.taxonomy.classes[alternative[1:]] if alternative.startswith("@") else [alternative])
        ]
        single = sorted({self.lemma(w) for w in words if "_" not in w and "\\" not in w and not w.startswith("=")})
        exact = sorted({self.normalize(w[1:]) for w in words if w.startswith("=")})
        options: List[List[Dict]] = []
        if single:
            options.append([{"LEMMA": {"IN": single}}])
        if exact:  # "=swallowed": this form only (a child who swallowed, not one who can swallow)
            options.append([{"LOWER": {"IN": exact}}])
        for word in words:
            if word.startswith("="):
                continue
            if "\\" in word:
                options.append([{"LOWER": {"REGEX": f"^(?:{word})[a-z]?$"}}])
            elif "_" in word:
                options.append([{"LEMMA": self.lemma(part)} for part in word.split("_")])
        if optional:
            options = [[{**spec, "OP": "?"} for spec in option] if len(option) == 1 else option for option in options]
            options.append([])
        return options

    def _add(self, key: str, pattern: str) -> None:
        sequences: List[List[List[Dict]]] = []
        literal: Set[str] = set()
        for token in pattern.split():
            if token.startswith("~"):
                sequences.append([[{"OP": "?"}] * int(token[1:])])
                continue
            sequences.append(self._alternatives(token))
            literal.update(
                self.lemma(w.lstrip("="))
                for w in token.lstrip("?").replace("_", "|").split("|")
                if not w.startswith("@")
            )
        variants: List[List[Dict[str, Any]]] = [
            functools.reduce(operator.iadd, choice, []) for choice in itertools.product(*sequences)
        ]
        self.matcher.add(key, [v for v in variants if v])
        self._literal[key] = frozenset(literal)

    # --- context ------------------------------------------------------------------------

    @staticmethod
    def _clause(doc: Doc, start: int, end: int) -> Span:
        sent = doc[start].sent
        left = start
        while left > sent.start and not TriageDetector._breaks(doc, left - 1):
            left -= 1
        right = end
        while right < sent.end and not TriageDetector._breaks(doc, right):
            right += 1
        if right == end and right < sent.end and doc[right].lower_ == "now":
            right += 1  # "his temperature is 38.2 now": the clause's own "now", not a new clause
        return doc[left:right]

    @staticmethod
    def _breaks(doc: Doc, i: int) -> bool:
        word = doc[i].lower_
        if word == "just" and i + 1 < len(doc) and doc[i + 1].lower_ in JUST_HAPPENED:
            return False
        return word in CLAUSE_BREAKS

    def _negated(self, doc: Doc, match: _Match) -> bool:
        clause = self._clause(doc, match.start, match.end)
        before = doc[max(clause.start, match.start - NEGATION_WINDOW) : match.start]
        inside = [t for t in doc[match.start : match.end] if t.lemma_ not in match.literal]
        if any(self._is_negation(t) for t in [*before, *inside]):
            return True
        return self._in_negated_list(doc, match, clause)

    @staticmethod
    def _quoted(doc: Doc, match: _Match) -> bool:
        """Inside quotation marks: an odd number of them before the match, one after it."""
        before = sum(1 for t in doc[: match.start] if t.text in QUOTES)
        return before % 2 == 1 and any(t.text in QUOTES for t in doc[match.end :])

    def _negated_cue(self, doc: Doc, start: int) -> bool:
        """A frame the writer denies is no frame: "real patient, not a vignette"."""
        return any(self._is_negation(t) for t in doc[max(0, start - 2) : start])

    @staticmethod
    def _near(match: _Match, start: int, end: int) -> bool:
        """ "lol i cant breathe": the laugh is about these words, not about "how was your day
        lol" a dozen words after the black stools."""
        return start < match.end + JOKE_REACH and end > match.start - JOKE_REACH

    def _is_negation(self, token: Token) -> bool:
        return token.lemma_ in self._negations or token.lower_ in self._negations

    def _in_negated_list(self, doc: Doc, match: _Match, clause: Span) -> bool:
        """ "no fever, cough, chest pain or SOB", "pt denies SOB, chest pain": a negation at the
        head of a list of findings reaches every item. A clause with a person or a verb of its
        own ("no fever, he has chest pain") is no list item."""
        own_words = [t for t in clause if not match.start <= t.i < match.end]
        if len(own_words) > LAST_ITEM_WORDS or any(_says_who_or_what(t) for t in own_words):
            return False
        sent = doc[clause.start].sent
        end = clause.start
        for _ in range(LIST_ITEMS):
            if end <= sent.start or doc[end - 1].lower_ != ",":
                return False
            start = end - 1
            while start > sent.start and doc[start - 1].lower_ not in CLAUSE_BREAKS:
                start -= 1
            item = doc[start : end - 1]
            head = [t for t in item[:2] if self._is_negation(t)]
            if head:
                # "no fever, crushing chest pain": without an "or" closing the list, or a
                # clinician's "denies", the negation may be of its own item only.
                return head[0].lower_ in LIST_NEGATIONS or self._list_closed(doc, clause.start, sent.end)
            if not 0 < len(item) <= LIST_ITEM_WORDS or any(_says_who_or_what(t) for t in item):
                return False
            end = start
        return False

    @staticmethod
    def _list_closed(doc: Doc, start: int, sent_end: int) -> bool:
        for token in doc[start:sent_end]:
            if token.lower_ in {"or", "nor"}:
                return True
            if token.lower_ != "," and token.lower_ in CLAUSE_BREAKS:
                return False
        return False

    def _starts_question(self, span: Span) -> bool:
        words = [t.lower_ for t in span if not t.is_punct]
        return any(tuple(words[: len(start)]) == start for start in self._question_starts)

    def _labels_in(self, span: Span, phrase_hits: List[Tuple[str, int, int]]) -> Set[str]:
        return {label for label, start, end in phrase_hits if start >= span.start and end <= span.end}

    # Phrases that cancel a context label they overlap: "at once" is no past, "can't remember
    # if" no hypothetical.
    CANCELS: ClassVar[Dict[str, str]] = {"not_past": "past", "not_hypothetical": "hypothetical"}

    def _hits(self, doc: Doc) -> List[Tuple[str, int, int]]:
        hits = [(self.nlp.vocab.strings[key], start, end) for key, start, end in self._phrases(doc)]
        cancelled = {(self.CANCELS[label], start, end) for label, start, end in hits if label in self.CANCELS}
        return [
            (label, start, end)
            for label, start, end in hits
            if label not in self.CANCELS
            and not any(cl == label and cs < end and start < ce for cl, cs, ce in cancelled)
        ]

    @staticmethod
    def _progressive(clause: Span) -> bool:
        """ "my son is coughing", "she isn't breathing", "been coughing up blood for weeks":
        someone living it now. "is coughing up blood a symptom?" starts with its verb: a
        question, not a report."""
        doc = clause.doc
        for t in clause:
            if not t.lower_.endswith("ing") or t.lower_ in NOUNS_IN_ING:
                continue
            if t.i > clause.start and doc[t.i - 1].lower_ == "been" and TriageDetector._been_reported(clause, t.i - 1):
                return True
            if t.i <= clause.start + 1:
                continue
            before = [doc[i].lower_ for i in range(max(clause.start + 1, t.i - 2), t.i)]
            if before[-1] in PRESENT_BE or (len(before) == 2 and before[0] in PRESENT_BE and before[1] == "not"):
                return True
        return False

    @staticmethod
    def _been_reported(clause: Span, been: int) -> bool:
        """ "been coughing ..." opening a clause, or "I've / she has been coughing": a report.
        "has anyone been coughing ...?" asks about others."""
        doc = clause.doc
        if been == clause.start:
            return True
        if been - 2 < clause.start:
            return False
        return doc[been - 1].lower_ in {"'ve", "have", "has", "'s"} and doc[been - 2].lower_ in PERSONAL

    def _general_question(self, clause: Span, sent: Span, labels: Set[str]) -> bool:
        if "hypothetical" in labels:
            return True
        personal = any(t.lower_ in PERSONAL for t in clause)
        sentence_personal = any(t.lower_ in PERSONAL for t in sent)
        if (
            "general" in labels
            and not sentence_personal
            and sent.text.rstrip().endswith("?")
            and not self._progressive(clause)
        ):
            return True  # "febrile neutropenia threshold for patients on ...": a clinical question
        if self._progressive(clause) or not (self._starts_question(clause) or self._starts_question(sent)):
            return False
        words = [t.lower_ for t in clause if not t.is_punct]
        if words and words[0] in {"will", "would", "could", "might", "can", "may", "should"}:
            return True  # possibility or the future: "can he overdose on pellets?", "will it give him a puffy face?"
        return "general" in labels or not personal

    @staticmethod
    def _live_past(doc: Doc, sent: Span, hits: List[Tuple[str, int, int]]) -> List[Tuple[int, int]]:
        """Past markers in a sentence, less those that start an ongoing time ("since three weeks
        ago") or are negated ("hasn't settled")."""
        return [
            (start, end)
            for label, start, end in hits
            if label == "past"
            and sent.start <= start
            and end <= sent.end
            and not any(t.lower_ in ONGOING_FROM for t in doc[max(sent.start, start - 4) : start])
        ]

    @staticmethod
    def _reading_in_past(
        doc: Doc, match: _Match, past: List[Tuple[int, int]], hits: List[Tuple[str, int, int]]
    ) -> bool:
        for _, past_end in past:
            if past_end > match.start:
                continue
            between = doc[past_end : match.start]
            now = any(t.lower_ in {"now", "again", "today", "tonight"} for t in between) or any(
                label == "present" and past_end <= start and end <= match.start for label, start, end in hits
            )
            if not now:
                return True
        return False

    def _only_timing(self, doc: Doc, match: _Match, sent: Span) -> bool:
        """A dose at another time or with the wrong food, and nothing that says more was taken,
        or someone else's medicine (knowledge/safety.yml, context.timing_only)."""
        span = doc[match.start : match.end]
        if any(t.lemma_ in self._other_person or t.lower_ in self._other_person for t in span):
            return False
        # "my husband's crizotinib": someone else's, unless the owner is a time ("yesterday's dose").
        if any(t.lower_ in {"'s", "s"} and t.i > 0 and doc[t.i - 1].lower_ not in self._timing_owners for t in span):
            return False
        if self._more_taken_in(sent):
            return False
        for token in sent:
            if token.i > 0 and doc[token.i - 1].lower_ in CLOCK_BEFORE:
                continue  # "at 11 instead of 9": a time of day, not a count of doses
            counted = any(
                t.lower_ in self._counted or t.lemma_ in self._counted for t in doc[token.i + 1 : token.i + 3]
            )
            if token.like_num and counted:
                return False
        return True

    def _less_than_meant(self, sent: Span) -> bool:
        """ "took 2mg instead of 4mg": less than the dose meant, and nothing says more was taken."""
        found = LESS_THAN_MEANT.search(sent.text)
        if not found or self._more_taken_in(sent):
            return False
        taken_unit, meant_unit = found.group(2) or found.group(4), found.group(4) or found.group(2)
        return taken_unit == meant_unit and float(found.group(1)) < float(found.group(3))

    def _more_taken_in(self, sent: Span) -> bool:
        """A word saying more was taken ("again", "extra", "twice"), not negated: "didn't take
        any extra" says the opposite."""
        words = [t.lower_ for t in sent]
        for phrase in self._more_taken:
            size = len(phrase.split())
            for i in range(len(words) - size + 1):
                if " ".join(words[i : i + size]) != phrase:
                    continue
                before = sent[max(0, i - 3) : i]
                if not any(self._is_negation(t) for t in before):
                    return True
        return False

    def _someone_elses_story(
        self, doc: Doc, match: _Match, sent: Span, clause: Span, hits: List[Tuple[str, int, int]]
    ) -> bool:
        """Someone outside the family named before the match, in a sentence told in the past,
        and nothing of the writer's own in the match's clause ("my colleague's husband had a
        heart attack during chemo, chest pain and everything")."""
        if match.category in self._others_still_urgent:
            return False
        # "my" or "our" before the person is theirs too: "our friend's daughter".
        others = [
            (start - int(start > sent.start and doc[start - 1].lower_ in {"my", "our"}), end)
            for label, start, end in hits
            if label == "others" and sent.start <= start < match.start
        ]
        if not others or not any(t.lower_ in PAST_TENSE for t in sent):
            return False
        return not any(t.lower_ in WRITER and not any(start <= t.i < end for start, end in others) for t in clause)

    def _names_topic_only(self, doc: Doc, match: _Match) -> bool:
        return any(t.lemma_ in self._topic_words for t in doc[match.start : match.end])

    @staticmethod
    def _years(span: Span) -> bool:
        return any(re.fullmatch(r"(?:19|20)\d\d", t.text) for t in span)

    def _now_in_clause(self, doc: Doc, match: _Match, hits: List[Tuple[str, int, int]]) -> bool:
        """The match's own clause puts it in the present ("since this morning", "is coughing"),
        not counting the "now" of a phrase saying it is over ("fine now")."""
        clause = self._clause(doc, match.start, match.end)
        over = [(start, end) for label, start, end in hits if label == "resolved"]
        present = any(
            label in {"present", "happening_now"}
            and clause.start <= start
            and end <= clause.end
            and not any(rs <= start and end <= re_ for rs, re_ in over)
            for label, start, end in hits
        )
        return present or self._progressive(clause)

    def _resolved(self, doc: Doc, match: _Match, hits: List[Tuple[str, int, int]]) -> bool:
        """The message says it is over ("he is fine now") and the match's clause says nothing
        of the present. Only for emergencies: "fine otherwise" is how urgent messages end."""
        if match.category in self._still_urgent_when_resolved or self.taxonomy.level_of(match.category) != (
            TriageLevel.emergency
        ):
            return False

        def over(start: int, end: int) -> bool:
            negated = any(t.lower_ in self._negations for t in doc[max(0, start - 2) : start])
            after = [t.lower_ for t in doc[end : end + 4]]
            qualified = any(tuple(after[i : i + len(w)]) == w for w in self._unless_followed_by for i in range(4))
            return not (negated or qualified or start <= match.start < end)

        said_over = any(label == "resolved" and over(start, end) for label, start, end in hits)
        return said_over and not self._now_in_clause(doc, match, hits)

    def _dismissed(self, doc: Doc, match: _Match, hits: List[Tuple[str, int, int]]) -> Optional[str]:
        """Why a match does not count (None: it counts)."""
        if any(label == "idiom" and start < match.end and end > match.start for label, start, end in hits):
            return "idiom"
        if self._negated(doc, match):
            return "negated"
        sent = doc[match.start].sent
        clause = self._clause(doc, match.start, match.end)
        labels = self._labels_in(sent, hits)
        if match.category != "self_harm" and any(
            label == "joking" and sent.start <= start and end <= sent.end and self._near(match, start, end)
            for label, start, end in hits
        ):
            return "joking"
        if (
            match.category != "self_harm"
            and any(label == "teaching" and not self._negated_cue(doc, start) for label, start, _ in hits)
            and (
                self._quoted(doc, match)  # "Quiz slide: 'a 60-year-old ... is talking nonsense'"
                or (not any(t.lower_ in WRITER for t in clause) and not self._now_in_clause(doc, match, hits))
            )
        ):
            return TEACHING_CASE
        if match.category != "self_harm" and any(
            label == "asks_the_assistant" and sent.start <= start and end <= sent.end for label, start, end in hits
        ):
            return "a question about the assistant"
        if (
            match.category == self.taxonomy.context.timing_category
            and "timing" in labels
            and self._only_timing(doc, match, sent)
        ):
            return "timing"
        if match.category == self.taxonomy.context.timing_category and self._less_than_meant(sent):
            return "less than meant"
        clause_hits = [h for h in hits if h[1] >= clause.start and h[2] <= clause.end]
        # "is chest pain a side effect? got it right now": the question is about now after all.
        happening = any(label == "happening_now" for label, _, _ in hits)
        # A match that runs into the next clause is judged by that clause too: "... for his
        # heart, will crizotinib slow his pulse?" is a question.
        end_clause = self._clause(doc, match.end - 1, match.end)
        question_labels = self._labels_in(clause, hits) | (labels & {"general"})
        end_labels = self._labels_in(end_clause, hits) | (labels & {"general"})
        if (
            not happening
            and (
                self._general_question(clause, sent, question_labels)
                or (end_clause.start != clause.start and self._general_question(end_clause, sent, end_labels))
            )
            and (match.category != "self_harm" or self._names_topic_only(doc, match))
        ):
            return "general question"
        if self._resolved(doc, match, hits):
            return "resolved"
        past_hits = hits
        if match.category == "self_harm":
            recent = [(start, end) for label, start, end in hits if label == "recent_past"]
            past_hits = [
                h for h in hits if not (h[0] == "past" and any(rs <= h[1] and h[2] <= re_ for rs, re_ in recent))
            ]
        past_in_sentence = self._live_past(doc, sent, past_hits)
        past_in_clause = [
            (start, end) for start, end in past_in_sentence if clause.start <= start and end <= clause.end
        ]
        present = any(
            label == "present" and not any(ps <= start and end <= pe for ps, pe in past_in_clause)
            for label, start, end in clause_hits
        )
        now = present or self._progressive(clause)
        if now:
            pass
        elif past_in_clause or self._years(clause):
            return "past"
        elif match.is_reading and self._reading_in_past(doc, match, past_in_sentence, hits):
            return "past"  # "a fever last week, 38.5": the reading belongs to the past it follows
        elif past_in_sentence and any(t.lower_ in PAST_TENSE for t in clause):
            return "past"  # "an allergic reaction as a baby, lips swelled": the whole sentence is past
        # "nan read online that it causes liver failure": reported, not lived; "my son read
        # the leaflet. He is coughing blood": the reporting sentence ends before the symptom.
        if not now and self._someone_elses_story(doc, match, sent, clause, hits):
            return "someone else's story"
        # "I took 4 instead of 1 cuz I misread the label": after the writer's own account of
        # taking too much, a cue says why it happened, not where it was read.
        personal_clause = any(t.lower_ in PERSONAL for t in clause)
        reported_in_clause = [
            start for label, start, end in hits if label == "reported" and start >= clause.start and end <= clause.end
        ]
        own_overdose = match.category == self.taxonomy.context.timing_category and personal_clause
        if any(start < match.start or not own_overdose for start in reported_in_clause) or (
            "reported" in labels and not personal_clause
        ):
            return "reported"
        return None

    # --- temperatures -------------------------------------------------------------------------

    def _temperature_matches(self, doc: Doc) -> Iterable[_Match]:
        thresholds = self.taxonomy.thresholds
        for sent in doc.sents:
            has_cue = any(t.lemma_ in TEMPERATURE_CUES or t.lower_ in TEMPERATURE_CUES for t in sent)
            values = [t for t in sent if _NUMBER.match(t.lower_)]
            if len(values) > 1 and sent.text.rstrip().endswith("?") and not any(t.lower_ in PERSONAL for t in sent):
                continue  # "38.0 or 38.3?": a question about thresholds, not a reading
            for token in values:
                found = _NUMBER.match(token.lower_)
                if found is None:
                    continue
                # "37.6 this evening": a decimal in the body-temperature range needs no cue word.
                bare_reading = "." in token.text and 35 <= float(found.group(1)) <= 43
                if not (has_cue or found.group(2) or bare_reading):
                    continue
                if any(t.lower_ in THRESHOLD_WORDS for t in doc[max(sent.start, token.i - 4) : token.i]):
                    continue  # "I read the cut-off is 38": a threshold, not a reading
                if any(t.lower_ in WEATHER_WORDS for t in doc[token.i + 1 : min(sent.end, token.i + 4)]):
                    continue  # "38 degrees outside in Seville": the weather, not a body
                value = float(found.group(1))
                # "101 degrees" arrives as 101c: above any Celsius reading, so Fahrenheit.
                unit = "f" if value > 50 else (found.group(2) or "c")
                fever, low = (
                    (thresholds.fever_celsius, thresholds.low_grade_celsius)
                    if unit == "c"
                    else (thresholds.fever_fahrenheit, thresholds.low_grade_fahrenheit)
                )
                ceiling = 43 if unit == "c" else 110
                if fever <= value <= ceiling:
                    yield _Match(thresholds.fever_category, token.i, token.i + 1, frozenset(), is_reading=True)
                elif low <= value < fever:
                    yield _Match(thresholds.low_grade_category, token.i, token.i + 1, frozenset(), is_reading=True)

    def _saturation_matches(self, doc: Doc) -> Iterable[_Match]:
        """A low oxygen saturation given as a number ("sats 88 on my finger monitor", "spo2
        91%"): a reading, like a temperature, that the words around it cannot outvote."""
        thresholds = self.taxonomy.thresholds
        for token in doc:
            if token.lower_ not in SATURATION_CUES:
                continue
            if token.lower_ == "sat" and token.i > 0 and doc[token.i - 1].lower_ in SAT_AS_VERB_AFTER:
                continue
            # "oxygen level was down to 86": the first number within five words is the reading.
            for value in doc[token.i + 1 : token.i + 6]:
                if value.like_num and value.text.isdigit():
                    if 50 <= int(value.text) <= thresholds.low_saturation:
                        yield _Match(thresholds.saturation_category, value.i, value.i + 1, frozenset(), is_reading=True)
                    break

    # --- verdict ---------------------------------------------------------------------------------

    def matches(self, doc: Doc) -> Tuple[List[_Match], Dict[str, List[_Match]]]:
        """Rule matches, and the matches of each part of the {all: [...]} rules by part key."""
        found: List[_Match] = []
        parts_seen: Dict[str, List[_Match]] = {}
        for key_id, start, end in self.matcher(doc):
            key = self.nlp.vocab.strings[key_id]
            category = key.split("#")[0]
            match = _Match(category, start, end, self._literal[key])
            if "." in key.split("#")[1]:
                parts_seen.setdefault(key, []).append(match)
            else:
                found.append(match)
        found.extend(self._temperature_matches(doc))
        found.extend(self._saturation_matches(doc))
        return found, parts_seen

    def classify(self, text: str) -> Optional[TriageVerdict]:
        return self.assess(text)[0]

    def assess(self, text: str) -> Tuple[Optional[TriageVerdict], FrozenSet[str]]:
        """The verdict, and the categories whose words the rules found and judged harmless
        in context (every match negated, past, a general question, a joke ...), with
        TEACHING_FRAME when a teaching frame set a match aside."""
        doc = self.parse(text)
        found, parts_seen = self.matches(doc)
        hits = self._hits(doc)
        reasons = [self._dismissed(doc, m, hits) for m in found]
        kept = [m for m, reason in zip(found, reasons) if not reason]
        for parts in self._all_of.values():
            seen = [parts_seen.get(part, []) for part in parts]
            live = [m for ms in seen for m in ms if not self._dismissed(doc, m, hits)]
            if all(seen) and live:  # every part present, at least one of them not dismissed
                kept.append(live[0])
        harmless = frozenset({m.category for m in found} - {m.category for m in kept})
        if TEACHING_CASE in reasons:
            harmless |= {TEACHING_FRAME}
        if not kept:
            return None, harmless
        order = {c.id: n for n, c in enumerate(self.taxonomy.categories)}
        level_of = {c.id: c.level for c in self.taxonomy.categories}
        best = min(kept, key=lambda m: (LEVEL_ORDER.index(level_of[m.category]), order[m.category]))
        # A reading the message gives (a temperature, an oxygen saturation) that nothing puts in
        # the past is taken now: "102 degree fever, started ceritinib last month" is not for the
        # classifier to veto.
        now = any(m.category == best.category and (m.is_reading or self._now_in_clause(doc, m, hits)) for m in kept)
        urgent = [m for m in kept if level_of[m.category] == TriageLevel.urgent]
        urgent_too = min(urgent, key=lambda m: order[m.category]).category if urgent else None
        return TriageVerdict(level_of[best.category], best.category, now, urgent_too), harmless

    def explain(self, text: str) -> List[Tuple[str, str, Optional[str]]]:
        """(category, matched words, dismissed?) for every match: for tuning on the dev set."""
        doc = self.parse(text)
        found, parts_seen = self.matches(doc)
        hits = self._hits(doc)
        rows = [(m.category, doc[m.start : m.end].text, self._dismissed(doc, m, hits)) for m in found]
        rows += [
            (m.category + "(part)", doc[m.start : m.end].text, self._dismissed(doc, m, hits))
            for ms in parts_seen.values()
            for m in ms
        ]
        return rows


@functools.lru_cache(maxsize=1)
def get_detector() -> TriageDetector:
    return TriageDetector(load_safety_taxonomy())
