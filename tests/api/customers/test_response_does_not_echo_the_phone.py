"""SPEC §3.4: the customer response does not echo the phone."""

CUSTOMER = {"external_id": "CUST-42", "phone": "+33612345678", "first_name": "Marie", "email": "m@example.com"}


async def test_customer_response_does_not_echo_the_phone(api):
    body = (await api.post("/customers", CUSTOMER)).json()
    assert "+33612345678" not in str(body) and "phone" not in body
    assert body["phone_type"] == "mobile"
