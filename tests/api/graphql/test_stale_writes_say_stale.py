"""Stale writes through GraphQL (README, "Stale and out-of-order writes"): every write mutation
takes `updatedAt`; one older than the stored record answers the stored record with
`stale: true` and changes nothing; a newer one is written, `stale: false`."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.calls import gql
from tests.conftest import Api, cart_body, order_body, shipment_body

STORED_AT, OLDER, NEWER = "2026-05-18T12:00:00Z", "2026-05-18T11:00:00Z", "2026-05-18T13:00:00Z"
CUSTOMER = {"phone": "+33612345678", "externalId": "CUST-42", "firstName": "Marie"}

# mutation: its call, its input type, the record's fields asked, its input, and the field it
# changes (record, field, stored value, written value).
MUTATIONS: dict[str, tuple[str, str, str, dict[str, Any], tuple[str, str, str, str]]] = {
    "upsertOrder": (
        "upsertOrder(storeId: 123, input: $input)",
        "OrderInput!",
        "order { financialStatus sourceUpdatedAt }",
        {
            "externalId": "ORDER-1001",
            "placedAt": "2026-05-18T10:00:00Z",
            "totalPrice": "49.90",
            "financialStatus": "pending",
            "customer": CUSTOMER,
        },
        ("order", "financialStatus", "paid", "pending"),
    ),
    "updateOrder": (
        'updateOrder(storeId: 123, externalId: "ORDER-1001", input: $input)',
        "OrderUpdateInput!",
        "order { financialStatus sourceUpdatedAt }",
        {"financialStatus": "pending"},
        ("order", "financialStatus", "paid", "pending"),
    ),
    "createShipment": (
        "createShipment(storeId: 123, input: $input)",
        "ShipmentInput!",
        "shipment { carrier sourceUpdatedAt }",
        {"externalId": "SHIP-9001", "orderExternalId": "ORDER-1001", "carrier": "pending"},
        ("shipment", "carrier", "Colissimo", "pending"),
    ),
    "upsertCart": (
        "upsertCart(storeId: 123, input: $input)",
        "CartInput!",
        "cart { recoveryUrl sourceUpdatedAt }",
        {
            "externalId": "CART-7700",
            "abandonedAt": "2026-05-18T09:40:00Z",
            "totalPrice": "49.90",
            "recoveryUrl": "https://shop.example.com/pending",
            "customer": CUSTOMER,
        },
        ("cart", "recoveryUrl", "https://shop.example.com/stored", "https://shop.example.com/pending"),
    ),
    "updateCart": (
        'updateCart(storeId: 123, externalId: "CART-7700", input: $input)',
        "CartUpdateInput!",
        "cart { recoveryUrl sourceUpdatedAt }",
        {"recoveryUrl": "https://shop.example.com/pending"},
        ("cart", "recoveryUrl", "https://shop.example.com/stored", "https://shop.example.com/pending"),
    ),
    "upsertCustomer": (
        "upsertCustomer(storeId: 123, input: $input)",
        "CustomerInput!",
        "customer { firstName sourceUpdatedAt }",
        {**CUSTOMER, "firstName": "pending"},
        ("customer", "firstName", "Stored", "pending"),
    ),
}


async def _store_everything(api: Api) -> None:
    """An order, a shipment, a cart and a customer, each stored with updated_at STORED_AT."""
    for path, body in (
        ("/orders", order_body(financial_status="paid")),
        ("/shipments", shipment_body(carrier="Colissimo")),
        ("/carts", cart_body(recovery_url="https://shop.example.com/stored")),
        ("/customers", {"external_id": "CUST-42", "phone": "+33612345678", "first_name": "Stored"}),
    ):
        assert (await api.post(path, {**body, "updated_at": STORED_AT})).status_code in (200, 201)


@pytest.mark.parametrize(("sent", "stale"), [(OLDER, True), (NEWER, False)])
@pytest.mark.parametrize("mutation", MUTATIONS)
async def test_stale_is_in_the_payload(api: Api, mutation: str, sent: str, stale: bool) -> None:
    await _store_everything(api)
    call, input_type, record_fields, given, (record, changed, stored, written) = MUTATIONS[mutation]
    document = f"mutation($input: {input_type}) {{ {call} {{ {record_fields} stale userErrors {{ code }} }} }}"
    payload = (await gql(api, document, {"input": {**given, "updatedAt": sent}}))["data"][mutation]
    assert (payload["stale"], payload["userErrors"]) == (stale, [])
    assert payload[record][changed] == (stored if stale else written)
    assert payload[record]["sourceUpdatedAt"] == ("2026-05-18T12:00:00+00:00" if stale else "2026-05-18T13:00:00+00:00")
