"""The safety triage taxonomy (knowledge/safety.yml): categories, levels and the rules
that recognize them, validated here so a reviewer's edit cannot silently break triage.

The rules are data; nlu/triage.py compiles them into spaCy Matcher patterns. The
replies are domain responses (`utter_triage_<category>` in domain.yml), chosen by rules on
the intent `red_flag` and the slot `triage_category`, so Rasa serves them even when the
action server is down.
"""

from __future__ import annotations

import functools
import re
from enum import Enum
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Union

import yaml
from pydantic import BaseModel, Field, root_validator, validator

SAFETY_FILE = Path(__file__).resolve().parent / "safety.yml"
# Labelled messages the rules were written from and the second-opinion classifier learns
# from (the held-out part lives in tests/safety/ and is used for measuring only).
EXAMPLES_DIR = Path(__file__).resolve().parent / "safety_examples"


# Every triage verdict is the intent `red_flag` (already known to the classifier) with an
# entity of this name; its slot (same name) picks the reply in stories/rules.yml.
TRIAGE_INTENT = "red_flag"
TRIAGE_SLOT = "triage_category"


class TriageLevel(str, Enum):
    crisis = "crisis"  # self-harm: a crisis line, in warm words
    emergency = "emergency"  # call the emergency number now
    urgent = "urgent"  # contact the care team today, then the general facts


# Most urgent first: when several categories match, the first level wins.
LEVEL_ORDER = [TriageLevel.crisis, TriageLevel.emergency, TriageLevel.urgent]

_ALTERNATIVE = r"(?:@[A-Z_]+|=?[^\s~?@|=]+)"
_PATTERN_TOKEN = re.compile(rf"^(?:~\d|\??{_ALTERNATIVE}(?:\|{_ALTERNATIVE})*)$")


def _check_pattern(pattern: str) -> str:
    for token in pattern.split():
        if not _PATTERN_TOKEN.match(token):
            raise ValueError(f"bad token {token!r} in pattern {pattern!r}")
    return pattern


class AllOf(BaseModel):
    """Every pattern must match somewhere in the message (e.g. yellow eyes AND confusion)."""

    all: List[str] = Field(..., min_items=2)

    class Config:
        extra = "forbid"

    _patterns = validator("all", each_item=True, allow_reuse=True)(_check_pattern)


Rule = Union[str, AllOf]


class Category(BaseModel):
    id: str
    level: TriageLevel
    description: str
    # Matcher patterns over lemmas: words (a|b alternatives), @CLASS, ?optional, ~N (up to N any words).
    rules: List[Rule] = Field(..., min_items=1)

    class Config:
        extra = "forbid"

    @validator("rules", each_item=True)
    def _rule(cls, rule: Rule) -> Rule:
        return _check_pattern(rule) if isinstance(rule, str) else rule

    @property
    def response(self) -> str:
        return f"utter_triage_{self.id}"


class SecondOpinion(BaseModel):
    """How the trained classifier's probability that a message is an emergency or crisis
    combines with the rules (chosen by leave-one-file-out runs over the examples)."""

    flag_at: float = Field(..., gt=0, lt=1)  # flags what the rules missed
    veto_below: float = Field(..., ge=0, lt=1)  # drops a rule's emergency the classifier finds implausible
    min_words: int = Field(..., ge=1, le=20)  # shorter messages are flagged by the rules alone
    # flags an emergency whose words the rules found and dismissed in context
    flag_dismissed_at: float = Field(..., gt=0, le=1)
    # flags a crisis on the crisis categories' own probability, below flag_at
    flag_crisis_at: float = Field(..., gt=0, lt=1)
    # overrules the rules' own reading (negated, reported, past) of a crisis's words
    flag_dismissed_crisis_at: float = Field(..., gt=0, le=1)
    # turns a rule's emergency into a crisis on the crisis categories' own probability
    crisis_over_emergency_at: float = Field(..., gt=0, le=1)
    # drops a rule's urgent verdict (not said to be happening now) the classifier finds
    # neither urgent nor alarming (P(urgent) + P(crisis or emergency) below it)
    urgent_veto_below: float = Field(0.0, ge=0, lt=1)
    # categories whose rule matches the classifier never drops (veto_below does not apply)
    never_vetoed: List[str] = []


class Thresholds(BaseModel):
    fever_celsius: float = Field(..., ge=37.5, le=39)
    fever_fahrenheit: float = Field(..., ge=99.5, le=102.2)
    low_grade_celsius: float = Field(..., ge=37, le=38)
    low_grade_fahrenheit: float = Field(..., ge=98.6, le=100.4)
    fever_category: str
    low_grade_category: str
    # An oxygen saturation at or below this (%) is an emergency reading ("sats 88 at rest").
    low_saturation: int = Field(92, ge=85, le=94)
    saturation_category: str = "breathing"


