"""Per-store rate limit: one budget per store, spent by REST and GraphQL alike.

Rule (SPEC §7, amended by SPEC §10): each store may make `rate_limit_per_minute` requests per
fixed one-minute window (default KANAL_RATE_LIMIT_PER_MINUTE, 60; `kanal stores set-rate-limit`
overrides it per store). A REST request spends one unit of its store's budget; a GraphQL
request spends one unit of each store it names (however many fields name it). Only requests
whose key check passed spend anything: a failed key check cannot drain a store's budget.
Over budget: HTTP 429 with `Retry-After`, REST body `{"message": "Too Many Attempts."}`,
GraphQL top-level error code `THROTTLED`. `X-RateLimit-Limit` / `X-RateLimit-Remaining` are on
every response of an admitted request.

Counters live where KANAL_RATE_LIMIT_STORAGE says (the `limits` library): in this process by
default, or in Redis (`redis://…`) so that several server processes share one budget per store.
A storage that cannot count now (Redis down, refusing, not the kind the URI names: any error
of its client, `storage_failures`) is no bug: `hit` raises
`RateLimitUnavailable`, and the request is answered 503 with `Retry-After` (REST) or a top-level
error with code RATE_LIMIT_UNAVAILABLE and HTTP 503 (GraphQL), one warning line in the log;
nothing is done, as a request whose budget cannot be checked is not admitted (README, "When the
rate-limit storage is unavailable").
"""

from __future__ import annotations

import asyncio
import logging
import math
import sys
import time
from dataclasses import dataclass

import limits.errors
from limits import RateLimitItemPerMinute
from limits.aio.storage import RedisStorage
from limits.aio.storage import Storage as AsyncStorage

from app.rate_limit_storage import open_storage

TOO_MANY = "Too Many Attempts."
UNAVAILABLE = "RATE_LIMIT_UNAVAILABLE"  # GraphQL extensions.code
# As for an unavailable database (app.db.unavailable): a restarting Redis is back in seconds.
RETRY_AFTER_SECONDS = 5
CHECK_SECONDS = 2.0  # /healthz's bound on the storage's ping
THROTTLED = "THROTTLED"  # GraphQL extensions.code
STATUS = 429
# What a websocket's operation names in the warning line where an HTTP request names its method:
# ASGI's scope type, as uvicorn's access log writes it ("WebSocket /graphql").
WEBSOCKET = "WEBSOCKET"

log = logging.getLogger("kanal")


@dataclass(frozen=True)
class Quota:
    """One store's budget after a hit: `limit` per minute, `remaining` in this window,
    `retry_after` seconds until the window resets (set only when refused), `allowed`."""

    limit: int
    remaining: int
    retry_after: int
    allowed: bool

    def headers(self) -> dict[str, str]:
        headers = {"X-RateLimit-Limit": str(self.limit), "X-RateLimit-Remaining": str(self.remaining)}
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers

    def raw_headers(self) -> list[tuple[bytes, bytes]]:
        """`headers()` as ASGI raw headers (lower-case names), to append to a response that has
        none of them: a tenth of the cost of setting them one by one, each set scanning the
        response's headers."""
        return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in self.headers().items()]

    def tighter_than(self, other: Quota) -> bool:
        """Which of two stores' figures a response that named both shows: a refused store's,
        else the one with the least remaining (the first one on a tie)."""
        return (self.allowed, self.remaining) < (other.allowed, other.remaining)


class RateLimitUnavailable(Exception):
    """The rate-limit storage cannot count this request now; `cause` says why (for the log
    only, never in an answer)."""

    def __init__(self, cause: BaseException):
        self.cause = f"{type(cause).__name__}: {cause}"
        super().__init__(
            "The rate limit cannot be checked right now (its storage is unavailable), so the request "
            "was not run. Try again in a few seconds."
        )


def log_unavailable(method: str, path: str, unavailable: RateLimitUnavailable) -> None:
    """README's one warning line for a request the storage could not count, whatever its
    entry (REST, GraphQL over POST or GET, a websocket's operation: `method` WEBSOCKET):
    `rate limit storage unavailable on POST /api/v1/stores/123/orders: ConnectionError: …`.
    No traceback: no bug."""
    log.warning("rate limit storage unavailable on %s %s: %s", method, path, unavailable.cause)


