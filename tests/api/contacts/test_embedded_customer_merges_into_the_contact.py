"""SPEC §4.2: the embedded customer merges into the contact; its external_id goes on the order and on the contact when no other contact holds it."""

from tests.conftest import cart_body, order_body


async def test_embedded_customer_merges_into_the_contact(api):
    await api.post("/orders", order_body())
    # a cart carrying only a phone and a new first name must not erase what the order gave
    await api.post("/carts", cart_body(customer={"phone": "0612345678", "first_name": "Marie-Anne", "last_name": None}))
    contact = (await api.rows("contacts"))[0]
    assert (contact["first_name"], contact["last_name"], contact["email"]) == (
        "Marie-Anne",
        "Durand",
        "marie.durand@example.com",
    )
    assert (contact["tags"], contact["lifetime_value"], contact["orders_count"]) == (["vip"], 1299, 7)


async def test_customer_external_id_goes_on_order_and_contact(api):
    await api.post("/orders", order_body())
    assert (await api.rows("orders"))[0]["customer_external_id"] == "CUST-42"
    assert (await api.rows("contacts"))[0]["external_id"] == "CUST-42"


async def test_customer_external_id_stays_with_the_contact_that_holds_it(api):
    await api.post("/orders", order_body())
    other = order_body(external_id="O-2", customer={"external_id": "CUST-42", "phone": "+33698765432"})
    assert (await api.post("/orders", other)).status_code == 201
    contacts = {c["phone"]: c["external_id"] for c in await api.rows("contacts")}
    assert contacts == {"+33612345678": "CUST-42", "+33698765432": None}
    assert (await api.rows("orders"))[1]["customer_external_id"] == "CUST-42"
