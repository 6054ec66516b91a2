"""A guest buyer (written without a customer id: SPEC §3 keys it by its phone) is read by naming
the phone, `GET /customers?phone=…`, as it is erased (`DELETE /customers?phone=…`). Before, REST
had no way to read a guest's contact, its names or its WhatsApp consent: `GET /customers/{id}`
needs an id the guest never had. The phone is read in any form `POST /customers` takes and
refused as the erasure refuses it; the answer is the customer `GET /customers/{id}` gives (the
contact's customer record written last, else the contact itself); 404 when no contact has the
phone."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from app.services import keys, stores
from tests.api.calls import gql
from tests.api.customers.test_a_guest_is_erased_by_its_phone import (
    FORMS,
    GUEST,
    GUEST_DATA,
    OTHER,
    PLUS_HINT,
    REFUSED,
    TWICE,
    WRITTEN,
)
from tests.conftest import Api, order_body

NOT_FOUND = (404, {"error": "Customer not found"})


async def _read(api: Api, phone: str, store: int = 123, key: str | None = None) -> tuple[int, dict]:
    response = await api.get(f"/customers?phone={quote(phone, safe='')}", store=store, key=key)
    return response.status_code, response.json()


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("written", WRITTEN)
async def test_the_guest_is_read_by_its_phone_in_any_form(api: Api, written: str, form: str) -> None:
    path, body = WRITTEN[written]
    assert (await api.post(path, body)).status_code == 201
    (contact,) = await api.rows("contacts")
    status, customer = await _read(api, form)
    assert status == 200
    assert customer["external_id"] is None
    assert (customer["first_name"], customer["email"]) == (GUEST_DATA["first_name"], GUEST_DATA["email"])
    assert customer["contact"] == {"id": contact["id"], "phone": GUEST}
    assert customer["whatsapp_consent"]["marketing"]["state"] == "not_subscribed"


async def test_a_guest_shows_the_consent_its_order_gave(api: Api) -> None:
    consent = {"marketing": "subscribed", "consented_at": "2026-05-01T00:00:00Z"}
    order = order_body(customer={"phone": GUEST, **GUEST_DATA, "whatsapp_consent": consent})
    assert (await api.post("/orders", order)).status_code == 201
    status, customer = await _read(api, GUEST)
    marketing = customer["whatsapp_consent"]["marketing"]
    assert (status, marketing["state"], marketing["consented_at"]) == (200, "subscribed", "2026-05-01T00:00:00+00:00")


async def test_a_customer_of_the_phone_is_its_record_written_last(api: Api) -> None:
    """A phone two customer ids share: the record written last, as `GET /customers/{id}` gives it."""
    for external_id, name in (("CUST-1", "One"), ("CUST-2", "Two")):
        written = await api.post("/customers", {"external_id": external_id, "phone": GUEST, "first_name": name})
        assert written.status_code == 201
    assert await _read(api, GUEST) == (200, (await api.get("/customers/CUST-2")).json())
    again = await api.post("/customers", {"external_id": "CUST-1", "phone": GUEST, "first_name": "Uno"})
    assert again.status_code == 200
    status, customer = await _read(api, GUEST)
    assert (status, customer["external_id"], customer["first_name"]) == (200, "CUST-1", "Uno")
    assert customer == (await api.get("/customers/CUST-1")).json()


# the writes, in order, of two customer ids sharing a phone -> the id the phone then names
SHARED = {
    "the second written": (("CUST-1", "One"), ("CUST-2", "Two")),
    "the first, sent again unchanged (a replay)": (("CUST-1", "One"), ("CUST-2", "Two"), ("CUST-1", "One")),
    "the second, replayed after the first's replay": (
        ("CUST-1", "One"),
        ("CUST-2", "Two"),
        ("CUST-1", "One"),
        ("CUST-2", "Two"),
    ),
    "the first, changed": (("CUST-1", "One"), ("CUST-2", "Two"), ("CUST-1", "Uno")),
}


@pytest.mark.parametrize("case", SHARED)
async def test_rest_and_graphql_name_the_same_customer_of_a_phone(api: Api, case: str) -> None:
    """The phone's customer is the one its contact holds the id of, as `contact(phone:)` says."""
    for external_id, name in SHARED[case]:
        written = await api.post("/customers", {"external_id": external_id, "phone": GUEST, "first_name": name})
        assert written.status_code in (200, 201)
    status, customer = await _read(api, GUEST)
    found = await gql(api, "query($p: String) { contact(storeId: 123, phone: $p) { externalId } }", {"p": GUEST})
    named = SHARED[case][-1][0]
    assert (status, customer["external_id"], found["data"]["contact"]["externalId"]) == (200, named, named)
    assert customer == (await api.get(f"/customers/{named}")).json()


