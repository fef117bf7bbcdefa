"""The knowledge base: schema, loader, citations, coverage and the article corrections."""

import copy
import re
import shutil
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from knowledge.loader import DATA_DIR, load_knowledge_base
from knowledge.schema import Certainty, KnowledgeBase, Reference, Topic
from knowledge.source_notes import claim_numbers, source_note_problems

DATA = Path(__file__).resolve().parent / "data"
# PMIDs, DOIs and URLs written in the evidence notes, vendored (see the file's header).
EVIDENCE_IDENTIFIERS = DATA / "evidence_identifiers.txt"


def _all_claims(kb):
    return [(entry, claim) for entry in kb.entries for claim in entry.claims]


def test_loads_and_covers_every_topic_with_depth(kb):
    claims = _all_claims(kb)
    assert len(claims) >= 150
    per_topic = {topic: sum(1 for e, _ in claims if e.topic == topic) for topic in Topic}
    assert all(count >= 20 for count in per_topic.values()), per_topic


def test_every_claim_cites_existing_references(kb):
    for _, claim in _all_claims(kb):
        assert claim.cites
        assert all(ref in kb.references for ref in claim.cites), claim.id


def test_every_reference_has_an_identifier_and_is_cited(kb):
    cited = {ref for _, claim in _all_claims(kb) for ref in claim.cites}
    for ref in kb.references.values():
        assert ref.pmid or ref.doi or ref.url, ref.id
    assert set(kb.references) == cited, set(kb.references) - cited


def test_identifiers_appear_in_the_evidence_notes(kb):
    """No invented PMID or DOI: each must be written in the curated evidence notes."""
    lines = EVIDENCE_IDENTIFIERS.read_text(encoding="utf-8").splitlines()
    known = {tuple(line.split(" ", 1)) for line in lines if line and not line.startswith("#")}
    assert len(known) > 50  # the vendored list itself is there
    for ref in kb.references.values():
        if ref.pmid:
            assert ("pmid", ref.pmid) in known, f"{ref.id} PMID {ref.pmid} not in evidence notes"
        if ref.doi:
            assert ("doi", ref.doi) in known, f"{ref.id} DOI {ref.doi} not in evidence notes"


def test_uncertain_claims_say_so_in_both_wordings(kb):
    hedges = re.compile(
        r"limited|uncertain|not (?:been )?(?:verified|confirmed|established|found|seen|known|clear|standardi[sz]ed|proven)"
        r"|could not|cannot be|vary|varies|varied|range|case reports?|anecdot|unclear|unknown|unproven|disput"
        r"|approximate|low-level|small (?:series|number|studies|study)|few (?:patients|cases|reports|studies)|weak"
        r"|no (?:reliable|standard|established|proven|\w+-specific)|differ|disagree|commonly quoted|evidence is"
        r"|evidence (?:comes|for)|only (?:a few|small|case|individual|one|two|\d)|conflicting|debated|retrospective"
        r"|biased|rather than (?:clinical )?trials|single (?:reported )?case|one patient|just \d+ patients"
        r"|looking back|past cases|not an established|review-level|not clinical|cohort evidence|literature review"
        r"|these numbers|did not test|might work",
        re.IGNORECASE,
    )
    for _, claim in _all_claims(kb):
        if claim.certainty != Certainty.established:
            assert hedges.search(claim.clinician), f"{claim.id} clinician wording hides its uncertainty"
            assert hedges.search(claim.patient), f"{claim.id} patient wording hides its uncertainty"


def test_article_corrections_are_in_the_knowledge_base(kb):
    text = " ".join(claim.clinician for _, claim in _all_claims(kb))
    assert re.search(r"adults?[^.]*250 mg[^.]*twice daily", text, re.I)
    assert re.search(r"280 mg/m²[^.]*twice daily", text)
    assert "14 July 2022" in text or "July 14, 2022" in text
    assert not re.search(r"approved[^.]*\bin 2020\b", text) or "incorrect" in text.lower()


def test_every_dose_names_its_population_and_patient_wording_defers_to_care_team(kb):
    for entry, claim in _all_claims(kb):
        if entry.topic != Topic.dosing:
            continue
        assert "your care team" in claim.patient.lower(), claim.id
        if re.search(r"\d+\s*mg", claim.clinician):
            assert re.search(r"adult|pediatric|child|patients aged|years", claim.clinician, re.I), claim.id


