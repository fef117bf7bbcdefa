"""The review sheet (with review states and changes since approval) and the coverage report."""

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from knowledge.content_diff import changes, word_diff
from knowledge.coverage import coverage
from knowledge.loader import load_knowledge_base
from knowledge.review_sheet import only_changed, render_html, render_markdown, rows
from knowledge.review_state import add_months

ROOT = Path(__file__).resolve().parents[1]


def test_review_sheet_has_one_row_per_claim(kb):
    claims = sum(len(e.claims) for e in kb.entries)
    assert len(rows(kb)) == claims
    markdown = render_markdown(kb)
    # a header row and one row per claim, then a header row and one row per entry
    assert markdown.count("\n| ") == claims + 1 + len(kb.entries) + 1
    html = render_html(kb)
    assert html.count("<tr class=") == claims


def test_review_sheet_shows_each_entrys_questions_and_corrections(kb):
    html = render_html(kb)
    for entry in kb.entries:
        assert entry.ask.replace("'", "&#39;") in html
        assert entry.questions[0].replace("'", "&#39;").replace('"', "&#34;") in html
        for misconception in entry.misconceptions:
            assert misconception.belief.replace("'", "&#39;") in html


def test_review_sheet_escapes_html(kb):
    entry = kb.entries[0].copy(deep=True)
    entry.claims[0].clinician = "<script>alert(1)</script> dose"
    patched = kb.copy(update={"entries": [entry]})
    html = render_html(patched)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_coverage_counts_add_up(kb):
    report = coverage(kb)
    claims = sum(len(e.claims) for e in kb.entries)
    for key in ("claims_per_topic", "claims_per_evidence", "claims_per_status", "claims_per_certainty"):
        assert sum(report[key].values()) == claims
    assert report["references_never_cited"] == []


def test_coverage_finds_uncited_references(kb):
    first = next(iter(kb.references.values()))
    extra = first.copy(update={"id": "R999"})
    report = coverage(kb.copy(update={"references": {**kb.references, "R999": extra}}))
    assert report["references_never_cited"] == ["R999"]


def test_commands_run(tmp_path):
    out = tmp_path / "sheet.html"
    for command in (
        ["-m", "knowledge.review_sheet", "--format", "html", "--out", str(out)],
        ["-m", "knowledge.coverage"],
    ):
        result = subprocess.run([sys.executable, *command], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    assert out.read_text().startswith("<!doctype html>")


# --- the sheet's review states: review due, and what changed since approval -------------

MIXED = ROOT / "tests" / "data" / "kb_mixed_review"
MIXED_LOG = ROOT / "tests" / "data" / "kb_mixed_review_approvals.yml"


def _mixed_kb(tmp_path, edit_clinician=None):
    """The two-entry fixture (one approved), copied; optionally with the approved claim edited."""
    data = tmp_path / "kb"
    shutil.copytree(MIXED, data)
    if edit_clinician:
        path = data / "entries.yml"
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
        entries[0]["claims"][0]["clinician"] = edit_clinician(entries[0]["claims"][0]["clinician"])
        path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_knowledge_base(data, approvals_file=MIXED_LOG)


def test_review_sheet_shows_review_due_after_the_period(tmp_path):
    kb = _mixed_kb(tmp_path)
    approved_on = next(e for e in kb.entries if e.id == "approved-dose").review.last_reviewed
    for render in (render_html, render_markdown):
        assert "REVIEW DUE" not in render(kb, today=add_months(approved_on, 11))
        due = render(kb, today=add_months(approved_on, 12))
        assert "REVIEW DUE" in due and "approved by Test Reviewer, oncologist" in due
        assert "REVIEW DUE" in render(kb, today=add_months(approved_on, 7), period_months=6)
    assert 'class="due"' in render_html(kb, today=add_months(approved_on, 12))


def test_review_sheet_filters_to_what_changed_since_approval_and_shows_the_change(tmp_path):
    unchanged = _mixed_kb(tmp_path / "a")
    assert "Changed since approval: 0" in render_markdown(unchanged)
    assert rows(only_changed(unchanged)) == []
    changed = _mixed_kb(tmp_path / "b", lambda text: text.replace("250 mg", "200 mg"))
    markdown = render_markdown(changed, changed_only=True)
    assert "~~250~~ **200**" in markdown and "claim approved-dose-1, clinician wording" in markdown
    assert "unreviewed-food" not in markdown  # never approved, so nothing to compare with
    html = render_html(changed, changed_only=True)
    assert "<del>250</del>" in html and "<ins>200</ins>" in html
    assert html.count("<tr class=") == 1 + 1  # one change row, one claim row


def test_content_diff_names_added_removed_and_changed_fields():
    approved = {
        "topic": "dosing",
        "claims": [{"id": "c1", "clinician": "250 mg twice daily"}, {"id": "c2", "clinician": "x"}],
    }
    current = {
        "topic": "dosing",
        "claims": [{"id": "c1", "clinician": "200 mg twice daily"}, {"id": "c3", "clinician": "y"}],
    }
    found = {c.where: (c.before, c.after) for c in changes(approved, current)}
    assert found == {
        "claim c1, clinician wording": ("250 mg twice daily", "200 mg twice daily"),
        "claim c3, clinician wording": (None, "y"),
        "claim c2, clinician wording": ("x", None),
    }
    assert word_diff("250 mg twice daily", "200 mg twice daily") == [
        ("removed", "250"),
        ("added", "200"),
        ("same", "mg twice daily"),
    ]


def test_review_sheet_shows_each_claims_source_note(kb):
    noted = [claim for entry in kb.entries for claim in entry.claims if claim.source_note]
    assert noted
    html, markdown = render_html(kb), render_markdown(kb)
    for claim in noted:
        assert claim.source_note.split()[0] in html
    assert markdown.count("*Source note:*") == len(noted)
