"""Conversation story tests (`rasa test core`) and data validation (`rasa data validate`)."""

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
TRAINING_FILES = ["nlu/data", "stories/stories.yml", "stories/rules.yml"]
# Gate-only intents have no training examples on purpose (see nlu/data/safety.yml).
EXPECTED_WARNINGS = ("'personal_decision' is listed in the domain", "'unusable_input' is listed in the domain")


def test_rasa_data_validate_is_clean():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "rasa",
            "data",
            "validate",
            "--domain",
            "bot/domain.yml",
            "--config",
            "config.yml",
            "--data",
            *TRAINING_FILES,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    warnings = [line for line in output.splitlines() if "UserWarning" in line]
    unexpected = [w for w in warnings if not any(ok in w for ok in EXPECTED_WARNINGS)]
    assert not unexpected, unexpected


def test_conversation_stories_pass(stack, tmp_path):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(yaml.safe_dump({"action_endpoint": {"url": f"{stack.actions_url}/webhook"}}))
    out = tmp_path / "results"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "rasa",
            "test",
            "core",
            "--model",
            "models/imt.tar.gz",
            "--stories",
            "stories/tests",
            "--endpoints",
            str(endpoints),
            "--out",
            str(out),
            "--fail-on-prediction-errors",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    failed = out / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else (result.stdout + result.stderr)[-3000:]
    assert result.returncode == 0, details
    assert (out / "story_report.json").exists()
