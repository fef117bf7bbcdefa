"""A retraining must see every file that shapes what the model learns: the lists the entity
masks and the safety gate's classifier are built from are part of Rasa's cache keys and of
the run command's retraining check (nlu/training_inputs.py)."""

from __future__ import annotations

from pathlib import Path

from bot.tools import train_if_changed
from knowledge import ranker, safety, scope, vocabulary
from nlu.components.safety_gate import InputGuard
from nlu.components.spacy_tokenizer import SpacyBlankTokenizer
from nlu.training_inputs import ROOT, TOKENIZER_INPUTS, TRIAGE_INPUTS, digest


def test_every_listed_input_exists() -> None:
    missing = [str(p.relative_to(ROOT)) for p in [*TOKENIZER_INPUTS, *TRIAGE_INPUTS] if not p.exists()]
    assert missing == [], f"renamed or removed: update nlu/training_inputs.py ({missing})"


def test_the_lists_the_entity_rules_read_are_tokenizer_inputs() -> None:
    read = {
        vocabulary.VOCABULARY_FILE,
        scope.OTHER_CONDITIONS_FILE,
        scope.SCOPE_CUES_FILE,
        ranker.RETRIEVAL_FILE,
    }
    assert read - set(TOKENIZER_INPUTS) == set()


def test_the_safety_rules_and_examples_are_triage_inputs() -> None:
    assert {safety.SAFETY_FILE, safety.EXAMPLES_DIR} - set(TRIAGE_INPUTS) == set()


def test_the_components_cache_keys_follow_their_inputs() -> None:
    assert SpacyBlankTokenizer.fingerprint_addon({"mask_entities": True}) == digest(TOKENIZER_INPUTS)
    assert SpacyBlankTokenizer.fingerprint_addon({"mask_entities": False}) is None
    assert InputGuard.fingerprint_addon({}) == digest(TRIAGE_INPUTS)


def test_the_retraining_check_covers_both_lists() -> None:
    assert set(TOKENIZER_INPUTS) | set(TRIAGE_INPUTS) <= set(train_if_changed.CODE)


def test_digest_changes_with_a_file_and_a_folders_contents(tmp_path: Path) -> None:
    folder = tmp_path / "examples"
    folder.mkdir()
    (folder / "a.yml").write_text("one\n")
    listed = tmp_path / "rules.yml"
    listed.write_text("x\n")

    def key() -> str:
        return digest([listed, folder], root=tmp_path)

    first = key()
    assert key() == first
    (folder / "a.yml").write_text("two\n")
    second = key()
    assert second != first
    (folder / "b.yml").write_text("new\n")
    third = key()
    assert third != second
    (folder / "notes.txt").write_text("not an input\n")
    assert key() == third
    listed.write_text("y\n")
    assert key() != third
