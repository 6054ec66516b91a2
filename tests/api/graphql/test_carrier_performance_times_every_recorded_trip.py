"""carrierPerformance times every trip a shipment's history records (README, "Carrier
performance"): its first `in_transit` and the first `delivered` recorded after it, in the order
the statuses were recorded, whatever times they carry. Statuses written in one batch share the
batch's time (as do statuses sent with the same `updated_at`): such a trip took 0.0 hours, not
none. A shipment first seen already delivered made no trip. One table, written through each
write path: POST /shipments one at a time, POST /shipments/batch, createShipment and
createShipments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.api.calls import gql
from tests.api.shipment_writes import WRITES, Write
from tests.conftest import Api, order_body, shipment_body

_CARRIERS = """query($from: DateTime!, $to: DateTime!) { carrierPerformance(storeId: 123, from: $from, to: $to) {
  carrier shipments delivered failed returned medianHoursToDeliver p90HoursToDeliver } }"""

UNDATED = None  # sent without `updated_at`: recorded at its arrival

# name -> (the statuses written in order, each with its `updated_at` in hours after a base time
# a day ago or UNDATED; the status stored at the end; the hours of the trip, None for none)
TRIPS: dict[str, tuple[list[tuple[str, float | None]], str, float | None]] = {
    "in_transit, delivered, undated": ([("in_transit", UNDATED), ("delivered", UNDATED)], "delivered", 0.0),
    "in_transit, delivered, at the same time": ([("in_transit", 0), ("delivered", 0)], "delivered", 0.0),
    "in_transit, delivered 3 h later": ([("in_transit", 0), ("delivered", 3)], "delivered", 3.0),
    "pending, in_transit, delivered": ([("pending", 0), ("in_transit", 1), ("delivered", 3)], "delivered", 2.0),
    "a failed attempt, then delivered": (
        [("in_transit", 0), ("failed", 5), ("in_transit", 6), ("delivered", 8)],
        "delivered",
        8.0,
    ),
    "delivered, then returned": ([("in_transit", 0), ("delivered", 4), ("returned", 10)], "returned", 4.0),
    "delivered dated before the in_transit arrived": ([("in_transit", UNDATED), ("delivered", 0)], "delivered", 0.0),
    "first seen delivered, undated": ([("delivered", UNDATED)], "delivered", None),
    "first seen delivered, dated": ([("delivered", 0)], "delivered", None),
    "delivered, then a late in_transit": ([("delivered", UNDATED), ("in_transit", UNDATED)], "delivered", None),
    "pending, then delivered": ([("pending", UNDATED), ("delivered", UNDATED)], "delivered", None),
    "in_transit only": ([("in_transit", UNDATED)], "in_transit", None),
    "in_transit, then failed": ([("in_transit", 0), ("failed", 2)], "failed", None),
}


def _rfc3339(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
@pytest.mark.parametrize(("statuses", "ended", "hours"), TRIPS.values(), ids=TRIPS.keys())
async def test_a_trip_counts_however_its_statuses_were_written(
    api: Api, write: Write, statuses: list[tuple[str, float | None]], ended: str, hours: float | None
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    base = now - timedelta(days=1)
    assert (await api.post("/orders", order_body(external_id="B3"))).status_code == 201
    bodies = []
    for status, after in statuses:
        body = shipment_body(external_id="CP1", order_external_id="B3", carrier="Chronopost", status=status)
        if after is not UNDATED:
            body["updated_at"] = _rfc3339(base + timedelta(hours=after))
        bodies.append(body)
    await write(api, bodies)
    period = {"from": _rfc3339(base - timedelta(days=1)), "to": _rfc3339(now + timedelta(days=1))}
    answer = await gql(api, _CARRIERS, period)
    assert "errors" not in answer, answer
    assert answer["data"]["carrierPerformance"] == [
        {
            "carrier": "Chronopost",
            "shipments": 1,
            "delivered": int(ended == "delivered"),
            "failed": int(ended == "failed"),
            "returned": int(ended == "returned"),
            "medianHoursToDeliver": hours,
            "p90HoursToDeliver": hours,
        }
    ]
