"""SPEC §3.1 as amended (README, Money): money is an exact decimal, stored as ten-thousandths,
rendered with its currency's decimals (ISO 4217 minor unit; two without a currency), more only
when a value has more; at most the currency's decimals (at most 4 without one)."""

import pytest

from tests.conftest import order_body


@pytest.mark.parametrize(
    ("currency", "sent", "rendered", "stored_units"),
    [
        ("EUR", 49.9, "49.90", 499000),
        ("EUR", "49.9", "49.90", 499000),
        ("EUR", 10, "10.00", 100000),
        ("EUR", "12345678901234.56", "12345678901234.56", 123456789012345600),
        ("EUR", 0, "0.00", 0),
        ("EUR", "-0", "0.00", 0),
        ("EUR", "-0.00", "0.00", 0),
        ("JPY", 1500, "1500", 15000000),
        ("JPY", "1500.00", "1500", 15000000),
        ("JPY", "-0", "0", 0),
        ("KWD", "12.345", "12.345", 123450),
        ("KWD", 12.3, "12.300", 123000),
        ("CLF", "1.2345", "1.2345", 12345),
        (None, 0.125, "0.125", 1250),
        (None, "0.0001", "0.0001", 1),
        (None, "12345678901234.5678", "12345678901234.5678", 123456789012345678),
        (None, 10, "10.00", 100000),
        ("XAU", "1.5", "1.50", 15000),
        ("XAU", "0.0001", "0.0001", 1),
    ],
)
async def test_money_is_exact_and_rendered_with_its_currency_decimals(api, currency, sent, rendered, stored_units):
    response = await api.post("/orders", order_body(total_price=sent, currency=currency, line_items=[]))
    assert response.status_code == 201, response.text
    assert response.json()["total_price"] == rendered
    fetched = await api.get("/orders/ORDER-1001")
    assert fetched.json()["total_price"] == rendered
    units = await api.db.read(lambda conn: conn.exec_driver_sql("SELECT total_price FROM orders").scalar())
    assert units == stored_units


@pytest.mark.parametrize(
    ("currency", "sent"),
    [("EUR", "49.901"), ("EUR", 0.125), ("JPY", "1500.5"), ("JPY", 0.1), ("KWD", "12.3456"), (None, "1.00001")],
)
async def test_more_decimals_than_the_currency_has_is_too_precise(api, currency, sent):
    response = await api.post("/orders", order_body(total_price=sent, currency=currency, line_items=[]))
    assert response.status_code == 422
    assert response.json()["codes"] == {"total_price": ["too_precise"]}
    assert (await api.get("/orders/ORDER-1001")).status_code == 404


async def test_a_line_item_price_with_more_decimals_than_the_currency_is_too_precise(api):
    body = order_body(currency="JPY", total_price=3000, line_items=[{"quantity": 2, "price": "1500.5"}])
    response = await api.post("/orders", body)
    assert response.status_code == 422
    assert response.json()["codes"] == {"line_items.0.price": ["too_precise"]}


async def test_an_amount_stored_with_more_decimals_than_its_currency_renders_exactly(api):
    # Stored before minor units were checked: a JPY total with decimals is shown as it is, never rounded.
    assert (
        await api.post("/orders", order_body(total_price="1500.5", currency=None, line_items=[]))
    ).status_code == 201
    await api.db.write(lambda conn: conn.exec_driver_sql("UPDATE orders SET currency = 'JPY'"))
    assert (await api.get("/orders/ORDER-1001")).json()["total_price"] == "1500.5"
