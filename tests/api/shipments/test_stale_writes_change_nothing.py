"""Stale and out-of-order writes (README; amends SPEC §10 "Ordering"): a shipment POST whose
`updated_at` is older than the stored one answers 200 with the stored shipment and
`Kanal-Stale: true`, changes nothing and fires no shipping notification; equal, newer or
absent `updated_at` is written as before. (Shipments have no PATCH.)"""

from __future__ import annotations

import pytest

from tests.api.stale_writes import ARRIVALS, STORED_AT, Write, check_replay, check_write
from tests.conftest import Api, order_body, shipment_body

STORED = shipment_body(updated_at=STORED_AT)
NEW_TRACKING = Write(
    "POST",
    "/shipments",
    shipment_body(tracking_number="NEW-1"),
    ("tracking_number", "NEW-1"),
    ("shipment.tracking_updated",),
)


@pytest.mark.parametrize("arrival", ARRIVALS)
async def test_an_older_write_is_stale(api: Api, arrival: str) -> None:
    await api.post("/orders", order_body())
    assert (await api.post("/shipments", STORED)).status_code == 201
    await check_write(api, "shipments", "/shipments/SHIP-9001", NEW_TRACKING, arrival)


@pytest.mark.parametrize("arrival", ["equal", "absent"])
async def test_a_replay_changes_nothing(api: Api, arrival: str) -> None:
    """Our own updated_at and the revision stay when a POST changes nothing."""
    await api.post("/orders", order_body())
    await api.post("/shipments", STORED)
    body = STORED if arrival == "equal" else shipment_body()
    await check_replay(api, "shipments", "/shipments/SHIP-9001", "POST", "/shipments", body)
