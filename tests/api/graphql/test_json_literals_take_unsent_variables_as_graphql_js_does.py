"""A `JSON` literal (metadata, a line item) may name a variable; one the request did not send is,
as graphql-js's `valueFromASTUntyped` leaves it once in JSON, a key left out of its object and
`null` in a list (README, "GraphQL"). It reached the database as graphql-core's `Undefined`: an
"Internal server error", and in a batch mutation the loss of every input with it. Every mutation
with a JSON input, in every position a literal can hold a variable; each also with the variable
sent, which is its value."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.calls import gql
from tests.conftest import Api, cart_body, order_body

ORDER = 'externalId: "O-1", placedAt: "2026-05-18T10:00:00Z", totalPrice: 1, customer: {phone: "+33612345678"}'
CART = 'externalId: "C-1", abandonedAt: "2026-05-18T09:40:00Z", totalPrice: 1, customer: {phone: "+33612345678"}'
SHIPMENT = 'externalId: "S-1", orderExternalId: "ORDER-1001"'
PAYLOAD = "userErrors { field code }"

# name -> (the mutation, with `{json}` where the literal goes; the REST path reading the record
# back; the field read; the literal; what is stored when $m is not sent; when it is sent as 7)
CASES: dict[str, tuple[str, str, str, str, Any, Any]] = {
    "upsertOrder metadata object": (
        f"upsertOrder(storeId: 123, input: {{{ORDER}, metadata: {{json}}}}) {{ {PAYLOAD} }}",
        "/orders/O-1", "metadata", "{a: $m, b: 1}", {"b": 1}, {"a": 7, "b": 1},
    ),
    "upsertOrder metadata list": (
        f"upsertOrder(storeId: 123, input: {{{ORDER}, metadata: {{json}}}}) {{ {PAYLOAD} }}",
        "/orders/O-1", "metadata", "{a: [$m, 2]}", {"a": [None, 2]}, {"a": [7, 2]},
    ),
    "upsertOrder metadata nested object": (
        f"upsertOrder(storeId: 123, input: {{{ORDER}, metadata: {{json}}}}) {{ {PAYLOAD} }}",
        "/orders/O-1", "metadata", "{a: {b: $m}}", {"a": {}}, {"a": {"b": 7}},
    ),
    "upsertOrder line item": (
        f"upsertOrder(storeId: 123, input: {{{ORDER}, lineItems: [{{json}}]}}) {{ {PAYLOAD} }}",
        "/orders/O-1", "line_items", '{title: "Pen", sku: $m}', [{"title": "Pen"}], [{"title": "Pen", "sku": 7}],
    ),
    "upsertOrders metadata": (
        f"upsertOrders(storeId: 123, inputs: [{{{ORDER}, metadata: {{json}}}}]) {{ results {{ {PAYLOAD} }} }}",
        "/orders/O-1", "metadata", "{a: $m}", {}, {"a": 7},
    ),
    "updateOrder metadata": (
        f'updateOrder(storeId: 123, externalId: "ORDER-1001", input: {{metadata: {{json}}}}) {{ {PAYLOAD} }}',
        "/orders/ORDER-1001", "metadata", "{a: $m, b: 1}", {"b": 1}, {"a": 7, "b": 1},
    ),
    "upsertCart metadata": (
        f"upsertCart(storeId: 123, input: {{{CART}, metadata: {{json}}}}) {{ {PAYLOAD} }}",
        "/carts/C-1", "metadata", "{a: $m}", {}, {"a": 7},
    ),
    "upsertCarts line item": (
        f"upsertCarts(storeId: 123, inputs: [{{{CART}, lineItems: [{{json}}]}}]) {{ results {{ {PAYLOAD} }} }}",
        "/carts/C-1", "line_items", '{title: $m, quantity: 1}', [{"quantity": 1}], [{"title": 7, "quantity": 1}],
    ),
    "updateCart metadata": (
        f'updateCart(storeId: 123, externalId: "CART-7700", input: {{metadata: {{json}}}}) {{ {PAYLOAD} }}',
        "/carts/CART-7700", "metadata", "{a: [$m]}", {"a": [None]}, {"a": [7]},
    ),
    "createShipment metadata": (
        f"createShipment(storeId: 123, input: {{{SHIPMENT}, metadata: {{json}}}}) {{ {PAYLOAD} }}",
        "/shipments/S-1", "metadata", "{a: $m}", {}, {"a": 7},
    ),
    "createShipments metadata": (
        f"createShipments(storeId: 123, inputs: [{{{SHIPMENT}, metadata: {{json}}}}]) {{ results {{ {PAYLOAD} }} }}",
        "/shipments/S-1", "metadata", "{a: $m}", {}, {"a": 7},
    ),
}  # fmt: skip


async def _seed(api: Api) -> None:
    assert (await api.post("/orders", order_body(metadata={}))).status_code == 201
    assert (await api.post("/carts", cart_body(metadata={}))).status_code == 201


@pytest.mark.parametrize("sent", [False, True], ids=["not sent", "sent"])
@pytest.mark.parametrize(("mutation", "path", "field", "literal", "unsent", "as_sent"), CASES.values(), ids=CASES)
async def test_a_variable_in_a_json_literal(
    api: Api, mutation: str, path: str, field: str, literal: str, unsent: Any, as_sent: Any, sent: bool
) -> None:
    await _seed(api)
    document = "mutation($m: JSON) { " + mutation.replace("{json}", literal) + " }"
    answer = await gql(api, document, {"m": 7} if sent else {})
    assert "errors" not in answer, answer
    name = next(iter(answer["data"]))
    payload = answer["data"][name]
    errors = (
        [result["userErrors"] for result in payload["results"]] if "results" in payload else [payload["userErrors"]]
    )
    assert errors == [[]] * len(errors)
    assert (await api.get(path)).json()[field] == (as_sent if sent else unsent)


async def test_a_batch_input_with_an_unsent_variable_costs_its_neighbours_nothing(api: Api) -> None:
    first = 'externalId: "O-1", placedAt: "2026-05-18T10:00:00Z", totalPrice: 1, customer: {phone: "+33612345678"}'
    second = first.replace("O-1", "O-2")
    document = (
        "mutation($m: JSON) { upsertOrders(storeId: 123, inputs: "
        f"[{{{first}}}, {{{second}, metadata: {{a: $m}}}}]) {{ results {{ created {PAYLOAD} }} }} }}"
    )
    answer = await gql(api, document)
    assert answer["data"]["upsertOrders"]["results"] == [
        {"created": True, "userErrors": []},
        {"created": True, "userErrors": []},
    ]
    assert sorted(row["external_id"] for row in await api.rows("orders")) == ["O-1", "O-2"]
