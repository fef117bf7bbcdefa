"""The rule-based spaCy entity extractor returns normalized values and status roles."""

import pytest

from nlu.components.imt_entities import ImtEntityExtractor


@pytest.fixture(scope="module")
def extractor():
    return ImtEntityExtractor({})


def _triples(extractor, text):
    return [(e["entity"], e["value"], e.get("role")) for e in extractor.extract(text)]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("what is the Xalkori dose", [("drug", "crizotinib", None)]),
        ("crizotinb side effects", [("drug", "crizotinib", None)]),
        ("ALK+ IMT", [("biomarker", "ALK", "positive")]),
        ("ALK-rearranged tumour", [("biomarker", "ALK", "positive")]),
        ("and if it's ALK negative?", [("biomarker", "ALK", "negative")]),
        ("non-ALK IMT", [("biomarker", "ALK", "negative")]),
        ("ALK- disease", [("biomarker", "ALK", "negative")]),
        ("ALK-IHC staining", [("gene", "ALK", None)]),
        ("ROS1 fusion", [("biomarker", "ROS1", "positive")]),
        ("PDGFRβ", [("gene", "PDGFRB", None)]),
        ("pulmonary IMT", [("body_site", "lung", None)]),
        ("head and neck IMT", [("body_site", "head_and_neck", None)]),
        ("what about kids?", [("population", "pediatric", None)]),
        ("and for a 6-year-old?", [("population", "pediatric", None)]),
        ("for a 70 year old", [("population", "elderly", None)]),
        ("my 35 yo wife", [("population", "adult", None)]),
        ("18 months old", [("population", "pediatric", None)]),
        ("while pregnant", [("population", "pregnancy", None)]),
        # Fusions written with their partner, and a gene naming the tumour, are positive.
        ("NGS shows TFG-ROS1", [("biomarker", "ROS1", "positive")]),
        ("EML4-ALK", [("biomarker", "ALK", "positive")]),
        ("ETV6-NTRK3 IMT", [("biomarker", "NTRK", "positive")]),
        ("treatment of ROS1 IMT", [("biomarker", "ROS1", "positive")]),
        ("Anti-ALK antibody clone", [("gene", "ALK", None)]),
        ("an ALK inhibitor", [("gene", "ALK", None)]),
        ("what about ROS1?", [("gene", "ROS1", None)]),
        # A gene's status in another cancer's name belongs to that cancer.
        (
            "alectinib for ALK-positive lung cancer",
            [("drug", "alectinib", None), ("other_condition", "lung cancer", None)],
        ),
        ("ALK+ NSCLC", [("other_condition", "non-small cell lung cancer", None)]),
        ("ROS1 IMT vs ROS1 lung cancer", [("biomarker", "ROS1", "positive"), ("other_condition", "lung cancer", None)]),
        # A son's or daughter's age, without "years old".
        ("my son is 12", [("population", "pediatric", None)]),
        ("our daughter (she's 11) started it", [("population", "pediatric", None)]),
        ("my little boy who is 5", [("population", "pediatric", None)]),
        ("my son is 30", [("population", "adult", None)]),
        ("my son is 12 kg", []),
        ("my daughter is 2 weeks post-op", []),
        ("she's 6", []),
        ("I'm 16 and have IMT in my lung", [("population", "pediatric", None), ("body_site", "lung", None)]),
        ("im 34", [("population", "adult", None)]),
        ("I'm 5 weeks post-op", []),
        # Symptoms named by an organ are not the tumour's site.
        ("stomach problems on ceritinib?", [("drug", "ceritinib", None)]),
        ("early pulmonary AEs?", []),
    ],
)
def test_normalized_entities(extractor, text, expected):
    assert _triples(extractor, text) == expected


def test_spans_point_at_the_surface_text(extractor):
    text = "Xalkori for ALK-positive lung IMT in kids"
    spans = {e["value"]: text[e["start"] : e["end"]] for e in extractor.extract(text)}
    assert spans == {"crizotinib": "Xalkori", "ALK": "ALK-positive", "lung": "lung", "pediatric": "kids"}


def test_a_gene_is_masked_as_a_biomarker_with_or_without_a_status():
    from rasa.shared.nlu.training_data.message import Message

    from nlu.components.spacy_tokenizer import SpacyBlankTokenizer

    tokenizer = SpacyBlankTokenizer({**SpacyBlankTokenizer.get_default_config(), "mask_entities": True})
    for text in ("what about ROS1?", "what about ROS1-positive?"):
        lemmas = [t.lemma for t in tokenizer.tokenize(Message(data={"text": text}), "text")]
        assert lemmas == ["what", "about", "__biomarker__", "?"], text


def test_tokenizer_masks_entity_mentions_for_the_classifier():
    from rasa.shared.nlu.training_data.message import Message

    from nlu.components.spacy_tokenizer import SpacyBlankTokenizer

    tokenizer = SpacyBlankTokenizer({**SpacyBlankTokenizer.get_default_config(), "mask_entities": True})
    text = "Xalkori dose for a 6-year-old with ALK-negative IMT"
    tokens = tokenizer.tokenize(Message(data={"text": text}), "text")
    assert [t.lemma for t in tokens] == [
        "__drug__",
        "dose",
        "for",
        "a",
        "__population__",
        "with",
        "__biomarker__",
        "imt",
    ]
    spans = {t.lemma: text[t.start : t.end] for t in tokens if t.lemma.startswith("__")}
    assert spans == {"__drug__": "Xalkori", "__population__": "6-year-old", "__biomarker__": "ALK-negative"}


@pytest.mark.parametrize(
    "text, kept",
    [
        ("besides ALK, what other gene changes can IMT have?", []),
        ("other than crizotinib, which drugs help ALK-positive IMT?", [("biomarker", "ALK")]),
        ("apart from the lung, where else does it grow?", []),
        # At the end, "besides" means "as well as".
        ("is alectinib used besides crizotinib?", [("drug", "alectinib"), ("drug", "crizotinib")]),
    ],
)
def test_what_a_question_sets_aside_is_not_what_it_asks_about(extractor, text, kept):
    # "besides ALK" must not make the answer ALK-specific (entries on other genes clash with it).
    found = [(e["entity"], e["value"]) for e in extractor.extract(text)]
    assert found == kept
