"""Clinicians' sign-off: the approval hash, the fall-back to under review when approved
content changes, requests for changes, review age, and the `knowledge.review` command.

Every test works on a temporary copy of the knowledge base and its own sign-off log;
nothing here writes to knowledge/data or knowledge/approvals.yml.
"""

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from knowledge.approvals import read_log, record
from knowledge.loader import DATA_DIR, load_knowledge_base
from knowledge.review import reviewer_name
from knowledge.review_state import add_months, describe, review_due
from knowledge.schema import Decision, ReviewStatus
from knowledge.signoff_content import entry_hash

ROOT = Path(__file__).resolve().parents[1]
ENTRY = "dosing-crizotinib-adult"
REVIEWER = "Dr Test Reviewer, paediatric oncologist"
APPROVED_AT = dt.datetime(2026, 3, 15, 9, 30, tzinfo=dt.timezone.utc)


@pytest.fixture
def kb_copy(tmp_path):
    """A writable copy of the knowledge base and an empty sign-off log beside it."""
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    return data, tmp_path / "approvals.yml"


def _load(kb_copy):
    data, log = kb_copy
    return load_knowledge_base(data, approvals_file=log)


def _entry(kb, entry_id=ENTRY):
    return next(e for e in kb.entries if e.id == entry_id)


def _approve(kb_copy, entry_id=ENTRY, at=APPROVED_AT):
    kb = _load(kb_copy)
    return record(kb_copy[1], _entry(kb, entry_id), kb.references, Decision.approved, REVIEWER, now=at)


def _edit_entry(kb_copy, edit, entry_id=ENTRY, file="dosing.yml"):
    """Change one entry in the copy's YAML (a curator's edit)."""
    path = kb_copy[0] / file
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(next(e for e in entries if e["id"] == entry_id))
    path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_the_shipped_knowledge_base_has_no_approvals(kb):
    """No clinician has reviewed it: nothing may be shipped as approved."""
    assert all(e.review.status != ReviewStatus.approved for e in kb.entries)
    assert read_log(ROOT / "knowledge" / "approvals.yml") == {}


def test_an_approval_records_who_when_and_the_hash_of_what_was_approved(kb_copy):
    sign_off = _approve(kb_copy)
    kb = _load(kb_copy)
    entry = _entry(kb)
    assert sign_off.content_hash == entry_hash(entry, kb.references)
    assert entry.review.status == ReviewStatus.approved
    assert entry.review.reviewer == REVIEWER and entry.review.last_reviewed == APPROVED_AT.date()
    others = [e for e in kb.entries if e.id != ENTRY]
    assert all(e.review.status == ReviewStatus.under_review for e in others)


@pytest.mark.parametrize(
    "edit",
    [
        lambda e: e["claims"][0].update(clinician=e["claims"][0]["clinician"].replace("250 mg", "200 mg")),
        lambda e: e["claims"][0].update(patient=e["claims"][0]["patient"] + " Take it with water."),
        lambda e: e["claims"][0].update(certainty="limited"),
        lambda e: e["claims"][0].update(cites=["R5"]),
        lambda e: e["claims"][0].update(evidence="review"),
        lambda e: e["facets"].update(population=["pediatric"]),
        lambda e: e["claims"].pop(),
        lambda e: e["misconceptions"][0].update(corrected_by=["dosing-crizotinib-adult-1"]),
        lambda e: e["claims"][0].update(source_note=e["claims"][0]["source_note"] + " Read again on a newer copy."),
    ],
    ids=[
        "dose",
        "patient-wording",
        "certainty",
        "citation",
        "evidence",
        "facets",
        "claim-removed",
        "correction",
        "source-note",
    ],
)
def test_approved_content_that_changes_falls_back_to_under_review(kb_copy, edit):
    _approve(kb_copy)
    _edit_entry(kb_copy, edit)
    review = _entry(_load(kb_copy)).review
    assert review.status == ReviewStatus.under_review
    assert review.changed_since_approval and review.last_approval.reviewer == REVIEWER


