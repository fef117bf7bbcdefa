"""Rasa's Redis lock store with every change of a conversation's lock made atomic.

Rasa 3.6's RedisLockStore changes a lock by reading it (GET), changing the ticket queue in
Python and writing it back (SET). Two servers doing that at once for one conversation
overwrite each other: both issue the same ticket number and both process a message of the
conversation at the same time, or one's ticket is lost. This store makes each change a
Redis transaction on the lock's key (WATCH, read, MULTI, write, EXEC, again from the read
if another server changed the key in between), so the ticket queue is always the one
every server agrees on. Tickets and their numbers are Rasa's own (TicketLock).

A ticket is also a lease: it expires TICKET_LEASE_S after it was issued unless its server
renews it, which it does every RENEW_EVERY_S while the message waits or is processed. A
server killed while holding a conversation's lock (kill -9, a crash) so holds it for at
most TICKET_LEASE_S, not for Rasa's lock lifetime (TICKET_LOCK_LIFETIME, 120 s in the
profile), which here bounds only how long a message may wait in line.

Configured in endpoints.prod.yml (`type: bot.stores.redis_lock_store.AtomicRedisLockStore`
with the options of Rasa's `type: redis`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Callable, Optional, Tuple, TypeVar

import redis  # type: ignore[import-untyped]
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis.backoff import ExponentialBackoff  # type: ignore[import-untyped]
from redis.retry import Retry  # type: ignore[import-untyped]

logger = logging.getLogger(__name__)
# Long enough that a busy event loop (seconds late on a loaded machine) still renews in time.
TICKET_LEASE_S = 20.0
RENEW_EVERY_S = 2.0
Result = TypeVar("Result")
# A change of a lock: the lock as stored (None: none) -> (what the caller gets, the lock to
# store; None or no tickets left: the key is deleted).
Change = Callable[[Optional[TicketLock]], Tuple[Result, Optional[TicketLock]]]


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        # Rasa builds a lock store named by its module path from the endpoint's config.
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)
        # After a Redis restart the pooled connections are dead: a command reconnects and runs
        # again (a few times, briefly) instead of failing the message it serves.
        self.red.connection_pool.connection_kwargs.update(
            retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 3),
            retry_on_error=[redis.ConnectionError, redis.TimeoutError],
        )

    def _decode(self, raw: Optional[bytes]) -> Optional[TicketLock]:
        return TicketLock.from_dict(json.loads(raw)) if raw else None

    def _change(self, conversation_id: str, change: Change[Result]) -> Result:
        key = self.key_prefix + conversation_id

        def attempt(pipe: Any) -> Result:
            lock = self._decode(pipe.get(key))
            result, changed = change(lock)
            pipe.multi()
            if changed is None or not changed.tickets:
                pipe.delete(key)
            else:
                pipe.set(key, changed.dumps())
            return result

        # redis-py runs `attempt` again whenever the key changed between WATCH and EXEC.
        return self.red.transaction(attempt, key, value_from_callable=True)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: Optional[TicketLock]) -> Tuple[int, TicketLock]:
            lock = lock or TicketLock(conversation_id)
            return lock.issue_ticket(lock_lifetime), lock

        try:
            return self._change(conversation_id, issue)
        except Exception as error:  # as Rasa's: the message is refused with a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: Optional[TicketLock]) -> Tuple[None, Optional[TicketLock]]:
            if lock:
                lock.remove_expired_tickets()
            return None, lock

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self.cleanup(conversation_id, ticket_number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Remove the ticket, and the lock with it when no one else holds a ticket: in one
        step, so a ticket issued meanwhile by another server is never deleted with it."""

        def remove(lock: Optional[TicketLock]) -> Tuple[None, Optional[TicketLock]]:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return None, lock

        self._change(conversation_id, remove)

    def renew_ticket(self, conversation_id: str, ticket_number: int) -> bool:
        """Push the ticket's expiry a lease from now; False when it is gone."""
        lease_s = TICKET_LEASE_S

        def renew(lock: Optional[TicketLock]) -> Tuple[bool, Optional[TicketLock]]:
            ticket = next((t for t in lock.tickets if t.number == ticket_number), None) if lock else None
            if ticket:
                ticket.expires = time.time() + lease_s
            return ticket is not None, lock

        return self._change(conversation_id, renew)

    async def _keep_renewing(self, conversation_id: str, ticket_number: int) -> None:
        while True:
            await asyncio.sleep(RENEW_EVERY_S)
            try:
                if not self.renew_ticket(conversation_id, ticket_number):
                    return
            except Exception as error:  # Redis away: the lease runs out, as a dead server's
                logger.warning("could not renew a conversation's lock ticket: %s", type(error).__name__)

    @asynccontextmanager
    async def lock(
        self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = 1
    ) -> AsyncGenerator[TicketLock, None]:
        """Rasa's ticket lock, the ticket a renewed lease; a message that waited
        `lock_lifetime` seconds for its turn is refused (LockError), as with Rasa's."""
        ticket = self.issue_ticket(conversation_id, TICKET_LEASE_S)
        renewing = asyncio.ensure_future(self._keep_renewing(conversation_id, ticket))
        try:
            yield await self._wait_for_turn(conversation_id, ticket, wait_time_in_seconds, lock_lifetime)
        finally:
            renewing.cancel()
            self.cleanup(conversation_id, ticket)

    async def _wait_for_turn(self, conversation_id: str, ticket: int, poll_s: float, patience_s: float) -> TicketLock:
        deadline = time.monotonic() + patience_s
        while True:
            lock = self.get_lock(conversation_id)
            if lock is None or ticket not in (t.number for t in lock.tickets):
                raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
            if not lock.is_locked(ticket):
                return lock
            if time.monotonic() >= deadline:
                raise LockError(f"Waited {patience_s:.0f} s for the lock of conversation_id '{conversation_id}'.")
            await asyncio.sleep(poll_s)
            self.update_lock(conversation_id)