def _write_kb(tmp_path, mutate):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    path = target / "dosing.yml"
    entries = yaml.safe_load(path.read_text())
    mutate(entries)
    path.write_text(yaml.safe_dump(entries, allow_unicode=True))
    return target


def test_dangling_citation_fails_validation(tmp_path):
    def dangle(entries):
        entries[0]["claims"][0]["cites"] = ["R999"]

    with pytest.raises(ValueError, match="R999"):
        load_knowledge_base(_write_kb(tmp_path, dangle))


def test_missing_citation_fails_validation(tmp_path):
    def strip(entries):
        entries[0]["claims"][0]["cites"] = []

    with pytest.raises(ValueError):
        load_knowledge_base(_write_kb(tmp_path, strip))


def test_unknown_facet_value_fails_validation(tmp_path):
    def bad(entries):
        entries[0]["facets"] = {"population": ["teenagers"]}

    with pytest.raises(ValueError, match="population"):
        load_knowledge_base(_write_kb(tmp_path, bad))


def test_an_entry_cannot_approve_itself_in_its_yaml(tmp_path):
    """Approval comes only from the sign-off log, with the hash of what was approved."""

    def approve(entries):
        entries[0]["review"] = {"status": "approved", "reviewer": "A Name, oncologist", "last_reviewed": "2026-11-29"}

    with pytest.raises(ValueError, match=r"knowledge\.review approve"):
        load_knowledge_base(_write_kb(tmp_path, approve))


def test_reference_needs_an_identifier():
    with pytest.raises(ValidationError, match="at least one of pmid, doi, url"):
        Reference(id="R1", authors="A", title="T", source="J", year=2020)
    with pytest.raises(ValidationError):
        Reference(id="R1", authors="A", title="T", source="J", year=2020, pmid="not-a-pmid")


def test_duplicate_claim_ids_fail(kb):
    entries = copy.deepcopy(kb.entries)
    entries.append(entries[0])
    with pytest.raises(ValidationError, match="duplicate"):
        KnowledgeBase(references=kb.references, entries=entries)


def test_approved_only_serves_only_approved_entries():
    mixed, log = DATA / "kb_mixed_review", DATA / "kb_mixed_review_approvals.yml"
    assert {e.id for e in load_knowledge_base(mixed, approvals_file=log).entries} == {
        "approved-dose",
        "unreviewed-food",
    }
    approved = load_knowledge_base(mixed, approved_only=True, approvals_file=log)
    assert [e.id for e in approved.entries] == ["approved-dose"]


def test_every_number_a_claim_states_is_in_its_source_note(kb):
    problems = {
        claim.id: found
        for _, claim in _all_claims(kb)
        if (found := source_note_problems(claim.clinician, claim.patient, claim.source_note))
    }
    assert not problems, problems


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        (None, "without a source note"),
        ("Label section 2.4: resume at 200 mg twice daily.", "not in the source note: 250"),
        ("Adults: 250 mg orally twice daily, pediatric dosing is by body-surface area.", "repeats the claim"),
    ],
)
def test_source_note_check_catches_a_missing_note_a_missing_number_and_a_copy(note, expected):
    claim = "Adults: 250 mg orally twice daily; pediatric dosing is by body-surface area."
    problems = source_note_problems(claim, "Your care team decides the dose (250 mg for adults).", note)
    assert any(expected in problem for problem in problems), problems


def test_a_note_with_every_number_and_its_own_words_passes():
    note = "US label section 2.2: recommended adult dosage 250 mg orally twice daily until progression."
    assert not source_note_problems("Adults take 250 mg twice daily.", "Adults take 250 mg twice a day.", note)


def test_numbers_with_units_glued_on_count_and_identifiers_do_not():
    assert claim_numbers("ALT above 5x ULN; 250mg twice daily; 1,000 patients") == {"5", "250", "1000"}
    assert claim_numbers("CYP3A4 inhibitors, the D5F3 clone, ADVL0912, R1, COVID-19") == set()
