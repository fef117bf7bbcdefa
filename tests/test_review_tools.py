"""The review sheet and the coverage report."""

import subprocess
import sys
from pathlib import Path

from knowledge.coverage import coverage
from knowledge.review_sheet import render_html, render_markdown, rows

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
