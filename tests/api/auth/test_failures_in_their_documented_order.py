"""SPEC §2: the four failures (missing key, invalid key, unknown or paused store, store not covered), their bodies and their order."""

import pytest

from app.services import keys, stores
from tests.conftest import STORE_ID, order_body

MISSING = (401, {"error": "API key is missing"})


INVALID = (401, {"error": "Invalid API key"})


NO_STORE = (404, {"error": "Store not found or paused"})


FORBIDDEN = (403, {"error": "API key does not authorize this store"})


def outcome(response):
    return response.status_code, response.json()


@pytest.mark.parametrize("header", [None, "", "Basic abc", "Bearer", "Bearer   ", "Token kanal_sk_live_x"])
async def test_missing_or_non_bearer_header_is_401_missing(api, header):
    headers = {} if header is None else {"Authorization": header}
    response = await api.client.post(f"/api/v1/stores/{STORE_ID}/orders", json=order_body(), headers=headers)
    assert outcome(response) == MISSING
    assert await api.count("orders") == 0


async def test_unknown_key_is_401_invalid(api):
    assert outcome(await api.post("/orders", order_body(), key="kanal_sk_live_nope")) == INVALID


async def test_revoked_key_is_invalid_immediately(api):
    assert (await api.post("/orders", order_body())).status_code == 201
    assert await keys.revoke_key(api.db, api.key) == 1
    assert outcome(await api.get("/orders/ORDER-1001")) == INVALID


@pytest.mark.parametrize("store", ["999", "abc", "0", "-1", "99999999999999999999999"])
async def test_unknown_store_is_404(api, store):
    response = await api.client.get(f"/api/v1/stores/{store}/orders/X", headers=api.auth())
    assert outcome(response) == NO_STORE


async def test_paused_store_is_404_and_resumed_store_works(api):
    await stores.pause(api.db, STORE_ID)
    assert outcome(await api.post("/orders", order_body())) == NO_STORE
    await stores.resume(api.db, STORE_ID)
    assert (await api.post("/orders", order_body())).status_code == 201


async def test_key_of_another_store_is_403_and_writes_nothing(api):
    await stores.create_store(api.db, 456, "Other", "DE")
    other, _ = await keys.create_key(api.db, store_id=456)
    assert outcome(await api.post("/orders", order_body(), key=other)) == FORBIDDEN
    assert await api.count("orders") == 0


async def test_checks_run_in_documented_order(api):
    # an invalid key is reported before an unknown store, an unknown store before a scope failure
    response = await api.client.get("/api/v1/stores/999/orders/X", headers=api.auth("kanal_sk_live_nope"))
    assert outcome(response) == INVALID
    assert outcome(await api.get("/orders/X", store=999)) == NO_STORE
