"""SPEC §3.1 (placed_at) and §3.3 (abandoned_at): an ISO 8601 datetime is stored in UTC, and a
value without an offset is UTC; every time is returned with `+00:00`."""

from __future__ import annotations

import pytest

from tests.conftest import Api, cart_body, order_body


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        pytest.param("2026-05-18T10:00:00", "2026-05-18T10:00:00+00:00", id="no offset is UTC"),
        pytest.param("2026-05-18T10:00:00Z", "2026-05-18T10:00:00+00:00", id="Z"),
        pytest.param("2026-05-18T12:00:00+02:00", "2026-05-18T10:00:00+00:00", id="+02:00 converted to UTC"),
        pytest.param("2026-05-18 10:00:00", "2026-05-18T10:00:00+00:00", id="space separator, no offset"),
    ],
)
async def test_datetimes_are_stored_in_utc_and_no_offset_means_utc(api: Api, sent: str, stored: str) -> None:
    response = await api.post("/orders", order_body(external_id="ORDER-TZ", placed_at=sent))
    assert response.status_code == 201, response.text
    assert response.json()["placed_at"] == stored
    assert (await api.get("/orders/ORDER-TZ")).json()["placed_at"] == stored

    cart = await api.post("/carts", cart_body(external_id="CART-TZ", abandoned_at=sent))
    assert cart.status_code == 201, cart.text
    assert cart.json()["abandoned_at"] == stored
    assert (await api.get("/carts/CART-TZ")).json()["abandoned_at"] == stored
