"""SPEC §3.1: currency is an ISO 4217 code, upper-cased; unknown codes are rejected."""

from tests.conftest import order_body


async def test_currency_is_upper_cased_and_unknown_codes_rejected(api):
    assert (await api.post("/orders", order_body(currency="eur"))).json()["currency"] == "EUR"
    response = await api.post("/orders", order_body(currency="EUX"))
    assert response.status_code == 422
    assert response.json()["codes"] == {"currency": ["invalid_currency"]}
