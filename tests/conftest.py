"""Shared fixtures: the knowledge base, rasa_sdk tracker fixtures, and a running stack.

Tiers: a test that uses the stack (or the trained model) is marked `e2e` here, one that uses
the production profile `scaleout`, so `pytest -m "not e2e and not browser and not scaleout"`
(make test-unit) needs no model, server, browser or database.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from knowledge.loader import load_knowledge_base  # noqa: E402

# The domain as the action server receives it with every request (responses included).
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))

DEFAULT_SLOTS = {
    "topic": None,
    "drug": None,
    "biomarker": None,
    "biomarker_status": None,
    "population": None,
    "body_site": None,
    "audience": "clinician",
    "last_claim_ids": None,
    "triage_drug": None,
    "last_question": None,
}


@pytest.fixture(scope="session")
def kb():
    return load_knowledge_base()


def message_classified_as(text, intent, confidence=0.9, **data):
    """An NLU message as the classifier left it, for the rule-based gates that come after it."""
    from rasa.shared.nlu.training_data.message import Message

    message = Message(data={"text": text, **data})
    message.set("intent", {"name": intent, "confidence": confidence})
    message.set("intent_ranking", [{"name": intent, "confidence": confidence}])
    return message


def make_tracker(
    text: str = "",
    intent: str = "ask_overview",
    entities: Optional[List[Dict[str, Any]]] = None,
    slots: Optional[Dict[str, Any]] = None,
    channel: str = "rest",
    intent_ranking: Optional[List[Dict[str, Any]]] = None,
    extra: Optional[Dict[str, Any]] = None,
    earlier: Sequence[str] = (),
) -> Tracker:
    """A rasa_sdk Tracker as the action server receives it after one user message
    (`earlier`: the user's previous questions in the conversation, oldest first)."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": entities or [],
        "intent_ranking": intent_ranking or [{"name": intent, "confidence": 1.0}],
        **(extra or {}),
    }
    events = [
        {"event": "user", "text": t, "parse_data": {"intent": {"name": "ask_overview"}}, "input_channel": channel}
        for t in earlier
    ]
    events.append({"event": "user", "text": text, "parse_data": latest, "input_channel": channel})
    return Tracker("test-user", {**DEFAULT_SLOTS, **(slots or {})}, latest, events, False, None, {}, "action_listen")


TEST_RATE_LIMITS = {"IMT_RATE_PER_ADDRESS": "1000000", "IMT_RATE_PER_SENDER": "1000000"}
STACK_FIXTURES = {"stack", "stack_factory", "trained_model"}
# The production profile (bot/deploy/): PostgreSQL, Redis, nginx and two of each server.
PROFILE_FIXTURES = {"prod_services", "prod_profile"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if STACK_FIXTURES & fixtures:
            item.add_marker(pytest.mark.e2e)
        if PROFILE_FIXTURES & fixtures:
            item.add_marker(pytest.mark.scaleout)


@pytest.fixture
def dispatcher():
    return CollectingDispatcher()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def embedding_origin() -> str:
    """The origin the browser test serves a host page from (another port, so another origin),
    on the test stack's CORS allow-list. Chromium lets only a loopback page reach a loopback
    server, so it is a real server on 127.0.0.1, not a routed fake domain."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture(scope="session")
def trained_model() -> Path:
    result = subprocess.run([sys.executable, "-m", "bot.tools.train_if_changed"], cwd=ROOT)
    assert result.returncode == 0, "training failed"
    return ROOT / "models" / "imt.tar.gz"


def stack_access(embedding_origin: str):
    """The test stack's access: the HTTP API on, with a token (IMT_API_TOKEN or a fresh one)."""
    from bot.tools.api_access import Access
    from knowledge.settings import get_settings

    configured = Access.from_settings(get_settings(), enable_api=True, host="127.0.0.1")
    return replace(configured, cors_origins=[embedding_origin], log_text=False).with_token()


@pytest.fixture(scope="session")
def stack_factory(trained_model, tmp_path_factory, embedding_origin):
    """Starts the real stack (action server + Rasa server) on free ports."""
    from bot.tools.serve import running_stack

    access = stack_access(embedding_origin)

    def start(tracker_db: Path, **env: str):
        log_dir = tmp_path_factory.mktemp("logs")
        # The suites send hundreds of messages quickly from one address and reuse senders;
        # the limits themselves are tested on a stack of their own (test_rate_limits.py).
        env = {**TEST_RATE_LIMITS, **env}
        return running_stack(free_port(), free_port(), tracker_db=tracker_db, log_dir=log_dir, access=access, env=env)

    return start


@pytest.fixture(scope="session")
def prod_services():
    """The production profile's PostgreSQL and Redis (installed when missing), stopped with
    everything else of the profile at the end of the session."""
    from tests.scaleout import Profile

    profile = Profile.for_tests(**TEST_RATE_LIMITS)
    try:
        profile.start_services()
        yield profile
    finally:
        profile.down()


@pytest.fixture(scope="session")
def prod_profile(prod_services):
    """The whole production profile: nginx in front of two Rasa servers and two action servers."""
    prod_services.up()
    return prod_services


@pytest.fixture(scope="session")
def stack(stack_factory, tmp_path_factory):
    with stack_factory(tmp_path_factory.mktemp("db") / "trackers.db") as running:
        yield running


def pytest_xdist_make_scheduler(config, log):
    """`--dist loadfile` with the slowest files handed out first (tests/scheduling.py)."""
    if config.getvalue("dist") != "loadfile":
        return None
    from tests.scheduling import SlowestFilesFirst

    return SlowestFilesFirst(config, log)
