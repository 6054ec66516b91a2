"""SPEC §4.3: DELETE erases the contact's personal data; orders and carts stay, detached; idempotent, 204 always."""

import pytest

from tests.conftest import cart_body, order_body

CUSTOMER = {"external_id": "CUST-42", "phone": "+33612345678", "first_name": "Marie", "email": "m@example.com"}


async def test_delete_erases_personal_data_and_keeps_orders_detached(api):
    await api.post("/orders", order_body())
    await api.post("/carts", cart_body())
    await api.post("/customers", CUSTOMER)
    response = await api.delete("/customers/CUST-42")
    assert response.status_code == 204 and response.content == b""
    contact = (await api.rows("contacts"))[0]
    personal = ("phone", "first_name", "last_name", "email", "tags", "external_id")
    assert all(contact[name] is None for name in personal)
    assert contact["erased_at"] is not None
    assert await api.count("customers") == 0
    order = (await api.rows("orders"))[0]
    assert order["customer_external_id"] is None and order["total_price"] is not None
    assert await api.count("carts") == 1
    assert (await api.get("/orders/ORDER-1001")).json()["contact"]["phone"] is None
    assert (await api.get("/customers/CUST-42")).status_code == 404


async def test_delete_is_idempotent_and_204_for_unknown_ids(api):
    assert (await api.delete("/customers/NEVER-SEEN")).status_code == 204
    await api.post("/orders", order_body())
    assert (await api.delete("/customers/CUST-42")).status_code == 204
    assert (await api.delete("/customers/CUST-42")).status_code == 204


async def test_phone_reused_after_erasure_makes_a_new_contact(api):
    await api.post("/orders", order_body())
    await api.delete("/customers/CUST-42")
    await api.post("/orders", order_body(external_id="ORDER-2"))
    phones = [c["phone"] for c in await api.rows("contacts")]
    assert phones == [None, "+33612345678"]


async def test_erasure_scrubs_the_contact_from_recorded_events(api):
    """SPEC §4.3: the events about the erased contact keep no copy of its personal data."""
    await api.post("/orders", order_body())
    await api.post("/carts", cart_body(abandoned_at="2026-05-19T09:00:00Z"))
    before = [row for row in await api.rows("events") if row["data"]["contact"] is not None]
    assert {row["data"]["contact"]["phone"] for row in before} == {"+33612345678"}
    assert (await api.delete("/customers/CUST-42")).status_code == 204
    rows = await api.rows("events")
    assert [row["data"]["contact"] for row in rows] == [None] * len(rows)
    assert "+33612345678" not in str([row["data"] for row in rows])
    # what changed stays, for accounting
    assert [row["data"]["subject"] for row in rows[: len(before)]] == [row["data"]["subject"] for row in before]


async def test_erasure_clears_the_addresses_of_the_erased_customers_orders_and_carts(api):
    """SPEC §4.3: an address (names, street, phone) is personal data; the order and the cart keep
    their amounts and lose it."""
    address = {
        "first_name": "Erase",
        "last_name": "Me",
        "address1": "1 rue X",
        "city": "Paris",
        "country_code": "FR",
        "phone": "06 11 22 33 44",
    }
    order = order_body(shipping_address=address, billing_address=address)
    assert (await api.post("/orders", order)).status_code == 201
    assert (
        await api.post(
            "/carts", cart_body(customer={"phone": "+33612345678", "external_id": "CUST-42"}, shipping_address=address)
        )
    ).status_code == 201
    assert (await api.delete("/customers/CUST-42")).status_code == 204
    for path in ("/orders/ORDER-1001", "/carts/CART-7700"):
        body = (await api.get(path)).json()
        assert (body["shipping_address"], body["billing_address"], body["total_price"]) == (None, None, "49.90")


CONSENT = {"marketing": "subscribed", "source": "checkout"}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        pytest.param("/customers", {**CUSTOMER, "whatsapp_consent": CONSENT}, id="customer record"),
        pytest.param("/orders", order_body(customer={**CUSTOMER, "whatsapp_consent": CONSENT}), id="order's customer"),
        pytest.param("/carts", cart_body(customer={**CUSTOMER, "whatsapp_consent": CONSENT}), id="cart's customer"),
    ],
)
async def test_erasure_leaves_the_customer_id_in_no_event(api, path, body):
    """README "Erasure": the id is nulled with the rest of the contact, and `customer.erased`
    names no id; a consent change recorded before (an event about the contact, its id in the
    subject) keeps the subject's type and internal id, not the erased customer id."""
    assert (await api.post(path, body)).status_code == 201
    contact_id = (await api.rows("contacts"))[0]["id"]
    assert (await api.delete("/customers/CUST-42")).status_code == 204
    subjects = {row["type"]: row["data"]["subject"] for row in await api.rows("events") if row["contact_id"]}
    assert subjects["contact.consent_changed"] == {"type": "contact", "id": contact_id, "external_id": None}
    assert subjects["customer.erased"] == {"type": "contact", "id": contact_id, "external_id": None}
    assert "CUST-42" not in str([row["data"] for row in await api.rows("events")])
