"""The lock store of the production profile (bot/stores/redis_lock_store.py) against the
profile's Redis: a change of a conversation's lock that another server makes while this
one is changing it is never lost; a ticket is a lease that its live server renews and a
dead server's runs out. Each test forces the interleaving: a second server
changes the lock right after the first one read it. The same interleaving breaks Rasa's
RedisLockStore, which the last test shows, so the tests can fail.

Marked `scaleout` (the prod_services fixture): they need the profile's Redis.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any, Dict, List, Optional, Tuple, Type

import pytest
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError, RedisLockStore

from bot.stores import redis_lock_store
from bot.stores.redis_lock_store import AtomicRedisLockStore


def options(profile) -> Dict[str, Any]:
    env = profile.env
    return {"host": "127.0.0.1", "port": int(env["IMT_REDIS_PORT"]), "db": int(env["IMT_REDIS_DB"]), "key_prefix": "t"}


def interrupted(store_class: Type[RedisLockStore], read_method: str, other_server: Any, conversation: str) -> Any:
    """A store of `store_class` whose first read of a lock (`read_method`) is followed at
    once by the other server issuing a ticket for the same conversation."""

    class Interrupted(store_class):  # type: ignore[valid-type,misc]
        others_ticket: Optional[int] = None

        def _read(self, *args: Any) -> Optional[TicketLock]:
            found = getattr(store_class, read_method)(self, *args)
            if self.others_ticket is None:
                self.others_ticket = other_server.issue_ticket(conversation)
            return found

    setattr(Interrupted, read_method, Interrupted._read)
    return Interrupted


def tickets(store: RedisLockStore, conversation: str) -> List[int]:
    lock = store.get_lock(conversation)
    return [ticket.number for ticket in lock.tickets] if lock else []


def test_two_servers_issuing_tickets_at_once_get_different_ones(prod_services):
    conversation = f"lock-{uuid.uuid4().hex}"
    other = AtomicRedisLockStore(**options(prod_services))
    store = interrupted(AtomicRedisLockStore, "_decode", other, conversation)(**options(prod_services))
    mine = store.issue_ticket(conversation)
    # The other server's ticket came first; this one waits behind it.
    assert (store.others_ticket, mine) == (0, 1) and tickets(store, conversation) == [0, 1]
    assert store.get_lock(conversation).is_locked(mine)


def test_a_server_finishing_keeps_a_ticket_issued_meanwhile(prod_services):
    conversation = f"lock-{uuid.uuid4().hex}"
    other = AtomicRedisLockStore(**options(prod_services))
    store = interrupted(AtomicRedisLockStore, "_decode", other, conversation)(**options(prod_services))
    first = other.issue_ticket(conversation)  # (not interrupted: `other` is a plain store)
    store.cleanup(conversation, first)  # meanwhile the other server issues ticket 1
    assert tickets(store, conversation) == [1], "the waiting server's ticket is kept, the lock with it"
    store.cleanup(conversation, 1)
    assert store.get_lock(conversation) is None, "the last ticket's cleanup removes the lock"


def test_the_same_interleavings_break_rasas_redis_lock_store(prod_services):
    conversation = f"lock-{uuid.uuid4().hex}"
    other = RedisLockStore(**options(prod_services))
    store = interrupted(RedisLockStore, "get_lock", other, conversation)(**options(prod_services))
    mine = store.issue_ticket(conversation)
    assert (store.others_ticket, mine) == (0, 0), "Rasa's store issues ticket 0 twice"
    # Both hold ticket 0, so both are served at once.
    assert not store.get_lock(conversation).is_locked(0)
    # And a server finishing drops a ticket issued meanwhile (the lock goes with it).
    conversation = f"lock-{uuid.uuid4().hex}"
    store = interrupted(RedisLockStore, "get_lock", other, conversation)(**options(prod_services))
    store.cleanup(conversation, other.issue_ticket(conversation))
    assert store.others_ticket == 1 and tickets(store, conversation) == []


def test_a_dead_servers_ticket_runs_out_after_its_lease(prod_services):
    conversation = f"lock-{uuid.uuid4().hex}"
    store = AtomicRedisLockStore(**options(prod_services))
    store.issue_ticket(conversation, 0.5)  # a server that took the lock, then died: never renewed

    async def next_message() -> float:
        started = time.monotonic()
        async with store.lock(conversation, lock_lifetime=30, wait_time_in_seconds=0.1):
            return time.monotonic() - started

    assert asyncio.run(next_message()) < 5, "served once the dead server's lease ran out"


def test_a_live_server_keeps_its_ticket_beyond_the_lease(prod_services, monkeypatch):
    # A lease far shorter than the holding, renewed often enough for a busy machine.
    monkeypatch.setattr(redis_lock_store, "TICKET_LEASE_S", 1.5)
    monkeypatch.setattr(redis_lock_store, "RENEW_EVERY_S", 0.1)
    conversation = f"lock-{uuid.uuid4().hex}"
    first, second = (AtomicRedisLockStore(**options(prod_services)) for _ in range(2))
    spans: List[Tuple[float, float]] = []

    async def message(store: AtomicRedisLockStore, hold_s: float) -> None:
        async with store.lock(conversation, lock_lifetime=30, wait_time_in_seconds=0.05):
            started = time.monotonic()
            await asyncio.sleep(hold_s)  # processing that outlasts the lease
            spans.append((started, time.monotonic()))

    async def both() -> None:
        holder = asyncio.ensure_future(message(first, 4.0))
        while first.get_lock(conversation) is None:  # the holder's ticket is issued first
            await asyncio.sleep(0.01)
        await asyncio.gather(holder, message(second, 0))

    asyncio.run(both())
    (_, held_to), (waited_from, _) = spans
    assert waited_from >= held_to, "the second message waited for the first, though it outlasted the lease"


def test_a_message_waits_no_longer_than_the_lock_lifetime(prod_services):
    conversation = f"lock-{uuid.uuid4().hex}"
    holder, waiter = (AtomicRedisLockStore(**options(prod_services)) for _ in range(2))
    holder.issue_ticket(conversation)  # held (its lease is 20 s)

    async def impatient() -> None:
        async with waiter.lock(conversation, lock_lifetime=0.5, wait_time_in_seconds=0.1):
            pass

    with pytest.raises(LockError):
        asyncio.run(impatient())
    assert tickets(holder, conversation) == [0], "the refused message's ticket is gone, the holder's kept"
