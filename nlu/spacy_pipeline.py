"""The spaCy pipeline the NLU components share: spacy.blank("en") plus rules.

No statistical spaCy model is used (none can be downloaded here); the blank English
tokenizer is extended so gene-status shorthand ("ALK+", "ALK-") splits into gene and
sign, and an EntityRuler is fed from the knowledge vocabulary (knowledge/vocabulary.py).
"""

from __future__ import annotations

import functools
from typing import Any, Dict, List

import spacy
from spacy.language import Language
from spacy.util import compile_suffix_regex

from knowledge.vocabulary import ENTITY_TYPES, Vocabulary, load_vocabulary

STATUS_SEPARATOR = "|"
NOT_AN_ENTITY = "not_entity"  # ruler label for phrases whose entity words must be ignored


def blank_english() -> Language:
    nlp = spacy.blank("en")
    suffixes = [*list(nlp.Defaults.suffixes), r"(?<=[A-Za-z0-9])\+$", r"(?<=[A-Za-z0-9])-$"]
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    return nlp


def _token_pattern(nlp: Language, phrase: str) -> List[Dict[str, Any]]:
    return [{"LOWER": token.lower_} for token in nlp.make_doc(phrase)]


def entity_patterns(nlp: Language, vocabulary: Vocabulary) -> List[Dict[str, Any]]:
    """EntityRuler patterns; the pattern id carries the normalized value (and status)."""
    patterns: List[Dict[str, Any]] = []
    for entity in ENTITY_TYPES:
        for value, surfaces in vocabulary.surface_forms(entity).items():
            for surface in surfaces:
                patterns.append({"label": entity, "id": value, "pattern": _token_pattern(nlp, str(surface))})
    for phrase in vocabulary.not_entities:
        patterns.append({"label": NOT_AN_ENTITY, "pattern": _token_pattern(nlp, str(phrase))})
    status_words = vocabulary.biomarker_status
    for gene, surfaces in vocabulary.biomarker.items():
        for surface in surfaces:
            gene_tokens = _token_pattern(nlp, str(surface))
            for status, words in status_words.items():
                for word in words:
                    word_tokens = _token_pattern(nlp, str(word))
                    status_id = f"{gene}{STATUS_SEPARATOR}{status}"
                    if word in {"non"}:  # prefix form: non-ALK
                        patterns.append(
                            {
                                "label": "biomarker",
                                "id": status_id,
                                "pattern": [*word_tokens, {"TEXT": "-", "OP": "?"}, *gene_tokens],
                            }
                        )
                        continue
                    patterns.append(
                        {
                            "label": "biomarker",
                            "id": status_id,
                            "pattern": [*gene_tokens, {"TEXT": {"IN": ["-", "–"]}, "OP": "?"}, *word_tokens],
                        }
                    )
            # Trailing minus sign ("ALK-"): negative, checked again in the extractor.
            patterns.append(
                {
                    "label": "biomarker",
                    "id": f"{gene}{STATUS_SEPARATOR}negative",
                    "pattern": [*gene_tokens, {"TEXT": "-"}],
                }
            )
    return patterns


@functools.lru_cache(maxsize=1)
def entity_nlp() -> Language:
    """Blank English with an EntityRuler over the vocabulary; built once per process."""
    nlp = blank_english()
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True})
    ruler.add_patterns(entity_patterns(nlp, load_vocabulary()))
    return nlp
