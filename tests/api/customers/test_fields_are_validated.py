"""SPEC §3.4: the customer's fields and their rules."""


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
