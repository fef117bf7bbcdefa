"""How the ranker reads text: accents, capitalised acronyms and misspellings."""

from knowledge.ranker import Analyzer, EntryRanker, load_retrieval_vocabulary, tokens


def test_accented_author_names_stay_whole_words():
    assert tokens("Mariño-Enríquez 2011, Schöffski, it’s") == ["marino", "enriquez", "2011", "schoffski", "its"]


def test_a_capitalised_acronym_is_not_the_stopword_it_spells():
    analyzer = Analyzer(load_retrieval_vocabulary())
    assert "world" in analyzer.terms("which old names does the WHO no longer use?")
    assert "world" not in analyzer.terms("who treats it?")


def test_a_typo_in_an_entry_question_is_corrected_not_learnt(kb):
    # Entry questions carry deliberate typos; the words the correction accepts come from the
    # curated text only, or "spredd" in one question would stop "spredd" being read as spread.
    entry = kb.entries[0]
    with_typo = entry.copy(update={"questions": [*entry.questions, "does it spredd to the bones?"]})
    ranker = EntryRanker(kb.copy(update={"entries": [with_typo, *kb.entries[1:]]}))
    assert "spredd" not in ranker.analyzer.lexicon
    assert ranker.analyzer.terms("spredd", query=True) == ranker.analyzer.terms("spread", query=True)


def test_the_entry_classifier_learns_which_questions_each_entry_answers(kb):
    # Trained on every entry's questions: each entry's own canonical question ("ask") should
    # score that entry highest. A misaligned class order or an untrained model fails here.
    ranker = EntryRanker(kb)
    hits = [int(ranker.classifier_scores(entry.ask).argmax()) == index for index, entry in enumerate(ranker.entries)]
    assert sum(hits) / len(hits) >= 0.95
    scores = ranker.classifier_scores("what dose of crizotinib for a child?")
    assert scores.min() == 0.0 and scores.max() == 1.0
    # No words, no evidence: not the intercepts stretched to 0-1.
    assert not ranker.classifier_scores("").any()


def test_a_yaml_boolean_is_not_accepted_as_a_word():
    # Unquoted, YAML reads "on" and "yes" as booleans; the word lists must refuse them.
    import pytest
    from pydantic import ValidationError

    from knowledge.ranker import RetrievalVocabulary

    fields = load_retrieval_vocabulary().dict()
    with pytest.raises(ValidationError):
        RetrievalVocabulary(**{**fields, "stopwords": [*fields["stopwords"], True]})


def test_a_message_that_only_tells_its_background_is_told_from_a_question(kb):
    ranker = EntryRanker(kb)
    told = [
        "my son is 12",
        "my baby is 9 months old and they think it's IMT in the liver",
        "they found a mass in her pelvis and the biopsy says IMT",
        "My daughter started Alecensa last week",
        "she's 40 kg",
        # A clinician's bare finding names no one (twelfth session): results, measurements.
        "ROS1 rearranged by FISH, IHC weak",
        "BSA 0.8 m2",
        "creatinine 1.9x ULN",
        "62 yo female, bladder primary",
        "he had a partial response on the 3-month scan",
    ]
    asked = [
        "my son has an IMT in his lung, is it cancer?",
        "my dauhgter is 8 and has imt in her bladder wat is it",  # a misspelt question word
        "my son is on crizotinib and has diarrhoea",  # a symptom says what it asks about
        "I'm worried it will come back",
        "lung imt in adults",  # shorthand for a question, about nobody in particular
        "surgery",
        # A topic or a name alone asks about it; the tumour named asks about it.
        "relapse",
        "complete response",
        "lorlatinib",
        "ALK positive IMT",
        "ALK IHC clone",
    ]
    assert [m for m in told if not ranker.tells_only_background(m)] == []
    assert [m for m in asked if ranker.tells_only_background(m)] == []
