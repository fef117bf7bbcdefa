"""`rasa data validate` at the root, failing on any warning that is not expected.

    python -m bot.tools.validate

The gate-only intents (personal_decision, unusable_input) have no training examples on
purpose: the gate sets them; and the responses the custom actions send are in no story.
Every other warning fails.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from actions.actions import RESPONSES
from knowledge.loader import CHANNEL_RESPONSES
from nlu.components.safety_gate import GATE_ONLY_INTENTS

ROOT = Path(__file__).resolve().parents[2]


def unexpected_warnings(output: str) -> list:
    expected = [f"'{intent}' is listed in the domain" for intent in GATE_ONLY_INTENTS]
    expected += [
        f"The utterance '{name}' is not used in any story or rule" for name in {*RESPONSES, *CHANNEL_RESPONSES}
    ]
    warnings = [line for line in output.splitlines() if "UserWarning" in line]
    return [w for w in warnings if not any(ok in w for ok in expected)]


def main() -> int:
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "data", "validate"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    output = result.stdout + result.stderr
    unexpected = unexpected_warnings(output)
    if result.returncode != 0 or unexpected:
        print(output[-4000:], file=sys.stderr)
        print("\n".join(["unexpected warnings:", *unexpected]) if unexpected else "rasa data validate failed")
        return 1
    print("rasa data validate: OK (only the gate-only intents have no training examples, as intended)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
