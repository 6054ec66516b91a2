"""README, "GraphQL and GraphiQL": a userError's message names its field as GraphQL's input
spells it, where REST's names it as REST's body does: in its `The … field` prefix, and where
the domain's message names a field in its own words (`graphql_schema.errors.GRAPHQL_WORDING`):
an order of the store that `orderExternalId` does not name is `No order of this store has this
externalId.`, where REST's 422 says `external_id`. Single and batch mutations alike; REST as it
was; nothing written."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api, shipment_body

SHIPMENT = '{externalId: "S-1", orderExternalId: "NOPE"}'

# mutation -> (its document, the userErrors it answers)
CASES: dict[str, tuple[str, list[dict[str, Any]]]] = {
    "createShipment": (
        f"mutation {{ createShipment(storeId: 123, input: {SHIPMENT}) {{ userErrors {{ field code message }} }} }}",
        [
            {
                "field": ["input", "orderExternalId"],
                "code": "NOT_FOUND",
                "message": "No order of this store has this externalId.",
            }
        ],
    ),
    "createShipments": (
        f"mutation {{ createShipments(storeId: 123, inputs: [{SHIPMENT}]) {{ results {{ userErrors {{ field code message }} }} }} }}",
        [
            {
                "field": ["inputs", "0", "orderExternalId"],
                "code": "NOT_FOUND",
                "message": "No order of this store has this externalId.",
            }
        ],
    ),
}


def _user_errors(payload: dict[str, Any]) -> list[dict[str, Any]]:
    return payload["results"][0]["userErrors"] if "results" in payload else payload["userErrors"]


@pytest.mark.parametrize("mutation", CASES)
async def test_the_message_names_the_field_as_graphql_does(api: Api, mutation: str):
    document, expected = CASES[mutation]
    before = await api.snapshot()
    response = await api.client.post("/graphql", json={"query": document}, headers=api.auth())
    body = response.json()
    assert "errors" not in body, body
    assert _user_errors(body["data"][mutation]) == expected
    assert await api.snapshot() == before


async def test_rest_names_it_as_its_body_does(api: Api):
    response = await api.post("/shipments", shipment_body(order_external_id="NOPE"))
    assert response.status_code == 422
    assert response.json()["errors"] == {"order_external_id": ["No order of this store has this external_id."]}


# A key within a JSON value (`metadata`, a line item) is named as it was sent, in the path and
# the message; an input field around it is camelCased. Each mutation's input is sent as the
# variable $v: its document and the userErrors' path root.
NUL = "a\u0000"
ORDER = {
    "externalId": "J-1",
    "placedAt": "2026-05-18T10:00:00Z",
    "totalPrice": 1,
    "customer": {"phone": "+33612345678"},
}
CART = {
    "externalId": "J-1",
    "abandonedAt": "2026-05-18T10:00:00Z",
    "totalPrice": 1,
    "customer": {"phone": "+33612345678"},
}
WRITE = "userErrors { field code message }"
MUTATIONS: dict[str, tuple[str, dict[str, Any], list[str]]] = {
    "upsertOrder": (
        f"mutation($v: OrderInput!) {{ upsertOrder(storeId: 123, input: $v) {{ {WRITE} }} }}",
        ORDER,
        ["input"],
    ),
    "upsertOrders": (
        f"mutation($v: OrderInput!) {{ upsertOrders(storeId: 123, inputs: [$v]) {{ results {{ {WRITE} }} }} }}",
        ORDER,
        ["inputs", "0"],
    ),
    "upsertCart": (
        f"mutation($v: CartInput!) {{ upsertCart(storeId: 123, input: $v) {{ {WRITE} }} }}",
        CART,
        ["input"],
    ),
    "updateOrder": (
        f'mutation($v: OrderUpdateInput!) {{ updateOrder(storeId: 123, externalId: "J-1", input: $v) {{ {WRITE} }} }}',
        {},
        ["input"],
    ),
    "createShipment": (
        f"mutation($v: ShipmentInput!) {{ createShipment(storeId: 123, input: $v) {{ {WRITE} }} }}",
        {"externalId": "S-1", "orderExternalId": "J-1"},
        ["input"],
    ),
}
# what the input holds besides -> (the userError's path under the root, its code, its message)
JSON_KEYS: dict[str, tuple[dict[str, Any], list[str], str, str]] = {
    "a metadata key": (
        {"metadata": {"my_key": NUL}},
        ["metadata", "my_key"],
        "INVALID_CHARACTERS",
        "The metadata.my_key field contains a NUL character or a lone surrogate.",
    ),
    "a nested metadata key": (
        {"metadata": {"outer_key": [{"inner_key": NUL}]}},
        ["metadata", "outer_key", "0", "inner_key"],
        "INVALID_CHARACTERS",
        "The metadata.outer_key.0.inner_key field contains a NUL character or a lone surrogate.",
    ),
}
LINE_ITEMS: dict[str, tuple[dict[str, Any], list[str], str, str]] = {
    "a line item's key": (
        {"lineItems": [{"title": "Mug", "parent_item_id": NUL}]},
        ["lineItems", "0", "parent_item_id"],
        "INVALID_CHARACTERS",
        "The lineItems.0.parent_item_id field contains a NUL character or a lone surrogate.",
    ),
    "a line item's quantity read from Magento's qty_ordered": (
        {"lineItems": [{"title": "Mug", "qty_ordered": "x"}]},
        ["lineItems", "0", "quantity"],
        "INVALID_TYPE",
        "The lineItems.0.quantity field is invalid: Must be a number.",
    ),
    "an input field": (
        {"customer": {"phone": "+33612345678", "firstName": NUL}},
        ["customer", "firstName"],
        "INVALID_CHARACTERS",
        "The customer.firstName field contains a NUL character or a lone surrogate.",
    ),
}
KEY_CASES = [
    (mutation, case)
    for mutation in MUTATIONS
    for case in (*JSON_KEYS, *(LINE_ITEMS if mutation in ("upsertOrder", "upsertOrders", "upsertCart") else ()))
]


@pytest.mark.parametrize(("mutation", "case"), KEY_CASES)
async def test_a_key_within_a_json_value_is_named_as_sent(api: Api, mutation: str, case: str):
    document, base, root = MUTATIONS[mutation]
    given, path, code, message = {**JSON_KEYS, **LINE_ITEMS}[case]
    before = await api.snapshot()
    response = await api.client.post(
        "/graphql", json={"query": document, "variables": {"v": {**base, **given}}}, headers=api.auth()
    )
    body = response.json()
    assert "errors" not in body, body
    assert _user_errors(body["data"][mutation]) == [{"field": root + path, "code": code, "message": message}]
    assert await api.snapshot() == before
