"""carrierPerformance's hours are shown to the hundredth (README, "Carrier performance"). They
were computed by each engine its own way — SQLite from `julianday` (milliseconds, a binary
float), PostgreSQL from `extract(epoch …)` — and a trip of exactly half a hundredth more
(a whole number of seconds, an odd multiple of 18) rounded one way on one engine and the other
way on the other, by the trip's absolute time: 90 s (0.025 h) was 0.02 on SQLite, 0.03 on
PostgreSQL. A trip's hours are now its exact length (microseconds) rounded half up to the
hundredth, on both engines, whenever it happened."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.api.calls import gql
from tests.conftest import Api, order_body, shipment_body

_CARRIERS = """query($from: DateTime!, $to: DateTime!) { carrierPerformance(storeId: 123, from: $from, to: $to) {
  carrier medianHoursToDeliver p90HoursToDeliver } }"""

# a trip's length in seconds -> its hours as shown
TRIPS: dict[float, float] = {
    54: 0.02,  # 0.015
    90: 0.03,  # 0.025
    162: 0.05,  # 0.045
    3618: 1.01,  # 1.005
    18: 0.01,  # 0.005
    17.9995: 0.0,  # 0.0049998...: SQLite's milliseconds read it as 18 s
    17.999999: 0.0,
    1200: 0.33,
    7200: 2.0,
    0: 0.0,
}
# when the trip began: the rounding went by the absolute time
STARTS = ["2026-12-01T10:00:00", "2026-12-01T11:00:00", "2026-03-29T00:59:30", "2025-12-31T23:59:59.5"]


def _rfc3339(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@pytest.mark.parametrize("start", STARTS)
async def test_a_trips_hours_are_its_exact_length_rounded_half_up(api: Api, start: str) -> None:
    began = datetime.fromisoformat(start).replace(tzinfo=UTC)
    assert (await api.post("/orders", order_body(external_id="B3"))).status_code == 201
    for number, seconds in enumerate(TRIPS):
        for status, at in (("in_transit", began), ("delivered", began + timedelta(seconds=seconds))):
            body = shipment_body(
                external_id=f"T{number}", order_external_id="B3", carrier=f"C{number:02}", status=status
            )
            body["updated_at"] = _rfc3339(at)
            assert (await api.post("/shipments", body)).status_code in (200, 201)
    period = {"from": _rfc3339(began - timedelta(days=1)), "to": _rfc3339(began + timedelta(days=1))}
    answer = await gql(api, _CARRIERS, period)
    assert "errors" not in answer, answer
    shown = {
        row["carrier"]: (row["medianHoursToDeliver"], row["p90HoursToDeliver"])
        for row in answer["data"]["carrierPerformance"]
    }
    assert shown == {f"C{number:02}": (hours, hours) for number, hours in enumerate(TRIPS.values())}