def test_a_changed_reference_voids_the_approvals_that_cite_it(kb_copy):
    _approve(kb_copy)
    path = kb_copy[0] / "references.yml"
    references = yaml.safe_load(path.read_text(encoding="utf-8"))
    next(r for r in references if r["id"] == "R1")["title"] = "Another label"
    path.write_text(yaml.safe_dump(references, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert _entry(_load(kb_copy)).review.status == ReviewStatus.under_review


@pytest.mark.parametrize(
    "edit",
    [
        lambda e: e["questions"].append("how much xalkori does a grown-up take, please?"),
        lambda e: e["keywords"].append("posology"),
        lambda e: e.update(ask="What is the adult crizotinib dose?"),
        lambda e: e.update(title="Crizotinib: the adult dose"),
        lambda e: e["misconceptions"][0]["statements"].append("adults and kids both get 250 mg twice daily, yes?"),
    ],
    ids=["questions", "keywords", "ask", "title", "belief-statements"],
)
def test_retrieval_tuning_keeps_the_approval(kb_copy, edit):
    _approve(kb_copy)
    _edit_entry(kb_copy, edit)
    review = _entry(_load(kb_copy)).review
    assert review.status == ReviewStatus.approved and not review.changed_since_approval


def test_reapproving_changed_content_restores_the_approval(kb_copy):
    _approve(kb_copy)
    _edit_entry(kb_copy, lambda e: e["claims"][0].update(certainty="limited"))
    _approve(kb_copy, at=APPROVED_AT + dt.timedelta(days=40))
    review = _entry(_load(kb_copy)).review
    assert review.status == ReviewStatus.approved and review.last_reviewed == dt.date(2026, 4, 24)
    assert len(read_log(kb_copy[1])[ENTRY]) == 2  # the history is kept


def test_changes_requested_hold_until_the_content_changes(kb_copy):
    kb = _load(kb_copy)
    record(kb_copy[1], _entry(kb), kb.references, Decision.changes_requested, REVIEWER, note="Name the tablet form.")
    review = _entry(_load(kb_copy)).review
    assert review.status == ReviewStatus.changes_requested and review.note == "Name the tablet form."
    _edit_entry(kb_copy, lambda e: e["claims"][0].update(clinician=e["claims"][0]["clinician"] + " Tablets exist."))
    assert _entry(_load(kb_copy)).review.status == ReviewStatus.under_review


def test_a_hand_edited_approval_is_refused(kb_copy):
    _approve(kb_copy)
    log = yaml.safe_load(kb_copy[1].read_text(encoding="utf-8"))
    log[ENTRY][0]["content"]["claims"][0]["clinician"] = "Something the reviewer never saw."
    kb_copy[1].write_text(yaml.safe_dump(log), encoding="utf-8")
    with pytest.raises(ValueError, match="does not match its hash"):
        _load(kb_copy)


def test_an_approval_is_due_for_review_after_the_period():
    kb = load_knowledge_base(ROOT / "tests" / "data" / "kb_mixed_review", approvals_file=_fixture_log())
    review = _entry(kb, "approved-dose").review
    approved_on = review.last_reviewed
    assert not review_due(review, add_months(approved_on, 12) - dt.timedelta(days=1), 12)
    assert review_due(review, add_months(approved_on, 12), 12)
    assert review_due(review, add_months(approved_on, 6), 6)
    assert "REVIEW DUE" in describe(review, add_months(approved_on, 13), 12)
    assert "REVIEW DUE" not in describe(review, approved_on, 12)


def test_add_months_keeps_the_day_or_the_months_last():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 11, 29), 12) == dt.date(2027, 11, 29)
    assert add_months(dt.date(2027, 12, 15), 3) == dt.date(2028, 3, 15)


def test_the_review_period_is_a_setting(monkeypatch):
    from knowledge.settings import Settings

    assert Settings().review_period_months == 12
    monkeypatch.setenv("IMT_REVIEW_PERIOD_MONTHS", "6")
    assert Settings().review_period_months == 6


def test_a_reviewer_is_named_with_their_role():
    import argparse

    assert reviewer_name(" Dr A Roe ,  oncologist ") == "Dr A Roe, oncologist"
    for bad in ("Dr A Roe", ", oncologist", "Dr A Roe,"):
        with pytest.raises(argparse.ArgumentTypeError):
            reviewer_name(bad)


def _fixture_log():
    return ROOT / "tests" / "data" / "kb_mixed_review_approvals.yml"


def _run(*args, cwd=ROOT):
    result = subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_cli_round_trip_on_a_copy(kb_copy, tmp_path):
    """approve → list → a curator's edit → list and the sheet show the change → re-approve."""
    data, log = kb_copy
    where = ["--data-dir", str(data), "--approvals", str(log)]
    out = _run("-m", "knowledge.review", *where, "approve", ENTRY, "overview-definition", "--reviewer", REVIEWER)
    assert f"{ENTRY}: approved by {REVIEWER}" in out
    _run(
        "-m",
        "knowledge.review",
        *where,
        "request-changes",
        "dosing-crizotinib-pediatric",
        "--reviewer",
        REVIEWER,
        "--note",
        "Add the pellet strengths.",
    )
    listing = _run("-m", "knowledge.review", *where)
    assert listing.index("Changes requested: 1") < listing.index("Under review") < listing.index("Approved: 2")
    assert "Add the pellet strengths." in listing
    assert "REVIEW DUE" in _run("-m", "knowledge.review", *where, "list", "--as-of", "2099-01-01")

    _edit_entry(kb_copy, lambda e: e["claims"][0].update(clinician=e["claims"][0]["clinician"].replace("250", "200")))
    _edit_entry(
        kb_copy,
        lambda e: e["questions"].append("what is this tumour, in plain words?"),
        entry_id="overview-definition",
        file="overview.yml",
    )
    listing = _run("-m", "knowledge.review", *where)
    assert "Approved: 1" in listing and f"{ENTRY}" in listing.split("Under review")[1].split("Approved")[0]
    assert "CHANGED since approved by" in listing

    sheet = tmp_path / "changed.md"
    _run("-m", "knowledge.review_sheet", *where, "--format", "md", "--changed-since-approval", "--out", str(sheet))
    text = sheet.read_text(encoding="utf-8")
    assert "~~250~~ **200**" in text and f"`{ENTRY}`" in text
    assert "overview-definition" not in text  # unchanged clinically, so not in the filtered sheet
    html = tmp_path / "changed.html"
    _run("-m", "knowledge.review_sheet", *where, "--changed-since-approval", "--out", str(html))
    assert "<del>250</del>" in html.read_text(encoding="utf-8")

    _run("-m", "knowledge.review", *where, "approve", ENTRY, "--reviewer", REVIEWER)
    assert "Approved: 2" in _run("-m", "knowledge.review", *where)
    assert (ROOT / "knowledge" / "approvals.yml").read_text(encoding="utf-8").rstrip().endswith("{}")


def test_cli_refuses_an_unknown_entry_and_writes_nothing(kb_copy):
    data, log = kb_copy
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "knowledge.review",
            "--data-dir",
            str(data),
            "--approvals",
            str(log),
            "approve",
            ENTRY,
            "no-such-entry",
            "--reviewer",
            REVIEWER,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "no-such-entry" in result.stderr
    assert not log.exists()
