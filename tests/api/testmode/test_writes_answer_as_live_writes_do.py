"""A test key runs the whole write pipeline (issue 15, item 4): every write route, REST and
GraphQL, called in one sequence with a live key and then with a test key on the same store,
answers the same (status, body, `store_id` the public id) but for the ids and times the
database gives, and records the same events, each in its own space."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.db.tables import events
from app.services import keys
from tests.api.calls import gql
from tests.conftest import STORE_ID, Api, cart_body, order_body, shipment_body

# Values the database chooses: they differ between the spaces by nature.
_GIVEN = {"id", "order_id", "created_at", "updated_at", "erasedContacts"}

# (method, path, body): every REST write route, in an order where each finds what it needs.
REST_WRITES = [
    ("POST", "/orders", order_body()),
    ("PATCH", "/orders/ORDER-1001", {"financial_status": "paid", "metadata": {"source": None}}),
    ("POST", "/shipments", shipment_body()),
    ("POST", "/carts", cart_body()),
    ("PATCH", "/carts/CART-7700", {"status": "expired"}),
    ("POST", "/checkouts", cart_body(external_id="CHECKOUT-1")),
    ("PATCH", "/checkouts/CHECKOUT-1", {"recovery_url": "https://shop.example.com/r/1"}),
    ("POST", "/customers", {"external_id": "CUST-42", "phone": "+33612345678", "first_name": "Marie"}),
    ("DELETE", "/customers/CUST-42", None),
    ("POST", "/customers", {"phone": "+33612340000", "first_name": "Guest"}),  # a guest, no id
    ("DELETE", "/customers?phone=%2B33612340000", None),
    ("POST", "/orders", order_body()),  # a replay: 200, nothing changed
    ("POST", "/orders/batch", {"items": [order_body(external_id="ORDER-B1"), order_body()]}),
    ("POST", "/carts/batch", {"items": [cart_body(external_id="CART-B1")]}),
    ("POST", "/checkouts/batch", {"items": [cart_body(external_id="CHECKOUT-B1")]}),
    ("POST", "/customers/batch", {"items": [{"external_id": "CUST-B1", "phone": "+33612345679"}]}),
    ("POST", "/shipments/batch", {"items": [shipment_body(external_id="SHIP-B1")]}),
]

_ORDER = '{externalId: "ORDER-2", placedAt: "2026-05-18T10:00:00Z", totalPrice: "10.00", currency: "EUR", customer: {phone: "+33698765432", firstName: "Paul"}}'
# Every GraphQL mutation, likewise.
GRAPHQL_WRITES = {
    "upsertOrder": "mutation { upsertOrder(storeId: 123, input: "
    + _ORDER
    + ") { order { externalId storeId totalPrice } created userErrors { code } } }",
    "updateOrder": 'mutation { updateOrder(storeId: 123, externalId: "ORDER-2", input: {financialStatus: "paid"}) { order { financialStatus } userErrors { code } } }',
    "createShipment": 'mutation { createShipment(storeId: 123, input: {externalId: "SHIP-2", orderExternalId: "ORDER-2", status: "in_transit"}) { shipment { status } created userErrors { code } } }',
    "upsertCart": 'mutation { upsertCart(storeId: 123, input: {externalId: "CART-2", abandonedAt: "2026-05-18T09:00:00Z", totalPrice: 1, customer: {phone: "+33698765432"}}) { cart { status storeId } created userErrors { code } } }',
    "updateCart": 'mutation { updateCart(storeId: 123, externalId: "CART-2", input: {status: "completed"}) { cart { status } userErrors { code } } }',
    "upsertCustomer": 'mutation { upsertCustomer(storeId: 123, input: {externalId: "CUST-7", phone: "+33698765432", firstName: "Paul"}) { customer { firstName } created userErrors { code } } }',
    "deleteCustomer": 'mutation { deleteCustomer(storeId: 123, externalId: "CUST-7") { userErrors { code } } }',
    "upsertOrders": "mutation { upsertOrders(storeId: 123, inputs: ["
    + _ORDER
    + "]) { results { order { externalId storeId } created automations { reason } userErrors { code } } } }",
    "upsertCarts": 'mutation { upsertCarts(storeId: 123, inputs: [{externalId: "CART-3", abandonedAt: "2026-05-18T09:00:00Z", totalPrice: 1, customer: {phone: "+33698765432"}}]) { results { cart { storeId } created automations { reason } userErrors { code } } } }',
    "upsertCustomers": 'mutation { upsertCustomers(storeId: 123, inputs: [{externalId: "CUST-8", phone: "+33698765431"}]) { results { customer { externalId } created userErrors { code } } } }',
    "createShipments": 'mutation { createShipments(storeId: 123, inputs: [{externalId: "SHIP-3", orderExternalId: "ORDER-2", status: "delivered"}]) { results { shipment { status } created automations { reason } userErrors { code } } } }',
}


def _without_given(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_given(item) for key, item in value.items() if key not in _GIVEN}
    if isinstance(value, list):
        return [_without_given(item) for item in value]
    return value


async def _run(api: Api, key: str) -> list[Any]:
    answers: list[Any] = []
    for method, path, body in REST_WRITES:
        response = await api.client.request(
            method, f"/api/v1/stores/{STORE_ID}{path}", json=body, headers=api.auth(key)
        )
        answers.append(
            (method, path, response.status_code, _without_given(response.json() if response.content else None))
        )
    for field, document in GRAPHQL_WRITES.items():
        answers.append((field, _without_given(await gql(api, document, key=key))))
    return answers


async def _event_types(api: Api, space: int) -> list[str]:
    query = select(events.c.type).where(events.c.store_id == space).order_by(events.c.id)
    return await api.db.read(lambda conn: list(conn.execute(query).scalars()))


def test_the_tables_list_every_write_route_and_mutation() -> None:
    from graphql_schema.schema import schema
    from tests.api.tenancy.test_a_key_reaches_only_its_stores import REST_MATRIX

    def route(path: str) -> str:  # `orders`, `customers?phone` (a query's parameter names it)
        return path.split("/")[1].split("=")[0]

    writes = {(param.values[0], route(param.values[1])) for param in REST_MATRIX if param.values[0] != "GET"}
    assert {(method, route(path)) for method, path, _ in REST_WRITES} == writes
    assert set(GRAPHQL_WRITES) == set(schema._schema.mutation_type.fields)


async def test_a_test_key_answers_every_write_as_a_live_key_does(api: Api) -> None:
    test_key, _ = await keys.create_key(api.db, store_id=STORE_ID, test=True)
    live = await _run(api, api.key)
    test = await _run(api, test_key)
    assert test == live
    assert [answer[2] for answer in live[: len(REST_WRITES)]] == [201, 200, 201, 201, 200, 201, 200, 201, 204] + [
        201,
        204,
        200,
    ] + [200] * 5
    assert live[0][3]["store_id"] == STORE_ID
    live_events = await _event_types(api, STORE_ID)
    assert live_events and await _event_types(api, ~STORE_ID) == live_events
