"""Faults under a bounded load through the profile's nginx (README, "Production profile"):
a Rasa server killed, PostgreSQL restarted, Redis restarted, each while scripted
conversations with context-dependent follow-ups are under way. The users see no error
but the documented ones, and every conversation's tracker ends with exactly the messages
sent and answered, each once, in the context its script expects (tests/scaleout_load.py).

Marked `scaleout` (the prod_profile fixture). The tests leave the profile as they found it:
the killed server is started again, the restarted services are back.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time

import requests

from tests.scaleout import RASA_PORTS
from tests.scaleout_load import run_load_with_fault

CONVERSATIONS, MESSAGES = 16, 200


def healthy(url: str) -> bool:
    try:
        return requests.get(f"{url}/webhooks/rest/health", timeout=5).json().get("status") == "ok"
    except (requests.RequestException, ValueError):
        return False


def test_a_rasa_server_killed_during_a_load_loses_no_message(prod_profile):
    victim = f"rasa-{RASA_PORTS[1]}"
    pid = int((prod_profile.data_dir / "run" / f"{victim}.pid").read_text())
    killed = []

    async def kill() -> None:
        os.killpg(pid, signal.SIGKILL)  # its own process group (servers.sh starts it with setsid)
        killed.append(pid)

    try:
        run = run_load_with_fault(prod_profile.entry_url, prod_profile.api_token, CONVERSATIONS, MESSAGES, kill)
        print(f"killed {victim} after {MESSAGES // 2} answers; outcomes: {dict(run.how)}")
        assert killed and not healthy(prod_profile.rasa_urls[1]), "the server was killed"
        assert not run.failures(), "\n".join(run.failures()[:10])
        assert len(run.outcomes) == MESSAGES
        # Only the messages in flight on the dead server needed the client's one safe retry.
        assert run.how["found stored"] + run.how["re-sent"] <= CONVERSATIONS, run.how
    finally:
        prod_profile.run("servers.sh", "start")  # the killed server again, for the tests after
    assert healthy(prod_profile.rasa_urls[1])


def restart_during_load(profile, script: str) -> None:
    """`script` (postgres.sh or redis.sh) stopped and started again mid-load: messages sent
    while it was away may need the client's safe retries; every message first sent after it
    was back is answered at once, and nothing stored is lost, doubled or out of context."""
    window = {}

    async def restart() -> None:
        window["down"] = time.monotonic()
        await asyncio.to_thread(profile.run, script, "stop")
        await asyncio.to_thread(profile.run, script, "start")
        window["up"] = time.monotonic()

    run = run_load_with_fault(profile.entry_url, profile.api_token, CONVERSATIONS, MESSAGES, restart)
    print(f"{script} restarted in {window['up'] - window['down']:.1f} s; outcomes: {dict(run.how)}")
    assert not run.failures(), "\n".join(run.failures()[:10])
    assert len(run.outcomes) == MESSAGES
    after = [outcome for outcome in run.outcomes if outcome.first_sent_at > window["up"]]
    assert after, "the load went on after the restart"
    assert all(outcome.how == "answered" for outcome in after), [o.turn.error for o in after if o.how != "answered"]


def test_postgres_restarting_during_a_load_is_recovered_from(prod_profile):
    restart_during_load(prod_profile, "postgres.sh")


def test_redis_restarting_during_a_load_is_recovered_from(prod_profile):
    restart_during_load(prod_profile, "redis.sh")
