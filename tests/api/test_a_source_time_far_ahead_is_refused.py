"""README "Stale and out-of-order writes" (`rules.source_time_not_ahead`): an `updated_at` more
than a day after the write's arrival is refused, `422 out_of_range` at `updated_at`, and
changes nothing, where it was stored and made every later write of the record stale (an order
sent once with 2126 took no correction again). Within a day it is taken as sent. A customer
embedded in an order or a cart takes any time: its `updated_at` is not used. Every write that
takes a source time is in the table: POST and PATCH of each resource, its batch, and GraphQL's
inputs (found by walking the schema)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from graphql import GraphQLInputObjectType

from graphql_schema.schema import schema
from tests.api.calls import gql, refusal, refused_item
from tests.conftest import Api, cart_body, order_body, shipment_body

MESSAGE = (
    "The updated_at field is invalid: Must be at most a day after now: a source time ahead of the "
    "writes that follow it would make them all stale."
)
CUSTOMER = {"external_id": "CUST-42", "phone": "+33612345678", "first_name": "Marie"}

# name -> (method, path, body with updated_at = the argument, (table, external_id) it writes)
WRITES: dict[str, tuple[str, str, Any, tuple[str, str]]] = {
    "order": ("POST", "/orders", lambda at: order_body(updated_at=at), ("orders", "ORDER-1001")),
    "order patch": (
        "PATCH",
        "/orders/ORDER-1001",
        lambda at: {"tags": ["x"], "updated_at": at},
        ("orders", "ORDER-1001"),
    ),
    "cart": ("POST", "/carts", lambda at: cart_body(updated_at=at), ("carts", "CART-7700")),
    "checkout": ("POST", "/checkouts", lambda at: cart_body(updated_at=at), ("carts", "CART-7700")),
    "cart patch": ("PATCH", "/carts/CART-7700", lambda at: {"tags": ["x"], "updated_at": at}, ("carts", "CART-7700")),
    "shipment": ("POST", "/shipments", lambda at: shipment_body(updated_at=at), ("shipments", "SHIP-9001")),
    "customer": ("POST", "/customers", lambda at: {**CUSTOMER, "updated_at": at}, ("customers", "CUST-42")),
}
BATCHES = {
    "order": "/orders/batch",
    "cart": "/carts/batch",
    "shipment": "/shipments/batch",
    "customer": "/customers/batch",
}


def _at(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).isoformat()


FAR = {"two days ahead": timedelta(days=2), "a century ahead": timedelta(days=36500)}


async def _first(api: Api, name: str) -> None:
    """What the write needs stored first: the order a shipment belongs to; the record a PATCH changes."""
    if name in ("shipment", "order patch"):
        assert (await api.post("/orders", order_body())).status_code == 201
    if name == "cart patch":
        assert (await api.post("/carts", cart_body())).status_code == 201


async def _send(api: Api, method: str, path: str, body: Any):
    return await (api.post(path, body) if method == "POST" else api.patch(path, body))


async def _source_time(api: Api, table: str, external_id: str) -> datetime | None:
    (row,) = [row for row in await api.rows(table) if row["external_id"] == external_id]
    return row["source_updated_at"]


@pytest.mark.parametrize("ahead", sorted(FAR))
@pytest.mark.parametrize("name", sorted(WRITES))
async def test_a_time_more_than_a_day_ahead_is_refused_and_changes_nothing(api, name, ahead):
    method, path, body, _written = WRITES[name]
    await _first(api, name)
    before = await api.snapshot()
    response = await _send(api, method, path, body(_at(FAR[ahead])))
    assert response.status_code == 422, response.text
    assert response.json() == refusal("updated_at", MESSAGE, "out_of_range")
    assert await api.snapshot() == before


@pytest.mark.parametrize("name", sorted(WRITES))
async def test_within_a_day_it_is_taken_as_sent(api, name):
    method, path, body, (table, external_id) = WRITES[name]
    await _first(api, name)
    ahead = datetime.now(UTC) + timedelta(hours=23)
    response = await _send(api, method, path, body(ahead.isoformat()))
    assert response.status_code == (200 if method == "PATCH" else 201), response.text
    assert await _source_time(api, table, external_id) == ahead


@pytest.mark.parametrize("name", sorted(BATCHES))
async def test_a_batch_refuses_that_item_alone(api, name):
    _method, _path, body, (table, external_id) = WRITES[name]
    await _first(api, name)
    item = body(_at(FAR["a century ahead"]))
    good = {**body(None), "external_id": "OTHER-1"}
    response = await api.post(BATCHES[name], {"items": [item, good]})
    assert response.status_code == 200, response.text
    first, second = response.json()["results"]
    assert first == refused_item(0, external_id, "updated_at", MESSAGE, "out_of_range")
    assert (second["external_id"], second["status"]) == ("OTHER-1", 201)
    assert [row["external_id"] for row in await api.rows(table) if row["external_id"] == external_id] == []


# GraphQL input type -> mutation writing it, with $at as its updatedAt
MUTATIONS = {
    "OrderInput": 'upsertOrder(storeId: 123, input: {externalId: "G-1", placedAt: "2026-05-18T10:00:00Z", totalPrice: 1, customer: {phone: "+33611111111"}, updatedAt: $at}) { userErrors { field code message } }',
    "OrderUpdateInput": 'updateOrder(storeId: 123, externalId: "ORDER-1001", input: {tags: ["x"], updatedAt: $at}) { userErrors { field code message } }',
    "CartInput": 'upsertCart(storeId: 123, input: {externalId: "C-1", abandonedAt: "2026-05-18T09:00:00Z", totalPrice: 1, customer: {phone: "+33611111111"}, updatedAt: $at}) { userErrors { field code message } }',
    "CartUpdateInput": 'updateCart(storeId: 123, externalId: "CART-7700", input: {tags: ["x"], updatedAt: $at}) { userErrors { field code message } }',
    "ShipmentInput": 'createShipment(storeId: 123, input: {externalId: "S-1", orderExternalId: "ORDER-1001", updatedAt: $at}) { userErrors { field code message } }',
    "CustomerInput": 'upsertCustomer(storeId: 123, input: {externalId: "CU-1", phone: "+33611111111", updatedAt: $at}) { userErrors { field code message } }',
}  # fmt: skip
EMBEDDED = {"OrderCustomerInput"}  # a customer of an order or a cart: its updatedAt is not used


def test_the_graphql_table_names_every_input_with_updated_at():
    inputs = {
        name
        for name, type_ in schema._schema.type_map.items()
        if isinstance(type_, GraphQLInputObjectType) and "updatedAt" in type_.fields
    }
    assert inputs == set(MUTATIONS) | EMBEDDED


@pytest.mark.parametrize("input_type", sorted(MUTATIONS))
async def test_graphql_refuses_it_as_a_user_error(api, input_type):
    assert (await api.post("/orders", order_body())).status_code == 201
    assert (await api.post("/carts", cart_body())).status_code == 201
    before = await api.snapshot()
    mutation = MUTATIONS[input_type]
    body = await gql(api, "mutation($at: String) { " + mutation + " }", {"at": _at(FAR["two days ahead"])})
    (payload,) = body["data"].values()
    message = MESSAGE.replace("updated_at", "updatedAt")
    assert payload["userErrors"] == [{"field": ["input", "updatedAt"], "code": "OUT_OF_RANGE", "message": message}]
    assert await api.snapshot() == before


async def test_an_embedded_customer_takes_any_time(api):
    far = _at(FAR["a century ahead"])
    response = await api.post("/orders", order_body(customer={**CUSTOMER, "updated_at": far}))
    assert response.status_code == 201, response.text
    response = await api.post("/carts", cart_body(external_id="C-2", customer={**CUSTOMER, "updated_at": far}))
    assert response.status_code == 201, response.text
