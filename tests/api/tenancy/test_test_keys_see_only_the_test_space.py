"""Live and test data of one store never meet (issue 15, item 4; README "Test keys").

The tenancy matrix again (every REST endpoint, every GraphQL root field), on beta's own store,
whose live data the matrix's fixture wrote and whose test space holds the same records with
other values: a test key's answer shows nothing of the live data and changes no live row; a
live key's answer shows nothing of the test data and changes no test row. Each call answers
with the status the owner's live key gets in the matrix (the records exist in both spaces).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.services import keys
from tests.api.calls import gql
from tests.api.tenancy.test_a_key_reaches_only_its_stores import (  # noqa: F401 (tenants is a fixture)
    BETA,
    BETA_MARKERS,
    BETA_PHONE,
    GRAPHQL_MATRIX,
    NULLABLE_ROOT_FIELDS,
    OWNER_STATUS,
    REST_MATRIX,
    Tenants,
    tenants,
)
from tests.api.testmode.spaces import space_rows
from tests.conftest import Api, cart_body, order_body, shipment_body

# Strings only beta's test data holds.
TEST_MARKERS = [
    "Tessa",
    "Testova",
    "tessa@test.example.com",
    "test-secret-5c1d",
    "555.55",
    "Test-Carrier",
    "TEST-TRACK-5555",
    "https://test.example.com/recover/1",
    "test-line-item",
    "test-tag",
]
# Beta's live markers but the ones both spaces share: the store's name and the contact's phone.
LIVE_MARKERS = [marker for marker in BETA_MARKERS if marker not in ("Beta shop", BETA_PHONE, "698765432")]

# Root fields whose answer shows a marker of the space read: its records, or aggregates of them
# (the order's amount, its line's title, the shipment's carrier); the others show counts.
SHOWING_MARKERS = {"order", "orders", "contact", "contacts", "shipments", "carts", "events"} | {
    "storeStats",
    "storeTimeseries",
    "topProducts",
    "carrierPerformance",
}


def _found(text: str, markers: list[str]) -> list[str]:
    return [marker for marker in markers if marker in text]


async def _write_test_data(api: Api, key: str) -> None:
    """Beta's records again, with the test key: the same external ids and phone, other values."""
    customer = {
        "external_id": "CUST-1",
        "phone": BETA_PHONE,
        "first_name": "Tessa",
        "last_name": "Testova",
        "email": "tessa@test.example.com",
    }
    order = order_body(
        external_id="ORDER-1",
        total_price="555.55",
        financial_status="pending",
        customer=customer,
        line_items=[{"title": "test-line-item", "quantity": 1, "price": "555.55"}],
        tags=["test-tag"],
        metadata={"secret": "test-secret-5c1d"},
    )
    shipment = shipment_body(
        external_id="SHIP-1", order_external_id="ORDER-1", carrier="Test-Carrier", tracking_number="TEST-TRACK-5555"
    )
    cart = cart_body(
        external_id="CART-1",
        abandoned_at="2026-05-18T11:00:00Z",
        recovery_url="https://test.example.com/recover/1",
        customer={"phone": BETA_PHONE},
        metadata={"secret": "test-secret-5c1d"},
    )
    for path, body in (
        ("/orders", order),
        ("/shipments", shipment),
        ("/carts", cart),
        ("/customers", {"external_id": "CUST-2", "phone": BETA_PHONE, "first_name": "Tessa"}),
    ):
        response = await api.post(path, body, store=BETA, key=key)
        assert response.status_code == 201, response.text  # a new record of the test space


@pytest.fixture
async def spaces(tenants: Tenants) -> Tenants:  # noqa: F811 (the imported fixture)
    """The matrix's tenants, with beta's test space filled and a beta test key."""
    key, _ = await keys.create_key(tenants.api.db, store_id=BETA, name="beta test", test=True)
    assert key.startswith("kanal_sk_test_")
    await _write_test_data(tenants.api, key)
    return Tenants(api=tenants.api, keys={**tenants.keys, "beta test key": key})


# (key used, markers it must not see, markers it must see in a record, is the live space its own)
SIDES = [
    pytest.param("beta test key", LIVE_MARKERS, TEST_MARKERS, False, id="test key"),
    pytest.param("beta store key", TEST_MARKERS, LIVE_MARKERS, True, id="live key"),
]


@pytest.mark.parametrize(("key", "unseen", "seen", "live"), SIDES)
@pytest.mark.parametrize(("method", "path", "body"), REST_MATRIX)
async def test_a_rest_call_stays_in_its_keys_space(
    spaces: Tenants, key: str, unseen: list[str], seen: list[str], live: bool, method: str, path: str, body: Any
) -> None:
    api = spaces.api
    other_space = await space_rows(api, live=not live)
    response = await api.client.request(
        method, f"/api/v1/stores/{BETA}{path}", json=body, headers=api.auth(spaces.keys[key])
    )
    assert response.status_code == OWNER_STATUS[(method, path)], response.text[:300]
    assert _found(response.text, unseen) == []
    if method == "GET":
        assert _found(response.text, seen)  # the key's own space answered
        assert response.json()["store_id"] == BETA  # the public id, whichever space
    assert await space_rows(api, live=not live) == other_space


@pytest.mark.parametrize(("key", "unseen", "seen", "live"), SIDES)
@pytest.mark.parametrize("field", list(GRAPHQL_MATRIX))
async def test_a_graphql_root_field_stays_in_its_keys_space(
    spaces: Tenants, key: str, unseen: list[str], seen: list[str], live: bool, field: str
) -> None:
    api = spaces.api
    other_space = await space_rows(api, live=not live)
    body = await gql(api, GRAPHQL_MATRIX[field].replace("{store}", str(BETA)), key=spaces.keys[key])
    assert "errors" not in body, body
    payload = body["data"][field]
    assert payload is not None or field in NULLABLE_ROOT_FIELDS
    if isinstance(payload, dict):
        assert payload.get("userErrors", []) == [], payload
    assert _found(json.dumps(body), unseen) == []
    if field in SHOWING_MARKERS:
        assert _found(json.dumps(body), seen)  # the key's own space answered
    assert await space_rows(api, live=not live) == other_space


async def test_the_store_says_which_space_a_key_reads(spaces: Tenants) -> None:
    document = f"{{ store(storeId: {BETA}) {{ id name livemode }} }}"
    keys_used = ["beta test key", "beta store key"]
    answers = [(await gql(spaces.api, document, key=spaces.keys[key]))["data"]["store"] for key in keys_used]
    assert answers == [
        {"id": str(BETA), "name": "Beta shop", "livemode": False},
        {"id": str(BETA), "name": "Beta shop", "livemode": True},
    ]
