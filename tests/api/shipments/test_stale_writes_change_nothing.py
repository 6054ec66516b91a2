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


# A second write naming another order of the store, by its updated_at: whether it is stale, and
# the order the shipment then belongs to. Either way the answer is the shipment as stored.
MOVES = {
    "older": (True, "ORDER-1001"),
    "newer": (False, "ORDER-2002"),
    "absent": (False, "ORDER-2002"),
}


@pytest.mark.parametrize("arrival", MOVES)
async def test_a_write_naming_another_order_answers_the_stored_shipment(api: Api, arrival: str) -> None:
    await api.post("/orders", order_body())
    await api.post("/orders", order_body(external_id="ORDER-2002"))
    await api.post("/shipments", STORED)
    sent = {"older": "2026-05-18T11:00:00Z", "newer": "2026-05-18T13:00:00Z", "absent": None}[arrival]
    response = await api.post("/shipments", shipment_body(order_external_id="ORDER-2002", updated_at=sent))
    stale, order = MOVES[arrival]
    assert (response.status_code, response.headers.get("kanal-stale")) == (200, "true" if stale else None)
    body = response.json()
    body.pop("automations")
    stored = (await api.get("/shipments/SHIP-9001")).json()
    assert body == stored and stored["order_external_id"] == order
    order_id = (await api.get(f"/orders/{order}")).json()["id"]
    assert stored["order_id"] == order_id
