"""SPEC §3.1: money is an exact decimal, at most 4 decimals, rendered with two decimals or more."""

import pytest

from tests.conftest import order_body


@pytest.mark.parametrize(
    ("sent", "rendered", "stored_units"),
    [
        (49.9, "49.90", 499000),
        ("49.9", "49.90", 499000),
        (0.125, "0.125", 1250),
        (10, "10.00", 100000),
        ("0.0001", "0.0001", 1),
        ("12345678901234.5678", "12345678901234.5678", 123456789012345678),
        (0, "0.00", 0),
    ],
)
async def test_money_is_exact_and_rendered_with_two_decimals_or_more(api, sent, rendered, stored_units):
    response = await api.post("/orders", order_body(total_price=sent))
    assert response.status_code == 201, response.text
    assert response.json()["total_price"] == rendered
    units = await api.db.read(lambda conn: conn.exec_driver_sql("SELECT total_price FROM orders").scalar())
    assert units == stored_units


async def test_more_than_four_decimals_is_rejected(api):
    response = await api.post("/orders", order_body(total_price="1.00001"))
    assert response.status_code == 422
    assert response.json()["codes"] == {"total_price": ["too_precise"]}
