"""The stores that make any server of the production profile able to take any request:
the rate limits' buckets in Redis, the Slack event log and the feedback in PostgreSQL.
Two instances of each stand for two servers behind nginx; each test also shows what the
single-server stores (in-process buckets, SQLite files) get wrong there, so it can fail.

Marked `scaleout` (the prod_services fixture): they need the profile's PostgreSQL and Redis.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from bot.channels.rate_limit import RateLimiter
from bot.channels.redis_rate_limit import RedisRateLimiter
from bot.stores.event_log import EventLog, SqlEventLog
from bot.stores.feedback import SqlFeedbackStore

PER_MINUTE = 10


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def redis_url(profile) -> str:
    return f"redis://127.0.0.1:{profile.env['IMT_REDIS_PORT']}/{profile.env['IMT_REDIS_DB']}"


def database_url(profile) -> str:
    options = profile.tracker_store_options()
    return sa.engine.url.URL.create(
        "postgresql",
        options["username"],
        options["password"],
        options["host"],
        options["port"],
        database=profile.env["IMT_PG_DB"],
    ).render_as_string(hide_password=False)


def allowed(limiters, requests: int, key: str) -> int:
    """Requests let through, sent in turn to each limiter (nginx spreading them)."""
    return sum(1 for number in range(requests) if limiters[number % len(limiters)].retry_after(key) == 0)


def test_a_rate_limit_is_shared_by_two_servers(prod_services):
    clock = Clock()
    prefix = f"test:rate:{uuid.uuid4().hex}:"
    servers = [RedisRateLimiter(redis_url(prod_services), PER_MINUTE, prefix, clock) for _ in range(2)]
    assert allowed(servers, 3 * PER_MINUTE, "client") == PER_MINUTE, "the configured limit, not twice it"
    wait = servers[0].retry_after("client")
    assert abs(wait - 60 / PER_MINUTE) < 1e-6, "one token refills in 60/limit seconds"
    clock.now += 60 / PER_MINUTE
    assert allowed(servers[::-1], 2, "client") == 1, "then one more, on either server"
    assert allowed(servers, PER_MINUTE, "another client") == PER_MINUTE, "each key its own bucket"
    # Each server's own buckets would let through twice the limit.
    in_process = [RateLimiter(PER_MINUTE, clock=clock) for _ in range(2)]
    assert allowed(in_process, 3 * PER_MINUTE, "client") == 2 * PER_MINUTE


def test_the_shared_rate_limit_counts_concurrent_requests_once_each(prod_services):
    prefix = f"test:rate:{uuid.uuid4().hex}:"
    servers = [RedisRateLimiter(redis_url(prod_services), PER_MINUTE, prefix) for _ in range(2)]  # Redis's clock
    with ThreadPoolExecutor(max_workers=8) as pool:
        waits = list(pool.map(lambda n: servers[n % 2].retry_after("burst"), range(4 * PER_MINUTE)))
    assert sum(1 for wait in waits if wait == 0) == PER_MINUTE


def test_a_slack_retry_delivered_to_the_other_server_is_answered_once(prod_services, tmp_path):
    url = database_url(prod_services)
    server_a, server_b = SqlEventLog(url), SqlEventLog(url)
    event = f"Ev{uuid.uuid4().hex}"
    assert server_a.first_time(event)
    assert not server_b.first_time(event), "the retry, on the other server, is recognized"
    # Deliveries racing on both servers: exactly one is answered.
    racing = f"Ev{uuid.uuid4().hex}"
    with ThreadPoolExecutor(max_workers=8) as pool:
        firsts = list(pool.map(lambda n: (server_a, server_b)[n % 2].first_time(racing), range(8)))
    assert firsts.count(True) == 1
    # With each server's own SQLite log, the retry would be answered again.
    own_a, own_b = EventLog(tmp_path / "a.db"), EventLog(tmp_path / "b.db")
    assert own_a.first_time(event) and own_b.first_time(event)


def test_feedback_recorded_on_either_server_is_in_one_table(prod_services):
    url = database_url(prod_services)
    server_a, server_b = SqlFeedbackStore(url), SqlFeedbackStore(url)
    conversation = f"feedback-{uuid.uuid4().hex}"
    vote = {"conversation_id": conversation, "topic": None, "citations": []}
    server_a.record(channel="web", vote="up", claim_ids=["c1"], **vote)
    server_b.record(channel="slack", vote="down", claim_ids=[], **vote)
    mine = [row for row in server_a.rows() if row[3] == conversation]
    assert [(row[2], row[5], row[6]) for row in mine] == [("web", "up", '["c1"]'), ("slack", "down", "[]")]
