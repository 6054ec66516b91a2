"""SPEC §3.4 and §4.3: customer upserts and GDPR erasure."""

from tests.conftest import cart_body, order_body

CUSTOMER = {"external_id": "CUST-42", "phone": "+33612345678", "first_name": "Marie", "email": "m@example.com"}


async def test_customer_upsert_on_external_id(api):
    first = await api.post("/customers", CUSTOMER)
    second = await api.post("/customers", {**CUSTOMER, "first_name": "Maria"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["first_name"] == "Maria"
    assert await api.count("customers") == 1 and await api.count("contacts") == 1


async def test_customer_without_external_id_is_keyed_by_phone(api):
    first = await api.post("/customers", {"phone": "06 12 34 56 78", "first_name": "Marie"})
    second = await api.post("/customers", {"phone": "+33612345678", "last_name": "Durand"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["first_name"] == "Marie"
    assert await api.count("contacts") == 1


async def test_customer_response_does_not_echo_the_phone(api):
    body = (await api.post("/customers", CUSTOMER)).json()
    assert "+33612345678" not in str(body) and "phone" not in body
    assert body["phone_type"] == "mobile"


async def test_customer_validation(api):
    response = await api.post(
        "/customers", {"phone": "+33612345678", "email": "nope", "lifetime_value": -1, "locale": "x" * 11}
    )
    assert response.status_code == 422
    assert response.json()["codes"] == {
        "email": ["invalid_email"],
        "lifetime_value": ["out_of_range"],
        "locale": ["too_long"],
    }


async def test_customers_of_one_phone_with_different_ids_share_one_contact(api):
    await api.post("/customers", CUSTOMER)
    assert (await api.post("/customers", {**CUSTOMER, "external_id": "CUST-43"})).status_code == 201
    assert await api.count("customers") == 2 and await api.count("contacts") == 1


async def test_get_customer_reads_records_and_order_customers(api):
    await api.post("/orders", order_body())
    body = (await api.get("/customers/CUST-42")).json()
    assert (body["first_name"], body["last_name"]) == ("Marie", "Durand")
    response = await api.get("/customers/NOPE")
    assert (response.status_code, response.json()) == (404, {"error": "Customer not found"})


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


async def test_a_backfilled_customer_is_stored_like_any_other(api):
    """A customer write records no event: the backfill flag (REST header, GraphQL argument) is
    accepted on it, as on every write, and changes nothing."""
    headers = {**api.auth(), "Kanal-Backfill": "true"}
    response = await api.client.post("/api/v1/stores/123/customers", json=CUSTOMER, headers=headers)
    assert response.status_code == 201 and response.json()["first_name"] == "Marie"
    mutation = """mutation { upsertCustomer(storeId: 123, backfill: true,
        input: {externalId: "CUST-42", phone: "+33612345678", firstName: "Maria"}) {
        customer { firstName } created userErrors { code } } }"""
    body = (await api.client.post("/graphql", json={"query": mutation}, headers=api.auth())).json()
    assert body == {
        "data": {"upsertCustomer": {"customer": {"firstName": "Maria"}, "created": False, "userErrors": []}}
    }
    assert await api.count("customers") == 1 and await api.count("events") == 0
