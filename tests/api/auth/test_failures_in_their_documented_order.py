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


# RFC 6750 §3: every 401 carries a Bearer challenge; the body stays SPEC §2's.
NO_CREDENTIALS = "Bearer"
NOT_BEARER = 'Bearer error="invalid_request", error_description="The Authorization header must be: Bearer <API key>"'
UNKNOWN_KEY = 'Bearer error="invalid_token", error_description="The API key is unknown or revoked"'

# Authorization header (None: absent) -> the challenge its 401 carries
MISSING_HEADERS = {
    None: NO_CREDENTIALS,
    "": NO_CREDENTIALS,
    "   ": NO_CREDENTIALS,
    "Basic abc": NOT_BEARER,
    "Bearer": NOT_BEARER,
    "Bearer   ": NOT_BEARER,
    "Token kanal_sk_live_x": NOT_BEARER,
    "kanal_sk_live_x": NOT_BEARER,  # the key alone, without its scheme
}


@pytest.mark.parametrize("header", list(MISSING_HEADERS))
async def test_missing_or_non_bearer_header_is_401_missing(api, header):
    headers = {} if header is None else {"Authorization": header}
    response = await api.client.post(f"/api/v1/stores/{STORE_ID}/orders", json=order_body(), headers=headers)
    assert outcome(response) == MISSING
    assert response.headers.get_list("www-authenticate") == [MISSING_HEADERS[header]]
    assert await api.count("orders") == 0


async def test_the_bare_key_is_refused_even_when_it_is_a_live_key(api):
    response = await api.client.get(f"/api/v1/stores/{STORE_ID}/orders/X", headers={"Authorization": api.key})
    assert outcome(response) == MISSING
    assert response.headers["www-authenticate"] == NOT_BEARER


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER"])
async def test_the_scheme_is_case_insensitive(api, scheme):
    """RFC 6750 §2.1 / RFC 9110 §11.1: auth schemes are case-insensitive."""
    headers = {"Authorization": f"{scheme} {api.key}"}
    response = await api.client.get(f"/api/v1/stores/{STORE_ID}/orders/X", headers=headers)
    assert outcome(response) == (404, {"error": "Order not found"})
    assert "www-authenticate" not in response.headers


async def test_unknown_key_is_401_invalid(api):
    response = await api.post("/orders", order_body(), key="kanal_sk_live_nope")
    assert outcome(response) == INVALID
    assert response.headers["www-authenticate"] == UNKNOWN_KEY


async def test_revoked_key_is_invalid_immediately(api):
    assert (await api.post("/orders", order_body())).status_code == 201
    assert await keys.revoke_key(api.db, api.key) == 1
    response = await api.get("/orders/ORDER-1001")
    assert outcome(response) == INVALID
    assert response.headers["www-authenticate"] == UNKNOWN_KEY


@pytest.mark.parametrize("status", [403, 404])
async def test_only_401s_carry_a_challenge(api, status):
    if status == 403:
        await stores.create_store(api.db, 456, "Other", "DE")
        other, _ = await keys.create_key(api.db, store_id=456)
        response = await api.post("/orders", order_body(), key=other)
    else:
        response = await api.post("/orders", order_body(), store=999)
    assert response.status_code == status
    assert "www-authenticate" not in response.headers


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
