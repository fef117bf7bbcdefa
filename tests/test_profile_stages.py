"""The per-stage breakdown's arithmetic and table (the profile itself needs the stack)."""

import pytest

from bot.tools.profile_stages import STAGES, render, summarize


def test_stages_add_up_to_the_total_with_rasas_own_time_as_the_rest():
    per_message = [
        {"tracker store: read": 2, "NLU": 10, "policy prediction": 3, "action server call": 8, "total": 25}
        | {"component: DIETClassifier": 4.0, "component: SafetyGate": 1.0},
        {"tracker store: read": 4, "NLU": 14, "policy prediction": 3, "tracker store: write": 3, "total": 27},
    ]
    replayed = [{"action (in the action server)": 6.0, "composer": 5.0}]
    summary = summarize(per_message, replayed)
    rows = summary["stages"]
    assert summary["messages"] == 2 and summary["action_server_calls"] == 1
    assert rows["NLU"]["mean_ms"] == 12 and rows["NLU"]["share"] == pytest.approx(12 / 26)
    assert rows["action server call"]["p50_ms"] == 4  # a message that called no action counts 0
    assert rows["other (Rasa's own bookkeeping)"]["mean_ms"] == pytest.approx(26 - (3 + 12 + 3 + 4 + 1.5))
    assert rows["  of the call: composer"]["mean_ms"] == 2.5  # per message, not per call
    assert summary["components_mean_ms"] == {"DIETClassifier": 2.0, "SafetyGate": 0.5}  # per message
    table = render(summary)
    assert "| DIETClassifier | 2.00 |" in table
    for stage, *_ in STAGES:
        assert f"| {stage} |" in table
    assert "| total | 26.0 | 26.0 | 100% |" in table
