"""The public endpoints' rate limits: one bucket per client address, one per conversation.

Shared by the REST and web channels (one process, one set of buckets), so a client cannot
double its allowance by switching channel. With IMT_RATE_LIMIT_REDIS_URL (the production
profile) the buckets live in Redis and every server behind the load balancer shares them.
Over the limit, the reply is a 429 that says when to try again (JSON body and Retry-After
header).
"""

from __future__ import annotations

import math
from typing import Optional, Protocol

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.rate_limit import Clock, RateLimiter
from bot.channels.redis_rate_limit import RedisRateLimiter
from knowledge.settings import Settings, get_settings


def too_many_requests(retry_after: float) -> HTTPResponse:
    seconds = max(1, math.ceil(retry_after))
    return response.json(
        {
            "error": "too_many_requests",
            "message": f"Too many messages in a short time; please try again in {seconds} s.",
            "retry_after": seconds,
        },
        status=429,
        headers={"Retry-After": str(seconds)},
    )


def client_address(request: Request) -> str:
    # remote_addr is set only when Sanic is told to trust a proxy's forwarding headers;
    # otherwise it is empty and the peer address is the client's.
    return request.remote_addr or request.ip or "unknown"


class Limiter(Protocol):
    def retry_after(self, key: str) -> float: ...


class Throttle:
    def __init__(
        self,
        per_address: int,
        per_sender: int,
        clock: Optional[Clock] = None,
        redis_url: Optional[str] = None,
    ) -> None:
        self._addresses: Limiter
        self._senders: Limiter
        if redis_url:
            self._addresses = RedisRateLimiter(redis_url, per_address, "imt:rate:address:", clock)
            self._senders = RedisRateLimiter(redis_url, per_sender, "imt:rate:sender:", clock)
        else:
            extra = {"clock": clock} if clock else {}
            self._addresses = RateLimiter(per_address, **extra)
            self._senders = RateLimiter(per_sender, **extra)

    @classmethod
    def from_settings(cls, settings: Settings) -> Throttle:
        url = settings.rate_limit_redis_url.get_secret_value() if settings.rate_limit_redis_url else None
        return cls(settings.rate_per_address, settings.rate_per_sender, redis_url=url)

    def by_address(self, request: Request) -> Optional[HTTPResponse]:
        """None if this client may make another request, else the 429 to send back.
        Checked before the body is read, so malformed requests count too."""
        wait = self._addresses.retry_after(client_address(request))
        return too_many_requests(wait) if wait else None

    def by_sender(self, sender: str) -> Optional[HTTPResponse]:
        """None if this conversation may take another request, else the 429 to send back."""
        wait = self._senders.retry_after(sender)
        return too_many_requests(wait) if wait else None


_shared: Optional[Throttle] = None


def shared_throttle() -> Throttle:
    """The process's one Throttle, created on first use from the settings."""
    global _shared
    if _shared is None:
        _shared = Throttle.from_settings(get_settings())
    return _shared
