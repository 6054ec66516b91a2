"""SPEC §3.3 with §3.1 as amended (README, Money): a cart's total renders in its currency's
decimals; a total or line price with more decimals than the currency has is too_precise."""

import pytest

from tests.conftest import cart_body


@pytest.mark.parametrize(
    ("currency", "sent", "rendered"),
    [
        ("EUR", 49.9, "49.90"),
        ("EUR", "-0", "0.00"),
        ("JPY", "1500.00", "1500"),
        ("KWD", "12.3", "12.300"),
        (None, "0.125", "0.125"),
        (None, "12345678901234.5678", "12345678901234.5678"),
    ],
)
async def test_a_cart_total_renders_in_its_currency_decimals(api, currency, sent, rendered):
    response = await api.post("/carts", cart_body(total_price=sent, currency=currency))
    assert response.status_code == 201, response.text
    assert response.json()["total_price"] == rendered
    assert (await api.get("/carts/CART-7700")).json()["total_price"] == rendered


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"currency": "JPY", "total_price": "0.5"}, "total_price"),
        ({"currency": "EUR", "total_price": "49.999"}, "total_price"),
        ({"currency": "KWD", "line_items": [{"price": "1.0001"}]}, "line_items.0.price"),
        (
            {"currency": "JPY", "total_price": 100, "line_items": [{"title": "ok"}, {"price": 9.5}]},
            "line_items.1.price",
        ),
    ],
)
async def test_more_decimals_than_the_currency_is_too_precise(api, changes, field):
    response = await api.post("/carts", cart_body(**changes))
    assert response.status_code == 422
    assert response.json()["codes"] == {field: ["too_precise"]}
    assert await api.count("carts") == 0
