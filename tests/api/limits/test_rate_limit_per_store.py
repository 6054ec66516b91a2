"""SPEC §7: 60 requests a minute per store by default, configurable per store, with X-RateLimit headers and 429 + Retry-After."""

import httpx
import pytest

from app.config import Settings
from app.main import create_app
from app.services import keys, stores
from tests.conftest import STORE_ID, order_body


@pytest.fixture
async def limited(database_url):
    """An app with the default limit of 60 requests per minute."""
    app = create_app(Settings.from_env(database_url=database_url, rate_limit_storage_uri="memory://"))
    await stores.create_store(app.state.db, STORE_ID, "Demo", "FR")
    await stores.create_store(app.state.db, 2, "Two", "FR")
    key, _ = await keys.create_key(app.state.db, admin=True)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        client.headers["Authorization"] = f"Bearer {key}"
        yield app, client
    await app.state.db.dispose()


async def test_rate_limit_is_60_per_minute_per_store_with_headers(limited):
    app, client = limited
    for sent in range(1, 61):
        response = await client.get(f"/api/v1/stores/{STORE_ID}/orders/X")
        assert response.status_code == 404
        assert response.headers["X-RateLimit-Limit"] == "60"
        assert response.headers["X-RateLimit-Remaining"] == str(60 - sent)
    refused = await client.post(f"/api/v1/stores/{STORE_ID}/orders", json=order_body())
    assert (refused.status_code, refused.json()) == (429, {"message": "Too Many Attempts."})
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    # another store has its own budget, and the refused order was not written
    assert (await client.get("/api/v1/stores/2/orders/X")).headers["X-RateLimit-Remaining"] == "59"
    assert (await client.get(f"/api/v1/stores/{STORE_ID}/orders/ORDER-1001")).status_code == 429


# Each batch route counts as one request, whatever it holds (README, "Batches").
BATCHES = ["orders", "shipments", "carts", "checkouts", "customers"]


@pytest.mark.parametrize("resource", BATCHES)
async def test_a_batch_is_one_request_against_the_limit(limited, resource):
    app, client = limited
    await stores.set_rate_limit(app.state.db, 2, 2)
    items = {"items": [{"external_id": f"X-{n}"} for n in range(500)]}
    answers = [await client.post(f"/api/v1/stores/2/{resource}/batch", json=items) for _ in range(3)]
    assert [(a.status_code, a.headers["X-RateLimit-Remaining"]) for a in answers] == [
        (200, "1"),
        (200, "0"),
        (429, "0"),
    ]
    assert len(answers[0].json()["results"]) == 500


async def test_per_store_override(limited):
    app, client = limited
    await stores.set_rate_limit(app.state.db, 2, 3)
    statuses = [(await client.get("/api/v1/stores/2/orders/X")).status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]
    assert (await client.get(f"/api/v1/stores/{STORE_ID}/orders/X")).headers["X-RateLimit-Limit"] == "60"