def storage_failures(storage: AsyncStorage) -> tuple[type[Exception], ...]:
    """The errors that say `storage` failed to count, each answered 503 (README, "When the
    rate-limit storage is unavailable"): every error class of the module that defines its
    client's base errors (redis-py's `redis.exceptions`: RedisError and its kin, and
    RedisClusterException, which is none of them: a redis+cluster:// URI naming a Redis that is
    not a cluster, or a cluster none of whose nodes answers, was a 500), the limits library's own
    (`limits.errors`), and the operating system's beneath them (OSError: sockets, TLS,
    TimeoutError). Anything else raised while counting is a bug, a 500 with its traceback."""
    base = storage.base_exceptions
    bases = base if isinstance(base, tuple) else (base,)
    modules = {sys.modules[cls.__module__] for cls in bases if cls.__module__ != "builtins"}
    modules.add(limits.errors)
    defined = {
        value
        for module in modules
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, Exception) and value.__module__ == module.__name__
    }
    return tuple(dict.fromkeys((*bases, *sorted(defined, key=lambda cls: cls.__qualname__), OSError)))


class StoreRateLimiter:
    """Fixed one-minute windows per store id, counted in `storage_uri` (`memory://`,
    `redis://host:port`); `default_per_minute` applies to stores without their own limit."""

    def __init__(self, storage_uri: str, default_per_minute: int):
        self._storage = open_storage(storage_uri)
        self._unavailable = storage_failures(self._storage)
        self._default = default_per_minute
        # Redis tells a window's time to live in whole seconds, rounded (TTL): the window may end
        # up to half a second after what it says, so a refusal asks for one second more
        # (Retry-After must admit a client that waits it out). In memory the time is exact.
        self._ttl_margin = 1 if isinstance(self._storage, RedisStorage) else 0
        self._items: dict[int, RateLimitItemPerMinute] = {}
        self._keys: dict[tuple[int, int], str] = {}  # (limit, store id) -> the window's key

    def _item(self, per_minute: int) -> RateLimitItemPerMinute:
        item = self._items.get(per_minute)
        if item is None:
            item = self._items[per_minute] = RateLimitItemPerMinute(per_minute, namespace="kanal-store")
        return item

    async def hit(self, store_id: int, per_minute: int | None) -> Quota:
        """Spend one unit of the store's budget (`per_minute`, or the default when None).
        Raises `RateLimitUnavailable` when the storage cannot count now.
        A fixed-window hit as the library's FixedWindowRateLimiter.hit makes it (one counter
        increment per window key), keeping the count it returns: the remaining budget needs no
        second read, and the window's reset time is only read for a refusal."""
        limit = per_minute or self._default
        item = self._item(limit)
        key = self._keys.get((limit, store_id))
        if key is None:  # built once per store and limit: the library's key_for costs a microsecond
            key = self._keys[(limit, store_id)] = item.key_for(str(store_id))
        try:
            count = await self._storage.incr(key, item.get_expiry())
            allowed = count <= limit
            retry_after = 0 if allowed else await self._retry_after(key)
        except self._unavailable as exc:
            raise RateLimitUnavailable(exc) from exc
        return Quota(limit=limit, remaining=max(0, limit - count), retry_after=retry_after, allowed=allowed)

    async def _retry_after(self, key: str) -> int:
        """Whole seconds until the window of `key` ends, at least 1 (RFC 9110 §10.2.3); on Redis
        one more (`_ttl_margin`)."""
        left = await self._storage.get_expiry(key) - time.time()
        return max(1, math.ceil(left) + self._ttl_margin)

    async def reachable(self) -> bool:
        """Whether the storage answers (the library's `check`: Redis's PING; always True in
        memory), within CHECK_SECONDS. For /healthz; never raises."""
        try:
            async with asyncio.timeout(CHECK_SECONDS):
                return bool(await self._storage.check())
        except Exception:  # refused, unreachable, or past CHECK_SECONDS (TimeoutError)
            return False
