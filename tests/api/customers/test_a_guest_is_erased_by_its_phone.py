"""SPEC §3 keys a customer without `external_id` by its phone, and §4.3 erases a customer's
contact: a guest buyer (POST /customers without an id, an order's or a cart's customer without
one, a phone on an address alone) is erased by naming the phone as such — `DELETE
/customers?phone=…` or GraphQL's `deleteCustomer(phone:)` — never by an id that may look like a
phone (an id naming no customer once erased would then erase a stranger on a retry). Before,
no request reached a guest's contact, and `DELETE /customers/{id}` answered 204 having erased
nothing. The phone is read in any form `POST /customers` takes; idempotent; an unreadable
phone is 422 (REST) or a userError (GraphQL), nothing erased."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from app.services import keys, stores
from tests.api.calls import gql
from tests.conftest import Api, cart_body, order_body

GUEST = "+33612132400"
OTHER = "+33611111111"
GUEST_DATA = {"first_name": "Guest", "email": "g@example.com"}

# how the guest was written -> (path, body)
WRITTEN: dict[str, tuple[str, dict[str, Any]]] = {
    "POST /customers without external_id": ("/customers", {"phone": GUEST, **GUEST_DATA}),
    "an order's customer without external_id": ("/orders", order_body(customer={"phone": GUEST, **GUEST_DATA})),
    "a cart's customer without external_id": ("/carts", cart_body(customer={"phone": GUEST, **GUEST_DATA})),
    "an order's phone on its shipping address alone": (
        "/orders",
        order_body(customer=GUEST_DATA, shipping_address={"phone": GUEST, "country_code": "FR"}),
    ),
}

# every form POST /customers reads the phone in (store region FR)
FORMS = ["+33612132400", "+33 6 12 13 24 00", "0612132400", "06.12.13.24.00", "0033612132400", "33612132400"]

# the phone sent -> the code it is refused with (REST: None is the parameter left out)
REFUSED: dict[str | None, str] = {
    None: "required",
    "": "required",
    " ": "required",
    "12": "invalid_phone",
    "abc": "invalid_phone",
    "+3361": "invalid_phone",
    "06\u000012": "invalid_characters",
    "1" * 65: "invalid_phone",
}
# the values of `phone` given more than once (400, nothing erased)
TWICE = [(GUEST, OTHER), (GUEST, ""), ("abc", GUEST), (GUEST, GUEST)]
PLUS_HINT = "; a + in a query string is written %2B (a bare + reads as a space)."

ERASE = "mutation($p: String) { deleteCustomer(storeId: 123, phone: $p) { erasedContacts userErrors { field code } } }"
BOTH = 'mutation { deleteCustomer(storeId: 123, externalId: "X", phone: "+33612132400") { erasedContacts } }'
NEITHER = "mutation { deleteCustomer(storeId: 123) { erasedContacts } }"


async def _erase(api: Api, way: str, phone: str) -> int | None:
    """Erase by `phone` one way: REST's status, or GraphQL's erasedContacts (no userErrors)."""
    if way == "REST":
        return (await api.delete(f"/customers?phone={quote(phone, safe='')}")).status_code
    answer = (await gql(api, ERASE, {"p": phone}))["data"]["deleteCustomer"]
    assert answer["userErrors"] == []
    return answer["erasedContacts"]


async def _contact(api: Api, store_id: int = 123) -> dict[str, Any]:
    (contact,) = [row for row in await api.rows("contacts") if row["store_id"] == store_id]
    return contact


@pytest.mark.parametrize("way", ["REST", "GraphQL"])
@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("written", WRITTEN)
async def test_the_guest_is_erased_by_its_phone_in_any_form(api: Api, written: str, form: str, way: str) -> None:
    path, body = WRITTEN[written]
    assert (await api.post(path, body)).status_code == 201
    assert await _erase(api, way, form) == (204 if way == "REST" else 1)
    contact = await _contact(api)
    assert (contact["phone"], contact["first_name"], contact["email"]) == (None, None, None)
    assert contact["erased_at"] is not None
    for table in ("orders", "carts"):
        for row in await api.rows(table):  # kept, detached
            assert (row["contact_id"], row["shipping_address"], row["billing_address"]) == (contact["id"], None, None)
    erased = [row for row in await api.rows("events") if row["type"] == "customer.erased"]
    assert [(row["contact_id"], row["backfill"]) for row in erased] == [(contact["id"], False)]
    found = await gql(api, "query($p: String) { contact(storeId: 123, phone: $p) { id } }", {"p": GUEST})
    assert found["data"]["contact"] is None


@pytest.mark.parametrize("way", ["REST", "GraphQL"])
async def test_an_erasure_sent_again_erases_nothing_more(api: Api, way: str) -> None:
    assert (await api.post("/customers", {"phone": GUEST, **GUEST_DATA})).status_code == 201
    assert (await api.post("/customers", {"external_id": GUEST, "phone": OTHER, "first_name": "Id"})).status_code == 201
    assert await _erase(api, way, GUEST) == (204 if way == "REST" else 1)
    before = await api.snapshot()
    assert await _erase(api, way, GUEST) == (204 if way == "REST" else 0)
    assert await api.snapshot() == before
    # the customer whose own id is written like the phone is no guest of it: untouched
    kept = (await api.get(f"/customers/{quote(GUEST, safe='')}")).json()
    assert (kept["contact"]["phone"], kept["first_name"]) == (OTHER, "Id")


async def test_a_contact_holding_ids_is_erased_with_its_customer_records(api: Api) -> None:
    """The phone names the contact it has now, whatever ids it holds, as erasing by an id does."""
    assert (await api.post("/customers", {"external_id": "CUST-9", "phone": GUEST, **GUEST_DATA})).status_code == 201
    assert (await api.delete(f"/customers?phone={quote(GUEST, safe='')}")).status_code == 204
    assert (await _contact(api))["erased_at"] is not None
    assert await api.count("customers") == 0
    assert (await api.get("/customers/CUST-9")).status_code == 404


async def test_a_later_order_on_the_phone_makes_a_new_contact(api: Api) -> None:
    assert (await api.post("/orders", order_body(customer={"phone": GUEST, **GUEST_DATA}))).status_code == 201
    assert (await api.delete(f"/customers?phone={quote(GUEST, safe='')}")).status_code == 204
    again = order_body(external_id="ORDER-2", customer={"phone": GUEST, "first_name": "New"})
    assert (await api.post("/orders", again)).status_code == 201
    assert [(row["phone"], row["first_name"]) for row in await api.rows("contacts")] == [(None, None), (GUEST, "New")]
    # the first order, sent again, stays on the erased contact
    assert (await api.post("/orders", order_body(customer={"phone": GUEST, **GUEST_DATA}))).status_code == 200
    assert (await api.get("/orders/ORDER-1001")).json()["contact"]["phone"] is None


async def test_the_phone_of_another_store_is_not_erased(api: Api) -> None:
    await stores.create_store(api.db, 124, "Other shop", "FR")
    other, _ = await keys.create_key(api.db, store_id=124, name="other")
    written = await api.post("/customers", {"phone": GUEST, **GUEST_DATA}, store=124, key=other)
    assert written.status_code == 201
    assert (await api.delete(f"/customers?phone={quote(GUEST, safe='')}")).status_code == 204
    contact = await _contact(api, store_id=124)
    assert (contact["phone"], contact["erased_at"]) == (GUEST, None)


@pytest.mark.parametrize("sent", list(REFUSED), ids=[repr(phone) for phone in REFUSED])
async def test_a_phone_missing_or_unreadable_is_refused_and_erases_nothing(api: Api, sent: str | None) -> None:
    assert (await api.post("/customers", {"phone": GUEST, **GUEST_DATA})).status_code == 201
    before = await api.snapshot()
    response = await api.delete("/customers" + ("" if sent is None else f"?phone={quote(sent, safe='')}"))
    assert (response.status_code, response.json()["codes"]) == (422, {"phone": [REFUSED[sent]]})
    if sent is not None:
        answer = (await gql(api, ERASE, {"p": sent}))["data"]["deleteCustomer"]
        assert answer == {"erasedContacts": 0, "userErrors": [{"field": ["phone"], "code": REFUSED[sent].upper()}]}
    assert await api.snapshot() == before


@pytest.mark.parametrize("document", [BOTH, NEITHER], ids=["both", "neither"])
async def test_graphql_takes_exactly_one_of_external_id_and_phone(api: Api, document: str) -> None:
    assert (await api.post("/customers", {"phone": GUEST, **GUEST_DATA})).status_code == 201
    before = await api.snapshot()
    answer = await gql(api, document)
    (error,) = answer["errors"]
    assert (error["extensions"]["code"], error["path"]) == ("BAD_USER_INPUT", ["deleteCustomer"])
    assert error["message"] == "Give the customer to erase as externalId or phone, exactly one of them."
    assert await api.snapshot() == before


async def test_a_backfill_erasure_records_its_event_as_backfill(api: Api) -> None:
    assert (await api.post("/customers", {"phone": GUEST, **GUEST_DATA})).status_code == 201
    response = await api.client.delete(
        f"/api/v1/stores/123/customers?phone={quote(GUEST, safe='')}", headers={**api.auth(), "Kanal-Backfill": "true"}
    )
    assert response.status_code == 204
    erased = [row["backfill"] for row in await api.rows("events") if row["type"] == "customer.erased"]
    assert erased == [True]


async def test_the_phone_left_out_is_required_in_the_query_string(api: Api) -> None:
    """A phone sent in a body is not read: the answer says where it goes."""
    assert (await api.post("/customers", {"phone": GUEST, **GUEST_DATA})).status_code == 201
    before = await api.snapshot()
    for path in ("/customers", "/customers/"):
        response = await api.client.request(
            "DELETE", f"/api/v1/stores/123{path}", json={"phone": GUEST}, headers=api.auth()
        )
        message = "The phone field is required: give it in the query string, ?phone=%2B33612345678."
        assert (response.status_code, response.json()["errors"]) == (422, {"phone": [message]})
    assert await api.snapshot() == before


@pytest.mark.parametrize("values", TWICE, ids=[" & ".join(map(repr, values)) for values in TWICE])
async def test_the_phone_given_twice_is_refused(api: Api, values: tuple[str, str]) -> None:
    """Which person was meant is not known: erasing one of two (the last) is no answer."""
    assert (await api.post("/customers", {"phone": GUEST, **GUEST_DATA})).status_code == 201
    assert (await api.post("/customers", {"phone": OTHER, **GUEST_DATA})).status_code == 201
    before = await api.snapshot()
    query = "&".join(f"phone={quote(value, safe='')}" for value in values)
    response = await api.delete(f"/customers?{query}")
    assert (response.status_code, response.json()) == (
        400,
        {"error": "The `phone` query parameter is given 2 times; give it once."},
    )
    assert await api.snapshot() == before


async def test_a_bare_plus_read_as_a_space(api: Api) -> None:
    """Unencoded, `+` is a space in a query string: a number then still valid as digits is
    erased; one refused is told how to write the `+`."""
    assert (await api.post("/customers", {"phone": GUEST, **GUEST_DATA})).status_code == 201
    refused = await api.client.delete("/api/v1/stores/123/customers?phone=+999123", headers=api.auth())
    expected = (
        "The phone field is invalid: The phone number is not a valid FR number; write it with + and the country code"
    )
    assert (refused.status_code, refused.json()["errors"]) == (422, {"phone": [expected + PLUS_HINT]})
    erased = await api.client.delete(f"/api/v1/stores/123/customers?phone={GUEST}", headers=api.auth())
    assert erased.status_code == 204
    assert (await _contact(api))["erased_at"] is not None
