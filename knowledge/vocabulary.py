"""The controlled vocabularies (knowledge/vocabulary.yml), validated and loaded once.

Pure YAML plus pydantic: the action server reads the vocabulary without spaCy.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Dict, FrozenSet, List

import yaml
from pydantic import BaseModel

VOCABULARY_FILE = Path(__file__).resolve().parent / "vocabulary.yml"
# Entity types whose values are facets of an entry (biomarker status is a role of biomarker).
ENTITY_TYPES = ("drug", "biomarker", "body_site", "population")

SurfaceForms = Dict[str, List[str]]  # normalized value -> the words people write


class AgeBands(BaseModel):
    pediatric_below: int
    elderly_from: int


class Vocabulary(BaseModel):
    topics: List[str]
    audiences: List[str]
    drug: SurfaceForms
    biomarker: SurfaceForms
    biomarker_status: SurfaceForms
    body_site: SurfaceForms
    population: SurfaceForms
    not_entities: List[str]
    age_bands: AgeBands
    audience: SurfaceForms

    class Config:
        extra = "forbid"

    def surface_forms(self, kind: str) -> SurfaceForms:
        forms: SurfaceForms = getattr(self, kind)
        return forms

    def values(self, kind: str) -> FrozenSet[str]:
        """The normalized values of one entity type ("crizotinib", "ALK", "pediatric")."""
        return frozenset(self.surface_forms(kind))

    def entity_words(self) -> FrozenSet[str]:
        """Every surface form of every entity type, lowercased."""
        return frozenset(
            str(term).lower() for kind in ENTITY_TYPES for terms in self.surface_forms(kind).values() for term in terms
        )


@functools.lru_cache(maxsize=4)
def load_vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    with path.open(encoding="utf-8") as handle:
        return Vocabulary(**yaml.safe_load(handle))
