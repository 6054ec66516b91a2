"""An id field takes a string, or a JSON integer as its decimal text (`-1` is "-1"); a number
written with a decimal point or an exponent (`1e3`, `1.0`, `1.5`), whole or not, and any other
value (true, a list, an object) is 422 `invalid_type` with a message saying exactly what is
taken, where `1e3` was told "a string or a whole number", which it looks like. Every id field
of every write (found by walking the commands: each resource's external_id, an order's and a
cart's customer.external_id, a shipment's order_external_id), on its single endpoint and its
batch, the number sent as its raw JSON text; nothing is written. README "Platform payloads"."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.commands import CartInput, CartUpdate, CustomerInput, OrderInput, OrderUpdate, ShipmentInput
from app.domain.types import ExternalId
from tests.api.command_fields import fields_of_type, with_raw
from tests.conftest import Api, cart_body, order_body, shipment_body

CUSTOMER = {"external_id": "CUST-42", "phone": "+33612345678"}
# a write -> (its path, its command, the body it is sent with, the orders it needs first)
WRITES: dict[str, tuple[str, type, dict[str, Any], list[str]]] = {
    "orders": ("/orders", OrderInput, order_body(), []),
    "carts": ("/carts", CartInput, cart_body(customer={**CUSTOMER, "first_name": "Marie"}), []),
    "checkouts": ("/checkouts", CartInput, cart_body(customer={**CUSTOMER, "first_name": "Marie"}), []),
    "customers": ("/customers", CustomerInput, CUSTOMER, []),
    "shipments": ("/shipments", ShipmentInput, shipment_body(), ["ORDER-1001", "-1"]),
}
FIELDS = [
    (write, field)
    for write, (_, command, _body, _seed) in WRITES.items()
    for field in sorted(fields_of_type(command, ExternalId))
]
# an id field -> the answer's field that repeats it
ANSWERED = {
    "external_id": "external_id",
    "customer.external_id": "customer_external_id",
    "order_external_id": "order_external_id",
}

MESSAGE = "Must be a string, or a whole number written without a decimal point or exponent."
REFUSED = [
    "1e3",
    "1E3",
    "1e+3",
    "1.0",
    "1000.0",
    "1.5",
    "-1.0",
    "1e-3",
    "true",
    "false",
    "[]",
    "{}",
    '["A-1"]',
    '{"id": 1}',
]


def test_the_table_has_every_id_field() -> None:
    assert sorted(FIELDS) == [
        ("carts", "customer.external_id"),
        ("carts", "external_id"),
        ("checkouts", "customer.external_id"),
        ("checkouts", "external_id"),
        ("customers", "external_id"),
        ("orders", "customer.external_id"),
        ("orders", "external_id"),
        ("shipments", "external_id"),
        ("shipments", "order_external_id"),
    ]
    assert fields_of_type(OrderUpdate, ExternalId) == fields_of_type(CartUpdate, ExternalId) == set()


def _refusal(field: str) -> dict[str, Any]:
    message = f"The {field} field is invalid: {MESSAGE}"
    return {"message": message, "errors": {field: [message]}, "codes": {field: ["invalid_type"]}}


async def _post(api: Api, path: str, content: str) -> tuple[int, Any]:
    response = await api.raw("POST", path, content.encode(), **{"Content-Type": "application/json"})
    return response.status_code, response.json()


async def _seed(api: Api, write: str) -> None:
    for external_id in WRITES[write][3]:
        assert (await api.post("/orders", order_body(external_id=external_id))).status_code == 201


@pytest.mark.parametrize(("write", "field"), FIELDS, ids=[f"{write} {field}" for write, field in FIELDS])
async def test_a_single_write(api: Api, write: str, field: str) -> None:
    path, _command, body, _orders = WRITES[write]
    await _seed(api, write)
    before = await api.snapshot()
    answers = {text: await _post(api, path, with_raw(body, field, text)) for text in REFUSED}
    assert answers == {text: (422, _refusal(field)) for text in REFUSED}
    assert await api.snapshot() == before
    status, answer = await _post(api, path, with_raw(body, field, "-1"))
    assert (status, answer[ANSWERED[field]]) == (201, "-1")


@pytest.mark.parametrize(("write", "field"), FIELDS, ids=[f"{write} {field}" for write, field in FIELDS])
async def test_a_batch_item(api: Api, write: str, field: str) -> None:
    path, _command, body, _orders = WRITES[write]
    await _seed(api, write)
    before = await api.snapshot()
    items = ", ".join(with_raw(body, field, text) for text in REFUSED)
    status, answer = await _post(api, f"{path}/batch", f'{{"items": [{items}]}}')
    # the item's own external_id repeated when it is a text or a number, else null
    own = None if field == "external_id" else body["external_id"]
    refused = [{"index": index, "external_id": own, "status": 422, **_refusal(field)} for index in range(len(REFUSED))]
    assert (status, answer) == (200, {"results": refused})
    assert await api.snapshot() == before
    status, answer = await _post(api, f"{path}/batch", f'{{"items": [{with_raw(body, field, "-1")}]}}')
    taken = "-1" if field == "external_id" else body["external_id"]
    assert (status, [(result["external_id"], result["status"]) for result in answer["results"]]) == (
        200,
        [(taken, 201)],
    )
