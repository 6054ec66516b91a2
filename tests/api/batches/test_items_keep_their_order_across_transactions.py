"""README "Batches", Order: a batch's items are cut in transactions of `batches.CHUNK`
consecutive items, and every item still comes after the items before it. An item naming a
record again that an earlier transaction wrote was moved into that transaction, before the
items in between: a customer's opt-out and new name, sent after an order of another id with
the same phone, were overwritten by that earlier item (the contact kept "subscribed").

The shape, for every resource whose items carry a customer: item 0 names record X; items 1 to
CHUNK - 1 other records and phones; item CHUNK a record Y of phone P, "Older", subscribed;
item CHUNK + 1 record X again, of phone P, "Newer", unsubscribed. One by one, P's contact
ends "Newer" and unsubscribed; so must the batch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from app.services import batches
from tests.conftest import Api, cart_body, order_body

PHONE = "+33651111111"


def _customer(phone: str, name: str, marketing: str | None = None) -> dict[str, Any]:
    customer: dict[str, Any] = {"phone": phone, "first_name": name}
    if marketing is not None:
        customer["whatsapp_consent"] = {"marketing": marketing, "consented_at": "2026-05-18T09:00:00Z"}
    return customer


def _order(external_id: str, customer: dict[str, Any]) -> dict[str, Any]:
    return order_body(external_id=external_id, customer=customer)


def _cart(external_id: str, customer: dict[str, Any]) -> dict[str, Any]:
    return cart_body(external_id=external_id, customer=customer)


def _customer_record(external_id: str, customer: dict[str, Any]) -> dict[str, Any]:
    return {"external_id": external_id, **customer}


# resource path -> its item, from an external id and a customer
RESOURCES: dict[str, Callable[[str, dict[str, Any]], dict[str, Any]]] = {
    "/orders": _order,
    "/carts": _cart,
    "/checkouts": _cart,
    "/customers": _customer_record,
}


def _items(make: Callable[[str, dict[str, Any]], dict[str, Any]]) -> list[dict[str, Any]]:
    fillers = [make(f"F-{n}", _customer(f"+3365300{n:04d}", f"Filler {n}")) for n in range(1, batches.CHUNK)]
    return [
        make("X", _customer("+33652000000", "First")),
        *fillers,
        make("Y", _customer(PHONE, "Older", "subscribed")),
        make("X", _customer(PHONE, "Newer", "unsubscribed")),
    ]


async def _contact(api: Api, store_id: int) -> tuple[Any, ...]:
    rows = [row for row in await api.rows("contacts") if row["store_id"] == store_id and row["phone"] == PHONE]
    return tuple((row["first_name"], row["marketing_consent"]) for row in rows)


@pytest.mark.parametrize("path", RESOURCES)
async def test_an_item_naming_a_record_again_comes_after_the_items_before_it(api: Api, path: str) -> None:
    items = _items(RESOURCES[path])
    answer = await api.post(f"{path}/batch", {"items": items})
    assert answer.status_code == 200, answer.text
    statuses = [result["status"] for result in answer.json()["results"]]
    assert statuses == [201] * (batches.CHUNK + 1) + [200]
    assert await _contact(api, 123) == (("Newer", "unsubscribed"),)


async def test_a_customer_without_an_id_comes_after_a_customer_of_its_phone(api: Api) -> None:
    """A customer with an id and one without, of one phone, write one contact: the second,
    in a later transaction, comes after the first (on PostgreSQL it ran at once with it, and
    was written first: status 201 where its POST gives 200, and the first's consent kept)."""
    items = [
        {**_customer(PHONE, "Older", "subscribed"), "external_id": "C1"},
        *(_customer_record(f"F-{n}", _customer(f"+3365300{n:04d}", f"Filler {n}")) for n in range(1, batches.CHUNK)),
        _customer(PHONE, "Newer", "unsubscribed"),
    ]
    answer = await api.post("/customers/batch", {"items": items})
    assert answer.status_code == 200, answer.text
    assert [result["status"] for result in answer.json()["results"]] == [201] * batches.CHUNK + [200]
    assert await _contact(api, 123) == (("Newer", "unsubscribed"),)
