"""Conversation story tests: `rasa test core` on tests/test_stories.yml against the real stack.

(`rasa data validate` runs as its own step before the tests: `make validate`.)
"""

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
TEST_STORIES = ROOT / "tests" / "test_stories.yml"


def test_conversation_stories_pass(stack, tmp_path):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(yaml.safe_dump({"action_endpoint": {"url": f"{stack.actions_url}/webhook"}}))
    out = tmp_path / "results"
    command = [sys.executable, "-m", "rasa", "test", "core", "--model", "models/imt.tar.gz"]
    command += ["--stories", str(TEST_STORIES), "--endpoints", str(endpoints), "--out", str(out)]
    result = subprocess.run([*command, "--fail-on-prediction-errors"], cwd=ROOT, capture_output=True, text=True)
    failed = out / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else (result.stdout + result.stderr)[-3000:]
    assert result.returncode == 0, details
    assert (out / "story_report.json").exists()
