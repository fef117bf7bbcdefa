"""Rate limits: the token buckets on a fake clock, then the 429 through a stack whose
limits are low (its own stack: the shared one's limits are out of reach on purpose)."""

import json
import re
import uuid

import pytest
import requests

from bot.channels.rate_limit import RateLimiter
from bot.channels.throttle import too_many_requests


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_up_to_the_limit_then_a_steady_pace():
    clock = FakeClock()
    limiter = RateLimiter(per_minute=6, clock=clock)  # one token every 10 s
    assert [limiter.retry_after("a") for _ in range(6)] == [0.0] * 6
    assert limiter.retry_after("a") == pytest.approx(10.0)
    clock.now += 4
    assert limiter.retry_after("a") == pytest.approx(6.0), "a refused request takes no token"
    clock.now += 6
    assert limiter.retry_after("a") == 0.0
    assert limiter.retry_after("a") == pytest.approx(10.0)


def test_each_key_has_its_own_bucket():
    limiter = RateLimiter(per_minute=1, clock=FakeClock())
    assert limiter.retry_after("a") == 0.0
    assert limiter.retry_after("a") > 0
    assert limiter.retry_after("b") == 0.0


def test_an_idle_bucket_refills_only_to_the_limit():
    clock = FakeClock()
    limiter = RateLimiter(per_minute=2, clock=clock)
    clock.now += 3600
    assert [limiter.retry_after("a") for _ in range(3)][:2] == [0.0, 0.0]
    assert limiter.retry_after("a") > 0


def test_full_buckets_are_forgotten_when_there_are_too_many(monkeypatch):
    monkeypatch.setattr("bot.channels.rate_limit.MAX_KEYS", 10)
    clock = FakeClock()
    limiter = RateLimiter(per_minute=60, clock=clock)
    for n in range(10):
        limiter.retry_after(f"old-{n}")
    clock.now += 60  # all refilled
    limiter.retry_after("new")
    assert len(limiter) <= 1


def test_a_limit_below_one_is_refused():
    with pytest.raises(ValueError):
        RateLimiter(per_minute=0)


def test_the_429_says_when_to_retry():
    reply = too_many_requests(2.1)
    assert reply.status == 429 and reply.headers["Retry-After"] == "3"
    body = json.loads(reply.body)
    assert body["error"] == "too_many_requests" and body["retry_after"] == 3 and "3 s" in body["message"]


PER_SENDER, PER_ADDRESS = 3, 12


@pytest.fixture(scope="module")
def limited_stack(stack_factory, tmp_path_factory):
    db = tmp_path_factory.mktemp("limited") / "trackers.db"
    with stack_factory(db, IMT_RATE_PER_SENDER=str(PER_SENDER), IMT_RATE_PER_ADDRESS=str(PER_ADDRESS)) as running:
        yield running


def _rest(stack, sender):
    body = {"sender": sender, "message": ""}  # the gate answers an empty message without the NLU
    return requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", json=body, timeout=30)


def test_a_conversation_over_its_limit_gets_a_429_others_do_not(limited_stack):
    sender = f"rl-{uuid.uuid4().hex[:8]}"
    assert [_rest(limited_stack, sender).status_code for _ in range(PER_SENDER)] == [200] * PER_SENDER
    refused = _rest(limited_stack, sender)
    assert refused.status_code == 429, refused.text
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.json()["error"] == "too_many_requests" and "try again" in refused.json()["message"]
    assert _rest(limited_stack, f"rl-{uuid.uuid4().hex[:8]}").status_code == 200


def test_slack_tells_a_user_over_the_limit_how_long_to_wait(limited_stack, tmp_path):
    """The Slack app against the real limits: the conversation's fourth message in a minute
    gets a note, visible to the asker only, with the wait the server sent (Retry-After)."""
    from bot.slack.rasa_client import RasaClient
    from tests.fake_slack import FakeSlackAPI
    from tests.test_slack_app import DrainableExecutor, event_request, make_app, mention

    thread = f"{uuid.uuid4().int % 10**6}.1"
    with FakeSlackAPI() as slack:
        executor = DrainableExecutor(max_workers=2)
        bolt, _ = make_app(slack, tmp_path, RasaClient(limited_stack.rasa_url, timeout=30), executor)
        for n in range(1, PER_SENDER + 1):
            ts = thread if n == 1 else f"{thread}{n}"
            bolt.dispatch(event_request(mention("", ts=ts, thread_ts=None if n == 1 else thread)))
            slack.wait_for(n)  # one at a time: the order of the bucket's tokens is the order asked
        bolt.dispatch(event_request(mention("", ts=f"{thread}9", thread_ts=thread)))
        note = slack.wait_for(1, method="chat.postEphemeral")[0]
        executor.drain()
    note_text = r"You're sending messages faster than I can answer; please wait (\d+) seconds? and ask again\."
    match = re.fullmatch(note_text, note["text"])
    assert match and 1 <= int(match.group(1)) <= 60 // PER_SENDER, note["text"]
    assert note["thread_ts"] == thread and note["user"] == "U1"
    assert len(slack.posts()) == PER_SENDER  # the refused message got the note, not an error reply


def test_an_address_over_its_limit_gets_a_429_on_every_public_endpoint(limited_stack):
    base = f"{limited_stack.rasa_url}/webhooks/web"
    statuses = [requests.post(f"{base}/session", timeout=30).status_code for _ in range(PER_ADDRESS + 1)]
    assert statuses[-1] == 429 and 200 in statuses
    for refused in (
        requests.post(f"{base}/message", json={"sender": "x", "message": "hi"}, timeout=30),
        requests.post(f"{base}/feedback", json={"sender": "x", "vote": "up"}, timeout=30),
        _rest(limited_stack, f"rl-{uuid.uuid4().hex[:8]}"),
    ):
        assert refused.status_code == 429 and "Retry-After" in refused.headers
