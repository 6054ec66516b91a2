"""Tags are a list of strings or one comma-separated string, as Shopify sends them ("vip, web"):
a value that is neither (`123`, `true`, an object) is 422 `invalid_type` with a message naming
both forms, where it said "Must be a list." as if a string were refused. Every tags field of
every write (found by walking the commands: an order's, a cart's, a customer's, an order's and a
cart's customer's, the PATCHes'), on its single endpoint and its batch; nothing is written. Both
forms are still taken."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from app.domain.commands import CartInput, CartUpdate, CustomerInput, OrderInput, OrderUpdate, ShipmentInput
from app.domain.types import Tags
from tests.api.command_fields import fields_of_type
from tests.conftest import Api, cart_body, order_body

CUSTOMER = {"external_id": "CUST-42", "phone": "+33612345678"}
# a write -> (method, path, its command, the body it is sent with, its batch's path or None)
WRITES: dict[str, tuple[str, str, type, dict[str, Any], str | None]] = {
    "POST /orders": ("POST", "/orders", OrderInput, order_body(), "/orders/batch"),
    "POST /carts": ("POST", "/carts", CartInput, cart_body(), "/carts/batch"),
    "POST /checkouts": ("POST", "/checkouts", CartInput, cart_body(), "/checkouts/batch"),
    "POST /customers": ("POST", "/customers", CustomerInput, CUSTOMER, "/customers/batch"),
    "PATCH /orders": ("PATCH", "/orders/ORDER-1001", OrderUpdate, {}, None),
    "PATCH /carts": ("PATCH", "/carts/CART-7700", CartUpdate, {}, None),
    "PATCH /checkouts": ("PATCH", "/checkouts/CART-7700", CartUpdate, {}, None),
}
# (write, tags field) for every tags field of every write
FIELDS = [
    (write, field)
    for write, (*_, command, _body, _batch) in WRITES.items()
    for field in sorted(fields_of_type(command, Tags))
]
BATCHES = [(write, field) for write, field in FIELDS if WRITES[write][4] is not None]

MESSAGE = "Must be a list of strings, or one comma-separated string."
NEITHER = {"123": 123, "0": 0, "1.5": 1.5, "true": True, "false": False, "{}": {}, '{"vip": 1}': {"vip": 1}}


def test_the_table_has_every_tags_field() -> None:
    assert sorted(FIELDS) == [
        ("PATCH /carts", "tags"),
        ("PATCH /checkouts", "tags"),
        ("PATCH /orders", "tags"),
        ("POST /carts", "customer.tags"),
        ("POST /carts", "tags"),
        ("POST /checkouts", "customer.tags"),
        ("POST /checkouts", "tags"),
        ("POST /customers", "tags"),
        ("POST /orders", "customer.tags"),
        ("POST /orders", "tags"),
    ]
    assert fields_of_type(ShipmentInput, Tags) == set()


def _with(body: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(body)
    *parents, name = field.split(".")
    place = changed
    for parent in parents:
        place = place.setdefault(parent, {"phone": "+33612345678"})
    place[name] = value
    return changed


def _refusal(field: str) -> dict[str, Any]:
    message = f"The {field} field is invalid: {MESSAGE}"
    return {"message": message, "errors": {field: [message]}, "codes": {field: ["invalid_type"]}}


async def _seed(api: Api) -> None:
    for path, body in (("/orders", order_body()), ("/carts", cart_body()), ("/customers", CUSTOMER)):
        assert (await api.post(path, body)).status_code == 201


@pytest.mark.parametrize(("write", "field"), FIELDS, ids=[f"{write} {field}" for write, field in FIELDS])
async def test_a_single_write_names_both_forms(api: Api, write: str, field: str) -> None:
    method, path, _command, body, _batch = WRITES[write]
    await _seed(api)
    before = await api.snapshot()
    call = api.post if method == "POST" else api.patch
    answers = {}
    for shown, value in NEITHER.items():
        response = await call(path, _with(body, field, value))
        answers[shown] = (response.status_code, response.json())
    assert answers == {shown: (422, _refusal(field)) for shown in NEITHER}
    assert await api.snapshot() == before
    # both forms taken: the seeded record written again
    taken = [(await call(path, _with(body, field, value))).status_code for value in ("vip, web", ["vip"], "")]
    assert taken == [200, 200, 200]


@pytest.mark.parametrize(("write", "field"), BATCHES, ids=[f"{write} {field}" for write, field in BATCHES])
async def test_a_batch_item_names_both_forms(api: Api, write: str, field: str) -> None:
    _method, _path, _command, body, batch = WRITES[write]
    assert batch is not None
    await _seed(api)
    before = await api.snapshot()
    items = [_with(body, field, value) for value in NEITHER.values()]
    response = await api.post(batch, {"items": items})
    external_id = body["external_id"]
    refused = [
        {"index": index, "external_id": external_id, "status": 422, **_refusal(field)} for index in range(len(items))
    ]
    assert (response.status_code, response.json()) == (200, {"results": refused})
    assert await api.snapshot() == before
    taken = await api.post(batch, {"items": [_with(body, field, value) for value in ("vip, web", ["vip"], "")]})
    assert [result["status"] for result in taken.json()["results"]] == [200, 200, 200]
