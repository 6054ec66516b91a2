"""README "Erasure": erasing a customer id erases every contact the id was ever on. An id an
order's or a cart's customer gave a contact (no customer record) moves to another phone's
contact when a customer write names it with that phone (README "Customers and contacts": the
record's contact holds the id); the old contact gave the id up and kept the names and email
written under it, and the erasure, finding the id nowhere on it, left them. The same for each
way the id first reached a contact and each customer write that moves it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.calls import gql
from tests.api.customers.test_erasure_reaches_every_phone_the_customer_had import CHANNELS
from tests.conftest import Api, cart_body, order_body

OLD, NEW, OTHER = "+33612355001", "+33612355002", "+33612355009"
ERASED = "L1"
PERSONAL = ("phone", "first_name", "last_name", "email", "tags", "external_id")


def _customer(**fields: Any) -> dict[str, Any]:
    return {"phone": OLD, **fields}


_FIRST = {"external_id": ERASED, "first_name": "Lea", "last_name": "Old", "email": "lea1@ex.com", "tags": ["a"]}


async def _written(api: Api, path: str, body: dict[str, Any]) -> None:
    response = await api.post(path, body)
    assert response.status_code in (200, 201), response.text


async def _by_order(api: Api, resent_without_id: bool) -> None:
    await _written(api, "/orders", order_body(external_id="LO1", customer=_customer(**_FIRST)))
    if resent_without_id:  # the order no longer carries the id: only the contact did
        await _written(api, "/orders", order_body(external_id="LO1", customer=_customer()))


async def _by_cart(api: Api, resent_without_id: bool) -> None:
    await _written(api, "/carts", cart_body(external_id="LC1", customer=_customer(**_FIRST)))
    if resent_without_id:
        await _written(api, "/carts", cart_body(external_id="LC1", customer=_customer()))


async def _by_record(api: Api, resent_without_id: bool) -> None:
    await _written(api, "/customers", _customer(**_FIRST))


# how the id first reached the old phone's contact
STARTS = {
    "an order's customer": lambda api: _by_order(api, False),
    "an order's customer, the order re-sent without it": lambda api: _by_order(api, True),
    "a cart's customer": lambda api: _by_cart(api, False),
    "a cart's customer, the cart re-sent without it": lambda api: _by_cart(api, True),
    "a customer record": lambda api: _by_record(api, False),
}


@pytest.mark.parametrize("move", CHANNELS.values(), ids=list(CHANNELS))
@pytest.mark.parametrize("start", STARTS.values(), ids=list(STARTS))
async def test_erasure_reaches_the_contact_a_customer_write_took_the_id_from(api: Api, start: Any, move: Any) -> None:
    await _written(api, "/customers", {"external_id": "KEEP", "phone": OTHER, "first_name": "Kim"})  # untouched
    await start(api)
    await move(api, [{"external_id": ERASED, "phone": NEW, "first_name": "Lea", "email": "lea2@ex.com"}])
    before = {row["phone"]: row for row in await api.rows("contacts")}
    assert before[OLD]["external_id"] is None and before[NEW]["external_id"] == ERASED  # the id moved
    ids = {before[OLD]["id"], before[NEW]["id"]}

    assert (await api.delete(f"/customers/{ERASED}")).status_code == 204

    for row in await api.rows("contacts"):
        if row["id"] in ids:
            assert {name: row[name] for name in PERSONAL} == dict.fromkeys(PERSONAL), row
            assert row["erased_at"] is not None
        else:
            assert row == before[OTHER]
    assert [row["external_id"] for row in await api.rows("customers")] == ["KEEP"]


async def test_the_reported_order_customer_who_moved_phone_then_was_erased(api: Api) -> None:
    """The report: the old phone's contact still gave Lea Old and lea1@ex.com after the erasure."""
    customer = {"external_id": "L1", "phone": OLD, "first_name": "Lea", "last_name": "Old", "email": "lea1@ex.com"}
    await _written(api, "/orders", {**order_body(external_id="LO1"), "customer": customer})
    moved = {"external_id": "L1", "phone": NEW, "first_name": "Lea", "email": "lea2@ex.com"}
    await _written(api, "/customers", moved)
    assert (await api.delete("/customers/L1")).status_code == 204
    query = "query($phone: String) { contact(storeId: 123, phone: $phone) { firstName lastName email erasedAt } }"
    for phone in (OLD, NEW):
        assert await gql(api, query, {"phone": phone}) == {"data": {"contact": None}}
    rows = await api.rows("contacts")
    assert [(row["first_name"], row["last_name"], row["email"]) for row in rows] == [(None, None, None)] * 2
    assert all(row["erased_at"] is not None for row in rows)