class Context(BaseModel):
    """Words that make a match not an emergency now (a general question, the past, an
    idiom, something read), and words that put it back in the present."""

    negations: List[str]
    general_question_starts: List[str]
    general_question_words: List[str]
    hypothetical: List[str]
    past: List[str]
    present: List[str]
    reported: List[str]
    self_harm_topic_words: List[str]
    happening_now: List[str]
    not_past: List[str]
    not_hypothetical: List[str]
    idioms: List[str]
    # "she's fine now", "back to normal since": what happened is over. Never dismisses the
    # categories in `still_urgent_when_resolved` (a child who swallowed capsules and "seems
    # fine" is still a poisoning).
    resolved: List[str] = []
    still_urgent_when_resolved: List[str] = []
    resolved_unless_followed_by: List[str] = []
    # "I cut my arms again last night": self-harm that recent is a crisis now. These past
    # markers never make a self-harm match "past" (a distant one still does: "years ago").
    recent_past: List[str] = []
    # "cant breathe in this stuffy room lol": a sentence that laughs at itself describes no
    # emergency. Never dismisses self-harm ("kms lol" is still a crisis).
    joking: List[str] = []
    # "took my morning tablet at night by mistake", "at 6am instead of 8": a dose at another
    # time or with the wrong food is a question for the care team, not an overdose, unless the
    # sentence also says more was taken ("... and then the evening one again").
    # Never for someone else's medicine (a word of the class `timing_other_person` in the
    # match: "my toddler took my crizotinib at night by mistake") or a count of doses: a number
    # followed by a word of the class `timing_counted` or of `counted_words` ("5 of my pills").
    timing_only: List[str] = []
    more_taken: List[str] = []
    counted_words: List[str] = []
    # Whose dose it may be without being someone else's medicine ("yesterday's dose").
    timing_owners: List[str] = []
    timing_other_person: str = "CHILD"
    timing_counted: str = "MEDICINE"
    timing_category: str = "overdose_poisoning"
    # "my colleague's husband had a heart attack during chemo, chest pain and everything":
    # someone outside the family, told in the past tense, with nothing of the writer's own in
    # the match's clause and nothing saying it is happening now. Never dismisses the
    # categories in `others_still_urgent` (a neighbour's toddler who swallowed pills).
    others_stories: List[str] = []
    others_still_urgent: List[str] = []
    # "Exam practice: 9yo, fever 39 ...", "OSCE station: simulated pt with jaundice": a made-up
    # patient. Dismisses a match (never self-harm) whose clause has nothing of the writer's own
    # and nothing of now.
    teaching: List[str] = []
    # "If I told you I had chest pain right now, would you call an ambulance?": a question about
    # this assistant. Dismisses every match but self-harm's in its sentence.
    asks_the_assistant: List[str] = []


class SafetyTaxonomy(BaseModel):
    version: str
    reviewed: Optional[str] = None
    # Plain-text rewrites applied before tokenizing (contractions, common misspellings).
    rewrites: List[Tuple[str, str]]
    # Lemma overrides for misspellings the lookup lemmatizer does not know.
    spellings: Dict[str, str]
    classes: Dict[str, List[str]]
    thresholds: Thresholds
    second_opinion: SecondOpinion
    context: Context
    categories: List[Category]

    class Config:
        extra = "forbid"

    @validator("rewrites", each_item=True)
    def _compiles(cls, rewrite: Tuple[str, str]) -> Tuple[str, str]:
        re.compile(rewrite[0])
        return rewrite

    @root_validator(skip_on_failure=True)
    def _references_resolve(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        classes = values["classes"]
        ids = [c.id for c in values["categories"]]
        if len(ids) != len(set(ids)):
            raise ValueError("duplicate category id")
        for category in values["categories"]:
            patterns = [r for rule in category.rules for r in ([rule] if isinstance(rule, str) else rule.all)]
            for pattern in patterns:
                for token in pattern.split():
                    for word in token.lstrip("?").split("|"):
                        if word.startswith("@") and word[1:] not in classes:
                            raise ValueError(f"{category.id}: unknown class {word}")
        thresholds = values["thresholds"]
        for name in (thresholds.fever_category, thresholds.low_grade_category):
            if name not in ids:
                raise ValueError(f"threshold category {name} is not a category")
        context = values["context"]
        opinion = values["second_opinion"]
        named = [*opinion.never_vetoed, *context.others_still_urgent, *context.still_urgent_when_resolved]
        for name in named:
            if name not in ids:
                raise ValueError(f"{name} is not a category")
        return values

    def category(self, category_id: str) -> Category:
        return next(c for c in self.categories if c.id == category_id)

    def level_of(self, category_id: str) -> Optional[TriageLevel]:
        """The level of a category; None for a labelled near miss."""
        return next((c.level for c in self.categories if c.id == category_id), None)


NEAR_MISS = "near_miss"
# Marks a message whose matches a teaching frame set aside (a vignette, an exam question):
# it joins the categories the rules judged harmless, and the classifier may then raise no
# emergency of its own, only a crisis.
TEACHING_FRAME = "teaching_frame"


class SafetyExample(BaseModel):
    """One labelled message: an emergency, crisis or urgent message, or a near miss."""

    text: str = Field(..., min_length=1)
    level: str  # crisis | emergency | urgent | none
    category: str  # a category id, "urgent", or near_miss
    writer: Optional[str] = None

    class Config:
        extra = "forbid"

    @validator("level")
    def _known_level(cls, level: str) -> str:
        if level != "none":
            TriageLevel(level)
        return level

    @root_validator(skip_on_failure=True)
    def _category_fits_level(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        # The classifier learns the category as the class: a near miss filed under the
        # emergency whose words it borrows would teach it that those words are the emergency.
        level, category = values["level"], values["category"]
        if level == "none" and category != NEAR_MISS:
            raise ValueError(f"a near miss has category {NEAR_MISS}, not {category}")
        if level == "urgent" and category != "urgent":
            raise ValueError(f"an urgent example has category urgent, not {category}")
        return values


def load_safety_examples(directory: Path = EXAMPLES_DIR) -> List[SafetyExample]:
    examples: List[SafetyExample] = []
    for path in sorted(directory.glob("*.yml")):
        with path.open(encoding="utf-8") as handle:
            examples.extend(SafetyExample(**raw) for raw in yaml.safe_load(handle))
    return examples


@functools.lru_cache(maxsize=2)
def load_safety_taxonomy(path: Path = SAFETY_FILE) -> SafetyTaxonomy:
    with path.open(encoding="utf-8") as handle:
        return SafetyTaxonomy(**yaml.safe_load(handle))
