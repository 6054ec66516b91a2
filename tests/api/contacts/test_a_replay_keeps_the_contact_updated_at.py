"""A replay that changes nothing leaves our own updated_at untouched (README, "Stale and
out-of-order writes"), on the contact too: an order replayed with its embedded customer keeps
the contact's updated_at; a customer that changes a merged value moves it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api, order_body

CUSTOMER = order_body()["customer"]


@pytest.mark.parametrize(
    ("customer", "moves"),
    [
        pytest.param(CUSTOMER, False, id="the same customer"),
        pytest.param({"phone": CUSTOMER["phone"]}, False, id="only the phone: nothing merged"),
        pytest.param({**CUSTOMER, "first_name": None, "email": None}, False, id="nulls keep the stored values"),
        pytest.param({**CUSTOMER, "phone": "06 12 34 56 78"}, False, id="the same phone written nationally"),
        pytest.param({**CUSTOMER, "first_name": "Jeanne"}, True, id="a new first name"),
        pytest.param({**CUSTOMER, "tags": ["vip", "new"]}, True, id="new tags"),
        pytest.param({**CUSTOMER, "orders_count": 8}, True, id="a new count"),
        pytest.param({**CUSTOMER, "external_id": "CUST-43"}, True, id="a new customer id"),
    ],
)
async def test_contact_updated_at_moves_only_on_a_change(api: Api, customer: dict[str, Any], moves: bool) -> None:
    assert (await api.post("/orders", order_body())).status_code == 201
    (before,) = await api.rows("contacts")
    assert (await api.post("/orders", order_body(customer=customer))).status_code == 200
    (after,) = await api.rows("contacts")
    assert (after["updated_at"] > before["updated_at"]) is moves
    if not moves:
        assert after == {**before, "revision": after["revision"]}
