"""SPEC §4.3: DELETE erases the contact's personal data; orders and carts stay, detached; idempotent, 204 always."""

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
