"""SPEC §3: a customer's natural key is `external_id`, or its phone when it has none; SPEC §4.3:
DELETE erases that customer's contact. A customer written without `external_id` (POST
/customers, an order's or a cart's guest buyer) is named by its phone where an id is taken:
`GET` and `DELETE /customers/{id}`, GraphQL's `contact(externalId:)` and `deleteCustomer`
(`rules.customer_named_by_phone`). An id names a customer first; only one naming none and
written with `+` and the country code names the contact of that phone, never a national number
nor bare digits (an unknown numeric id would erase a stranger). Before, such a contact could be
neither read nor erased by any of them, and DELETE answered 204 having erased nothing."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from app.services import keys, stores
from tests.api.calls import gql
from tests.conftest import Api, cart_body, order_body

GUEST = "+33612132400"
OTHER = "+33611111111"

# how the guest was written -> (path, body)
WRITTEN: dict[str, tuple[str, dict[str, Any]]] = {
    "POST /customers without external_id": ("/customers", {"phone": GUEST, "first_name": "Guest", "email": "g@x.fr"}),
    "an order's customer without external_id": (
        "/orders",
        order_body(customer={"phone": GUEST, "first_name": "Guest", "email": "g@x.fr"}),
    ),
    "a cart's customer without external_id": (
        "/carts",
        cart_body(customer={"phone": GUEST, "first_name": "Guest", "email": "g@x.fr"}),
    ),
    "an order with the phone on its shipping address alone": (
        "/orders",
        order_body(
            customer={"first_name": "Guest", "email": "g@x.fr"},
            shipping_address={"phone": GUEST, "country_code": "FR"},
        ),
    ),
}

# the id sent -> whether it names the guest
NAMES: dict[str, bool] = {
    GUEST: True,  # as the API answers `phone`
    "+33 6 12 13 24 00": True,  # with `+` and the country code, spaced
    "+33-6-12-13-24-00": True,
    " +33612132400": True,
    "0612132400": False,  # national: an id, not a phone
    "33612132400": False,  # bare digits (WhatsApp's form): an id
    "0033612132400": False,
    "+3361213240": False,  # no valid number
}

ASK = "query($id: String) { contact(storeId: 123, externalId: $id) { phone firstName externalId } }"
ERASE = (
    "mutation($id: String!) { deleteCustomer(storeId: 123, externalId: $id) { erasedContacts userErrors { code } } }"
)


async def _guest(api: Api) -> dict[str, Any]:
    (contact,) = [row for row in await api.rows("contacts") if row["first_name"] == "Guest" or row["erased_at"]]
    return contact


@pytest.mark.parametrize("written", WRITTEN)
@pytest.mark.parametrize("sent", NAMES)
async def test_get_and_graphql_read_the_guest_by_its_phone(api: Api, written: str, sent: str) -> None:
    path, body = WRITTEN[written]
    assert (await api.post(path, body)).status_code == 201
    answer = await api.get(f"/customers/{quote(sent, safe='')}")
    contact = (await gql(api, ASK, {"id": sent}))["data"]["contact"]
    if NAMES[sent]:
        assert (answer.status_code, answer.json()["contact"]["phone"], answer.json()["first_name"]) == (
            200,
            GUEST,
            "Guest",
        )
        assert answer.json()["external_id"] is None
        assert contact == {"phone": GUEST, "firstName": "Guest", "externalId": None}
    else:
        assert (answer.status_code, answer.json()) == (404, {"error": "Customer not found"})
        assert contact is None


@pytest.mark.parametrize("written", WRITTEN)
@pytest.mark.parametrize("sent", NAMES)
@pytest.mark.parametrize("way", ["REST", "GraphQL"])
async def test_delete_erases_the_guest_by_its_phone(api: Api, written: str, sent: str, way: str) -> None:
    path, body = WRITTEN[written]
    assert (await api.post(path, body)).status_code == 201
    if way == "REST":
        assert (await api.delete(f"/customers/{quote(sent, safe='')}")).status_code == 204
    else:
        answer = (await gql(api, ERASE, {"id": sent}))["data"]["deleteCustomer"]
        assert answer == {"erasedContacts": int(NAMES[sent]), "userErrors": []}
    contact = await _guest(api)
    if NAMES[sent]:
        assert (contact["phone"], contact["first_name"], contact["email"]) == (None, None, None)
        assert contact["erased_at"] is not None
        assert (await api.get(f"/customers/{quote(GUEST, safe='')}")).status_code == 404
        for table in ("orders", "carts"):
            assert [row["contact_id"] for row in await api.rows(table)] in ([], [contact["id"]])
    else:
        assert (contact["phone"], contact["first_name"], contact["erased_at"]) == (GUEST, "Guest", None)


async def test_an_id_that_names_a_customer_is_that_customer_first(api: Api) -> None:
    """A shop's customer id written like a phone is that customer, not the phone's contact."""
    assert (await api.post("/customers", {"phone": GUEST, "first_name": "Guest"})).status_code == 201
    assert (await api.post("/customers", {"external_id": GUEST, "phone": OTHER, "first_name": "Id"})).status_code == 201
    answer = (await api.get(f"/customers/{quote(GUEST, safe='')}")).json()
    assert (answer["contact"]["phone"], answer["first_name"], answer["external_id"]) == (OTHER, "Id", GUEST)
    assert (await gql(api, ASK, {"id": GUEST}))["data"]["contact"]["phone"] == OTHER
    assert (await api.delete(f"/customers/{quote(GUEST, safe='')}")).status_code == 204
    by_name = {row["first_name"]: row for row in await api.rows("contacts")}
    assert set(by_name) == {"Guest", None}
    assert (by_name["Guest"]["phone"], by_name["Guest"]["erased_at"]) == (GUEST, None)
    # that customer erased, the id now names none: the phone names its guest
    assert (await api.get(f"/customers/{quote(GUEST, safe='')}")).json()["first_name"] == "Guest"


async def test_the_phone_also_names_a_contact_that_holds_an_id(api: Api) -> None:
    """The phone names its contact whatever ids it holds: erasing by it erases the contact, its
    customer records and all, as erasing by the id does."""
    assert (
        await api.post("/customers", {"external_id": "CUST-9", "phone": GUEST, "first_name": "Guest"})
    ).status_code == 201
    answer = (await api.get(f"/customers/{quote(GUEST, safe='')}")).json()
    assert (answer["contact"]["phone"], answer["external_id"]) == (GUEST, "CUST-9")
    assert (await api.delete(f"/customers/{quote(GUEST, safe='')}")).status_code == 204
    assert (await _guest(api))["erased_at"] is not None
    assert await api.count("customers") == 0
    assert (await api.get("/customers/CUST-9")).status_code == 404


async def test_a_phone_of_another_store_names_nothing(api: Api) -> None:
    await stores.create_store(api.db, 124, "Other shop", "FR")
    other, _ = await keys.create_key(api.db, store_id=124, name="other")
    written = await api.post("/customers", {"phone": GUEST, "first_name": "Guest"}, store=124, key=other)
    assert written.status_code == 201
    assert (await api.get(f"/customers/{quote(GUEST, safe='')}")).status_code == 404
    assert (await api.delete(f"/customers/{quote(GUEST, safe='')}")).status_code == 204
    (contact,) = await api.rows("contacts")
    assert (contact["store_id"], contact["phone"], contact["erased_at"]) == (124, GUEST, None)
