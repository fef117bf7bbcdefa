"""Token buckets in Redis, shared by every server behind a load balancer (IMT_RATE_LIMIT_REDIS_URL).

The same buckets as rate_limit.py (a burst of `per_minute`, then `per_minute / 60` a
second), kept in Redis so that two servers do not each grant the full limit: behind nginx
the effective limit stays the configured one. Each check is one Lua script, run by Redis
atomically: refill, take a token or say how long to wait, store, and let a bucket that
would be full again expire. The time is Redis's own (one clock for all servers) unless a
clock is injected (the tests). When Redis cannot be reached the request is let through and
a warning logged: a limit that refused every message while Redis restarts would be worse.
"""

from __future__ import annotations

import logging
import math
from typing import Optional

import redis  # type: ignore[import-untyped]

from bot.channels.rate_limit import Clock

logger = logging.getLogger(__name__)

# KEYS[1]: the bucket. ARGV: capacity, refill per second, now in seconds ('' = Redis's TIME).
# Returns the seconds to wait as a string ('0': a token was taken); Lua numbers would be
# truncated to integers on the way back.
TAKE_TOKEN = """
local capacity, rate = tonumber(ARGV[1]), tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = tonumber(state[1]) or capacity
local updated = tonumber(state[2]) or now
if now > updated then
  tokens = math.min(capacity, tokens + (now - updated) * rate)
  updated = now
end
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', tostring(updated))
redis.call('EXPIRE', KEYS[1], math.ceil((capacity - tokens) / rate) + 1)
return tostring(wait)
"""


class RedisRateLimiter:
    def __init__(self, url: str, per_minute: int, prefix: str, clock: Optional[Clock] = None) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.capacity = float(per_minute)
        self.refill_per_second = per_minute / 60.0
        self.prefix = prefix
        self._clock = clock
        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._take = self._redis.register_script(TAKE_TOKEN)

    def retry_after(self, key: str) -> float:
        """0 and one token taken if `key` may go ahead; otherwise the seconds until it may."""
        now = "" if self._clock is None else repr(self._clock())
        try:
            wait = float(self._take(keys=[self.prefix + key], args=[self.capacity, self.refill_per_second, now]))
        except redis.RedisError as error:
            logger.warning("rate limit not checked, Redis unreachable: %s", type(error).__name__)
            return 0.0
        return 0.0 if wait <= 0 or math.isnan(wait) else wait
