"""SPEC §7: an over-budget request is 429 with `Retry-After`, the seconds a client waits before it
is admitted again. On Redis (the production storage) the window's end is read as Redis's TTL,
whole seconds rounded: a window with 59.3 s left said `Retry-After: 59`, and a client that waited
59 s was refused again (`Retry-After: 1`). Redis's answer is now taken one second further, the
least that always admits; in memory the window's time is exact.

Each case sets the window's time left in Redis itself (PEXPIRE, milliseconds), then spends one
unit over a budget of one: the seconds answered must cover that time, by at most one second
and a half."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from app.policies.rate_limit import StoreRateLimiter

REDIS = "redis://127.0.0.1:6379/12"  # this machine's Redis, a database of this test's own

# the window's time left, in ms (away from Redis's rounding at a half second) -> Retry-After
ON_REDIS = {
    59_300: 60,  # TTL 59: told 59 before, 0.3 s short
    59_700: 61,  # TTL 60
    30_200: 31,
    1_200: 2,
    400: 1,  # TTL 0: at least 1 (RFC 9110 §10.2.3)
}


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS)
    yield client
    await client.aclose()


@pytest.mark.parametrize("left_ms", ON_REDIS)
async def test_on_redis_retry_after_covers_the_windows_time_left(redis: Redis, left_ms: int) -> None:
    store_id = 10**9 + secrets.randbelow(10**9)  # a window no other run shares
    limiter = StoreRateLimiter(REDIS, default_per_minute=1)
    first = await limiter.hit(store_id, 1)
    (key,) = await redis.keys(f"*/{store_id}/*")
    try:
        await redis.pexpire(key, left_ms)
        refused = await limiter.hit(store_id, 1)
    finally:
        await redis.delete(key)
    assert (first.allowed, first.remaining) == (True, 0)
    assert (refused.allowed, refused.remaining, refused.retry_after) == (False, 0, ON_REDIS[left_ms])


async def test_in_memory_retry_after_is_the_windows_time_left() -> None:
    limiter = StoreRateLimiter("memory://", default_per_minute=1)
    assert (await limiter.hit(5, 1)).allowed
    refused = await limiter.hit(5, 1)
    assert (refused.allowed, refused.retry_after) == (False, 60)
