"""Per-store rate limit (fixed one-minute windows) on the `limits` library.

Counters live where KANAL_RATE_LIMIT_STORAGE says: in this process by default, or in
Redis (`redis://…`) so that several server processes share one budget per store."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItemPerMinute
from limits.aio.storage import Storage as AsyncStorage
from limits.storage import storage_from_string


@dataclass(frozen=True)
class Quota:
    limit: int
    remaining: int
    retry_after: int  # seconds until the window resets; meaningful when exhausted
    allowed: bool

    def headers(self) -> dict[str, str]:
        headers = {"X-RateLimit-Limit": str(self.limit), "X-RateLimit-Remaining": str(self.remaining)}
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers


def _async_uri(uri: str) -> str:
    return uri if uri.startswith("async+") else f"async+{uri}"


class StoreRateLimiter:
    def __init__(self, storage_uri: str, default_per_minute: int):
        options = {"implementation": "redispy"} if storage_uri.startswith(("redis", "async+redis")) else {}
        storage = storage_from_string(_async_uri(storage_uri), **options)
        if not isinstance(storage, AsyncStorage):  # an `async+` URI always gives one
            raise ValueError(f"Not an asynchronous rate limit storage: {storage_uri}")
        self._storage = storage
        self._default = default_per_minute
        self._items: dict[int, RateLimitItemPerMinute] = {}

    def _item(self, per_minute: int) -> RateLimitItemPerMinute:
        item = self._items.get(per_minute)
        if item is None:
            item = self._items[per_minute] = RateLimitItemPerMinute(per_minute, namespace="kanal-store")
        return item

    async def hit(self, store_id: int, per_minute: int | None) -> Quota:
        """A fixed-window hit as the library's FixedWindowRateLimiter.hit makes it (one counter
        increment per window key), keeping the count it returns: the remaining budget needs no
        second read, and the window's reset time is only read for a refusal."""
        limit = per_minute or self._default
        item = self._item(limit)
        key = item.key_for(str(store_id))
        count = await self._storage.incr(key, item.get_expiry())
        allowed = count <= limit
        retry_after = 0 if allowed else max(1, math.ceil(await self._storage.get_expiry(key) - time.time()))
        return Quota(limit=limit, remaining=max(0, limit - count), retry_after=retry_after, allowed=allowed)
