"""SPEC §3.2: status is pending, in_transit, delivered, failed or returned."""

import pytest

from tests.conftest import order_body, shipment_body


@pytest.mark.parametrize("status", ["shipped", "IN_TRANSIT", 3])
async def test_shipment_status_is_an_enum(api, status):
    await api.post("/orders", order_body())
    assert (await api.post("/shipments", shipment_body(status=status))).status_code == 422