async def test_a_phone_no_contact_has_is_not_found(api: Api) -> None:
    assert (await api.post("/customers", {"phone": GUEST, **GUEST_DATA})).status_code == 201
    assert await _read(api, OTHER) == NOT_FOUND


async def test_an_erased_guest_is_not_found(api: Api) -> None:
    assert (await api.post("/orders", WRITTEN["an order's customer without external_id"][1])).status_code == 201
    assert (await api.delete(f"/customers?phone={quote(GUEST, safe='')}")).status_code == 204
    assert await _read(api, GUEST) == NOT_FOUND


async def test_the_phone_of_another_store_is_not_found(api: Api) -> None:
    await stores.create_store(api.db, 124, "Other shop", "FR")
    other, _ = await keys.create_key(api.db, store_id=124, name="other")
    assert (await api.post("/customers", {"phone": GUEST, **GUEST_DATA}, store=124, key=other)).status_code == 201
    assert await _read(api, GUEST) == NOT_FOUND
    assert (await _read(api, GUEST, store=124, key=other))[0] == 200


async def test_head_answers_as_get_without_a_body(api: Api) -> None:
    assert (await api.post("/customers", {"phone": GUEST, **GUEST_DATA})).status_code == 201
    response = await api.client.head(f"/api/v1/stores/123/customers?phone={quote(GUEST, safe='')}", headers=api.auth())
    assert (response.status_code, response.content) == (200, b"")


@pytest.mark.parametrize("sent", list(REFUSED), ids=[repr(phone) for phone in REFUSED])
async def test_a_phone_missing_or_unreadable_is_refused(api: Api, sent: str | None) -> None:
    assert (await api.post("/customers", {"phone": GUEST, **GUEST_DATA})).status_code == 201
    response = await api.get("/customers" + ("" if sent is None else f"?phone={quote(sent, safe='')}"))
    assert (response.status_code, response.json()["codes"]) == (422, {"phone": [REFUSED[sent]]})


async def test_the_phone_left_out_says_where_it_goes(api: Api) -> None:
    response = await api.get("/customers")
    message = "The phone field is required: give it in the query string, ?phone=%2B33612345678."
    assert (response.status_code, response.json()["errors"]) == (422, {"phone": [message]})


@pytest.mark.parametrize("values", TWICE, ids=[" & ".join(map(repr, values)) for values in TWICE])
async def test_the_phone_given_twice_is_refused(api: Api, values: tuple[str, str]) -> None:
    """Which person was meant is not known: showing one of two is no answer."""
    assert (await api.post("/customers", {"phone": GUEST, **GUEST_DATA})).status_code == 201
    response = await api.get("/customers?" + "&".join(f"phone={quote(value, safe='')}" for value in values))
    assert (response.status_code, response.json()) == (
        400,
        {"error": "The `phone` query parameter is given 2 times; give it once."},
    )


async def test_a_bare_plus_read_as_a_space(api: Api) -> None:
    """Unencoded, `+` is a space in a query string: digits still valid as a number are read;
    a value refused is told how to write the `+`."""
    assert (await api.post("/customers", {"phone": GUEST, **GUEST_DATA})).status_code == 201
    status, customer = await _read_raw(api, "+33612132400")
    assert (status, customer["contact"]["phone"]) == (200, GUEST)
    status, refused = await _read_raw(api, "+999123")
    assert status == 422
    assert refused["errors"]["phone"][0].endswith(PLUS_HINT)


async def _read_raw(api: Api, query_value: str) -> tuple[int, dict]:
    """The query string as written, `+` unencoded."""
    response = await api.client.get(f"/api/v1/stores/123/customers?phone={query_value}", headers=api.auth())
    return response.status_code, response.json()
