"""SPEC §2: Bearer keys, scopes, and the four failures in their documented order."""

import pytest

from app.db.database import Database
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


async def test_issued_keys_have_the_live_prefix_and_only_a_hash_is_stored(api):
    assert api.key.startswith("kanal_sk_live_") and len(api.key) >= len("kanal_sk_live_") + 22
    stored = await api.rows("api_keys")
    assert all(api.key not in str(value) for row in stored for value in row.values())
    assert stored[0]["key_hash"] == keys.hash_key(api.key)


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


async def test_team_key_covers_every_store_of_its_team_only(api):
    await stores.create_store(api.db, 1, "A", "FR", team="acme")
    await stores.create_store(api.db, 2, "B", "FR", team="acme")
    await stores.create_store(api.db, 3, "C", "FR", team="other")
    team_key, _ = await keys.create_key(api.db, team="acme")
    assert (await api.post("/orders", order_body(), store=1, key=team_key)).status_code == 201
    assert (await api.post("/orders", order_body(), store=2, key=team_key)).status_code == 201
    assert outcome(await api.post("/orders", order_body(), store=3, key=team_key)) == FORBIDDEN
    assert outcome(await api.post("/orders", order_body(), key=team_key)) == FORBIDDEN  # store 123 has no team


async def test_admin_key_sees_every_store(api):
    await stores.create_store(api.db, 7, "Seven", "GB")
    admin, _ = await keys.create_key(api.db, admin=True)
    assert (await api.post("/orders", order_body(), store=7, key=admin)).status_code == 201
    assert (await api.post("/orders", order_body(), key=admin)).status_code == 201


async def test_changes_made_by_another_process_apply_to_the_next_request(api, settings):
    """The key and store a request reads may be kept between requests; a change committed
    elsewhere (here a second connection, as the CLI has) is seen by the very next request."""
    other_process = Database(settings)
    try:
        for _ in range(2):  # the second request may be served from what the first one read
            response = await api.post("/orders", order_body())
            assert response.status_code in (200, 201) and response.headers["x-ratelimit-limit"] == "10000"
        await stores.set_rate_limit(other_process, STORE_ID, 500)
        assert (await api.post("/orders", order_body())).headers["x-ratelimit-limit"] == "500"
        await stores.pause(other_process, STORE_ID)
        assert outcome(await api.post("/orders", order_body())) == NO_STORE
        await stores.resume(other_process, STORE_ID)
        assert (await api.post("/orders", order_body())).status_code == 200
        assert await keys.revoke_key(other_process, api.key) == 1
        assert outcome(await api.get("/orders/ORDER-1001")) == INVALID
    finally:
        await other_process.dispose()


async def test_a_store_created_after_a_refusal_is_found(api):
    admin, _ = await keys.create_key(api.db, admin=True)
    assert outcome(await api.post("/orders", order_body(), store=8, key=admin)) == NO_STORE
    await stores.create_store(api.db, 8, "Eight", "FR")
    assert (await api.post("/orders", order_body(), store=8, key=admin)).status_code == 201
