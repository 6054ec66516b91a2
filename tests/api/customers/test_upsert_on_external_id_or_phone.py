"""SPEC §3.4: customers are upserted on external_id, or on the phone when there is none."""

from tests.conftest import order_body

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
