"""Token buckets keyed by sender or address: how many requests each may make, and when.

A bucket holds up to `per_minute` tokens and refills at `per_minute / 60` a second, so a
client may send a short burst and then keeps a steady pace. The clock is injectable so the
tests need no sleeps.
"""

from __future__ import annotations

import time
from typing import Callable, Dict, Tuple

Clock = Callable[[], float]
# Above this many keys, buckets that have refilled completely are dropped: they hold no
# state a new bucket would not have, and an abuser cycling through ids cannot grow memory.
MAX_KEYS = 50_000


class RateLimiter:
    def __init__(self, per_minute: int, clock: Clock = time.monotonic) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.capacity = float(per_minute)
        self.refill_per_second = per_minute / 60.0
        self._clock = clock
        self._buckets: Dict[str, Tuple[float, float]] = {}  # key -> (tokens, updated)

    def _tokens(self, key: str, now: float) -> float:
        tokens, updated = self._buckets.get(key, (self.capacity, now))
        return min(self.capacity, tokens + (now - updated) * self.refill_per_second)

    def retry_after(self, key: str) -> float:
        """0 and one token taken if `key` may go ahead; otherwise the seconds until it may."""
        now = self._clock()
        tokens = self._tokens(key, now)
        if tokens >= 1.0:
            self._buckets[key] = (tokens - 1.0, now)
            if len(self._buckets) > MAX_KEYS:
                self._forget_full(now)
            return 0.0
        self._buckets[key] = (tokens, now)
        return (1.0 - tokens) / self.refill_per_second

    def _forget_full(self, now: float) -> None:
        for key in [k for k in self._buckets if self._tokens(k, now) >= self.capacity]:
            del self._buckets[key]

    def __len__(self) -> int:
        return len(self._buckets)
