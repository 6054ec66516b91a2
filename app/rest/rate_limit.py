"""Per-store rate limit (fixed one-minute windows) on the `limits` library.

Counters live where KANAL_RATE_LIMIT_STORAGE says: in this process by default, or in
Redis (`redis://…`) so that several server processes share one budget per store."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItemPerMinute
from limits.aio.strategies import FixedWindowRateLimiter
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
        self._limiter = FixedWindowRateLimiter(storage_from_string(_async_uri(storage_uri), **options))
        self._default = default_per_minute
        self._items: dict[int, RateLimitItemPerMinute] = {}

    def _item(self, per_minute: int) -> RateLimitItemPerMinute:
        item = self._items.get(per_minute)
        if item is None:
            item = self._items[per_minute] = RateLimitItemPerMinute(per_minute, namespace="kanal-store")
        return item

    async def hit(self, store_id: int, per_minute: int | None) -> Quota:
        limit = per_minute or self._default
        item = self._item(limit)
        key = str(store_id)
        allowed = await self._limiter.hit(item, key)
        stats = await self._limiter.get_window_stats(item, key)
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        return Quota(limit=limit, remaining=max(0, stats.remaining), retry_after=retry_after, allowed=allowed)
