"""README, "Backfill": a customer write records no event, so the backfill flag (REST header,
GraphQL argument) is accepted on it, as on every write, and changes nothing."""

CUSTOMER = {"external_id": "CUST-42", "phone": "+33612345678", "first_name": "Marie", "email": "m@example.com"}


async def test_a_backfilled_customer_is_stored_like_any_other(api):
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
