"""Whether a message is about IMT: the scope decision, shared by the NLU and the actions.

A message that names another condition, cancer or non-IMT drug (the entity
`other_condition`, found over knowledge/other_conditions.yml) is out of scope unless it
also names IMT itself, compares the user's own tumour ("it", "this") with that
condition ("could it be a lymphoma instead?"), or asks about an IMT targeted drug with a
non-cancer condition ("digoxin and crizotinib together?"), or about a condition IMT's
treatment can cause ("celecoxib stomach ulcer risk"). The names and cues are data
(knowledge/scope_cues.yml). Plain YAML and regular expressions: the action server uses
this without spaCy.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, Dict, Iterable, List

import yaml
from pydantic import BaseModel

OTHER_CONDITIONS_FILE = Path(__file__).resolve().parent / "other_conditions.yml"
SCOPE_CUES_FILE = Path(__file__).resolve().parent / "scope_cues.yml"
VOCABULARY_FILE = Path(__file__).resolve().parent / "vocabulary.yml"
OTHER_CONDITION = "other_condition"  # the entity type
OUT_OF_SCOPE_INTENT = "out_of_scope"


class Cue(BaseModel):
    pattern: str
    example: str
    needs_context: bool = False

    class Config:
        extra = "forbid"


class ScopeCues(BaseModel):
    """knowledge/scope_cues.yml: IMT's names, the comparison cues and IMT's targeted drugs."""

    subject: str
    own_subject: str
    imt_names: List[Cue]
    comparison_cues: List[Cue]
    tumour_context: List[Cue]
    imt_targeted_drugs: List[str]
    imt_targeted_drug_forms: List[str] = []
    own_dose_cues: List[Cue] = []
    association_openings: List[Cue] = []
    interaction_cues: List[Cue] = []
    care_conditions: List[Cue] = []
    regimen_drug_forms: List[str] = []
    effect_cues: List[Cue] = []
    own_treatment: List[Cue] = []
    purpose_cues: List[Cue] = []
    bare_mentions: List[Cue] = []

    class Config:
        extra = "forbid"

    def expand(self, cue: Cue) -> str:
        return cue.pattern.replace("{subject}", self.subject).replace("{own}", self.own_subject)


@functools.lru_cache(maxsize=1)
def scope_cues() -> ScopeCues:
    with SCOPE_CUES_FILE.open(encoding="utf-8") as handle:
        return ScopeCues(**yaml.safe_load(handle))


def _alternation(cues: ScopeCues, items: List[Cue]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{cues.expand(c)})" for c in items) or r"(?!)", re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def _patterns() -> Dict[str, re.Pattern[str]]:
    cues = scope_cues()
    with VOCABULARY_FILE.open(encoding="utf-8") as handle:
        drug_forms: Dict[str, List[str]] = yaml.safe_load(handle)["drug"]
    forms = [*cues.imt_targeted_drug_forms]
    for drug in cues.imt_targeted_drugs:
        forms += [drug, *drug_forms.get(drug, [])]
    regimen = [*cues.regimen_drug_forms, *(form for names in drug_forms.values() for form in names)]
    return {
        "imt_name": _alternation(cues, cues.imt_names),
        "comparison": _alternation(cues, [c for c in cues.comparison_cues if not c.needs_context]),
        "resemblance": _alternation(cues, [c for c in cues.comparison_cues if c.needs_context]),
        "tumour_context": _alternation(cues, cues.tumour_context),
        "own_dose": _alternation(cues, cues.own_dose_cues),
        "association_opening": _alternation(cues, cues.association_openings),
        "interaction": _alternation(cues, cues.interaction_cues),
        "targeted_drug": _word_list(forms),
        "regimen_drug": _word_list(regimen),
        "care_condition": _alternation(cues, cues.care_conditions),
        "effect": _alternation(cues, cues.effect_cues),
        "own_treatment": _alternation(cues, cues.own_treatment),
        "purpose": _alternation(cues, cues.purpose_cues),
        "bare_mention": _alternation(cues, cues.bare_mentions),
    }


def _word_list(forms: Iterable[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(f) for f in sorted(set(forms))) + r")\b", re.IGNORECASE)


class OtherCondition(BaseModel):
    name: str
    code: str
    kind: str  # cancer | condition | drug
    aliases: List[str] = []
    exact: List[str] = []  # case-sensitive abbreviations that are also words ("ALL")

    class Config:
        extra = "forbid"


class OtherConditions(BaseModel):
    items: List[OtherCondition]

    class Config:
        extra = "forbid"

    def surface_forms(self) -> Dict[str, List[str]]:
        """Condition name -> the (lowercase) words people write for it."""
        return {item.name: [item.name, *item.aliases] for item in self.items}


@functools.lru_cache(maxsize=2)
def load_other_conditions(path: Path = OTHER_CONDITIONS_FILE) -> OtherConditions:
    with path.open(encoding="utf-8") as handle:
        return OtherConditions(**yaml.safe_load(handle))


def names_imt(text: str) -> bool:
    return _patterns()["imt_name"].search(text) is not None


def compares_with_own_tumour(text: str, names_cancer: bool = False) -> bool:
    """A comparison cue; a weaker one ("could it be", "is it related to") only with a
    cancer named or the tumour spoken of."""
    patterns = _patterns()
    if patterns["comparison"].search(text) or patterns["association_opening"].search(text):
        return True
    context = names_cancer or patterns["tumour_context"].search(text) is not None
    return context and patterns["resemblance"].search(text) is not None


def names_imt_targeted_drug(text: str) -> bool:
    return _patterns()["targeted_drug"].search(text) is not None


def other_conditions(entities: Iterable[Dict[str, Any]]) -> List[str]:
    return [str(e.get("value")) for e in entities if e.get("entity") == OTHER_CONDITION]


@functools.lru_cache(maxsize=1)
def _kinds() -> Dict[str, str]:
    return {item.name: item.kind for item in load_other_conditions().items}


def is_out_of_scope(text: str, entities: Iterable[Dict[str, Any]]) -> bool:
    """Another condition is named, and neither IMT nor the user's own tumour is its subject.

    An IMT targeted drug named with non-cancer conditions or other drugs only is a question
    about IMT treatment (an interaction, a comorbidity), and so is a dose of the user's own
    drug asked about with non-cancer conditions only, or an interaction of one other drug
    (or of a non-cancer condition's treatment) with the user's own. So is a care condition
    (an adverse effect of IMT's drugs, an organ impairment) asked about as the treatment's
    effect or dose, and a bare mention of one other drug or care condition."""
    entities = list(entities)
    others = other_conditions(entities)
    if not others:
        return False
    kinds = {_kinds().get(o, "condition") for o in others}
    if names_imt(text) or compares_with_own_tumour(text, names_cancer="cancer" in kinds):
        return False
    if "cancer" in kinds:
        return True
    if names_imt_targeted_drug(text):
        return False
    other_drugs = {o for o in others if _kinds().get(o) == "drug"}
    if len(other_drugs) <= 1 and asks_about_interaction(text):
        # "does omeprazole interact with it?", "does it interact with her asthma inhaler?":
        # one other drug, or a condition's treatment, with the user's own drug
        return False
    if kinds == {"condition"} and _patterns()["own_dose"].search(text):
        return False
    return not (_asks_about_care_condition(text, entities) or _only_mentions(text, entities, len(other_drugs) == 1))


def asks_about_interaction(text: str) -> bool:
    return _patterns()["interaction"].search(text) is not None


def _with_placeholders(text: str, entities: Iterable[Dict[str, Any]]) -> str:
    """The message with each other condition's words replaced by § (scope_cues.yml)."""
    spans = sorted(
        (int(e["start"]), int(e["end"]))
        for e in entities
        if e.get("entity") == OTHER_CONDITION and e.get("start") is not None and e.get("end") is not None
    )
    pieces, at = [], 0
    for start, end in spans:
        if start >= at:
            pieces += [text[at:start], "§"]
            at = end
    return "".join([*pieces, text[at:]])


def _asks_about_care_condition(text: str, entities: Iterable[Dict[str, Any]]) -> bool:
    """Only care conditions are named, none as what a medicine is for, and the message asks
    about the treatment's effect or dose ("celecoxib stomach ulcer risk", "can it cause
    hypertension?", "what dose if the patient is on dialysis") or names nothing else."""
    patterns = _patterns()
    named = [e for e in entities if e.get("entity") == OTHER_CONDITION]
    if not named or any(_kinds().get(str(e.get("value"))) != "condition" for e in named):
        return False
    if not all(_is_care_condition(text, e) for e in named):
        return False
    marked = _with_placeholders(text, named)
    if patterns["purpose"].search(marked):
        return False
    if patterns["bare_mention"].search(marked):
        return True
    if not patterns["effect"].search(marked):
        return False
    mentions_treatment = patterns["regimen_drug"].search(text) or patterns["own_treatment"].search(marked)
    return bool(mentions_treatment) or re.search(r"\bdos(?:e|es|ing|age)\b", marked, re.IGNORECASE) is not None


def _is_care_condition(text: str, entity: Dict[str, Any]) -> bool:
    care = _patterns()["care_condition"]
    words = text[int(entity["start"]) : int(entity["end"])] if entity.get("start") is not None else ""
    return bool(care.search(words) or care.search(str(entity.get("value") or "")))


def _only_mentions(text: str, entities: Iterable[Dict[str, Any]], one_drug: bool) -> bool:
    """The message names one other drug and nothing more ("omeprazole?", "she's on
    fluconazole as well"): the conversation's follow-up, or a detail about the patient."""
    named = [e for e in entities if e.get("entity") == OTHER_CONDITION]
    if not one_drug or any(_kinds().get(str(e.get("value"))) != "drug" for e in named):
        return False
    return _patterns()["bare_mention"].search(_with_placeholders(text, named)) is not None
