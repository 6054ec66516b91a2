"""README "Batches": each result of upsertOrders, upsertCarts, upsertCustomers and
createShipments is the payload the single mutation gives the same input after the same earlier
writes, the record's fields included, whichever way the batch wrote it (new orders of distinct
phones are written together, `app.services.order_batches`, and their records built only when a
payload selects them).

Each batch is sent to store 123; its inputs one by one, through the single mutation, to store
124. The payloads must match result by result."""

from __future__ import annotations

from typing import Any

import pytest

from app.services import keys, stores
from tests.api.calls import gql

OTHER_STORE = 124
CONTACT = "contact { phone firstName }"
ORDER = f"order {{ externalId placedAt totalPrice currency financialStatus fulfillmentStatus customerExternalId tags metadata phoneSource lineItems {{ title quantity price }} {CONTACT} }}"
CART = f"cart {{ externalId status abandonedAt totalPrice currency recoveryUrl customerExternalId tags {CONTACT} }}"
CUSTOMER = "customer { externalId firstName lastName email tags phoneType phoneSource contact { phone } }"
SHIPMENT = "shipment { externalId orderExternalId trackingNumber carrier status metadata }"
OUTCOME = "created stale automations { automation reason subjectType externalId } userErrors { field code }"


def _order(n: int, **fields: Any) -> dict[str, Any]:
    return {
        "externalId": f"O-{n}",
        "placedAt": "2026-05-18T10:00:00Z",
        "totalPrice": 10 + n,
        "currency": "EUR",
        "financialStatus": "pending",
        "lineItems": [{"title": "T-shirt", "quantity": 1, "price": 10 + n}],
        "tags": ["web"],
        "customer": {"externalId": f"CUST-{n}", "phone": f"+3361234560{n}", "firstName": f"Name {n}"},
        **fields,
    }


def _cart(n: int, **fields: Any) -> dict[str, Any]:
    return {
        "externalId": f"C-{n}",
        "abandonedAt": "2026-05-18T09:00:00Z",
        "totalPrice": 5 + n,
        "currency": "EUR",
        "recoveryUrl": f"https://shop.example/cart/{n}",
        "customer": {"phone": f"+3361234570{n}", "firstName": f"Cart {n}"},
        **fields,
    }


def _customer(n: int, **fields: Any) -> dict[str, Any]:
    return {"externalId": f"CU-{n}", "phone": f"+3361234580{n}", "firstName": f"Customer {n}", **fields}


def _shipment(n: int, **fields: Any) -> dict[str, Any]:
    return {"externalId": f"S-{n}", "orderExternalId": f"O-{n % 2}", "trackingNumber": f"TRACK-{n}", **fields}


# (mutation, its single mutation, input type, payload field selection, inputs): new records,
# then a replay of the first, a change of the second, and one refused input.
CASES = [
    (
        "upsertOrders",
        "upsertOrder",
        "OrderInput",
        ORDER,
        [*(_order(n) for n in range(4)), _order(0), _order(1, financialStatus="paid"), _order(5, currency="EURO")],
    ),
    (
        "upsertCarts",
        "upsertCart",
        "CartInput",
        CART,
        [*(_cart(n) for n in range(4)), _cart(0), _cart(1, totalPrice=99), _cart(5, currency="EURO")],
    ),
    (
        "upsertCustomers",
        "upsertCustomer",
        "CustomerInput",
        CUSTOMER,
        [*(_customer(n) for n in range(4)), _customer(0), _customer(1, lastName="Durand"), _customer(5, phone="x")],
    ),
    (
        "createShipments",
        "createShipment",
        "ShipmentInput",
        SHIPMENT,
        [*(_shipment(n) for n in range(4)), _shipment(0), _shipment(1, status="delivered"), _shipment(5, status="?")],
    ),
]


@pytest.mark.parametrize(("batch", "single", "input_type", "selection", "inputs"), CASES, ids=[c[0] for c in CASES])
async def test_each_result_is_the_single_mutations_payload(api, batch, single, input_type, selection, inputs):
    await stores.create_store(api.db, OTHER_STORE, "Other shop", "FR")
    other_key, _ = await keys.create_key(api.db, store_id=OTHER_STORE, name="test")
    for store, key in ((123, None), (OTHER_STORE, other_key)):  # the orders shipments name
        for n in range(2):
            query = f"mutation($input: OrderInput!) {{ upsertOrder(storeId: {store}, input: $input) {{ created }} }}"
            assert (await gql(api, query, {"input": _order(n)}, key=key))["data"]["upsertOrder"]["created"] is True

    one = f"mutation($input: {input_type}!) {{ {single}(storeId: {OTHER_STORE}, input: $input) {{ {selection} {OUTCOME} }} }}"
    expected = []
    for item in inputs:
        body = await gql(api, one, {"input": item}, key=other_key)
        assert "errors" not in body, body
        expected.append(body["data"][single])
    many = f"mutation($inputs: [{input_type}!]!) {{ {batch}(storeId: 123, inputs: $inputs) {{ results {{ {selection} {OUTCOME} }} }} }}"
    body = await gql(api, many, {"inputs": inputs})
    assert "errors" not in body, body
    for result in expected:  # a refused input's userErrors name it in the list
        for error in result["userErrors"]:
            error["field"] = ["inputs", str(len(inputs) - 1), *error["field"][1:]]
    assert body["data"][batch]["results"] == expected
    written = [result for result in expected if not result["userErrors"]]
    assert len(written) == len(inputs) - 1 and all(next(iter(result.values())) for result in written)
