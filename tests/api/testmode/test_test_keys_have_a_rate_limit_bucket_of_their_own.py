"""Rate limits of test keys (README "Test keys"): a store's test space has a bucket of its own,
of the store's size (as Stripe counts test mode apart): a test integration hammering the
API never throttles the live shop, nor the other way round."""

from __future__ import annotations

from app.services import keys, stores
from tests.conftest import STORE_ID, Api


async def test_test_and_live_keys_spend_separate_buckets(api: Api) -> None:
    await stores.set_rate_limit(api.db, STORE_ID, 2)
    test_key, _ = await keys.create_key(api.db, store_id=STORE_ID, test=True)
    live = [await api.get("/orders/X") for _ in range(3)]
    assert [(r.status_code, r.headers["X-RateLimit-Remaining"]) for r in live] == [(404, "1"), (404, "0"), (429, "0")]
    test = [await api.get("/orders/X", key=test_key) for _ in range(3)]
    assert [(r.status_code, r.headers["X-RateLimit-Limit"], r.headers["X-RateLimit-Remaining"]) for r in test] == [
        (404, "2", "1"),
        (404, "2", "0"),
        (429, "2", "0"),
    ]
