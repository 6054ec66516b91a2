"""carrierPerformance (issue 16; README, "Carrier performance"): per carrier, the shipments first
reported in a period, how they ended, and the nearest-rank median and 90th percentile of the
hours from first `in_transit` to `delivered`, from the shipments' status history."""

from __future__ import annotations

import pytest

from tests.api.graphql.documents import gql
from tests.conftest import Api, order_body, shipment_body

_CARRIERS = """query($from: DateTime!, $to: DateTime!) { carrierPerformance(storeId: 123, from: $from, to: $to) {
  carrier shipments delivered failed returned medianHoursToDeliver p90HoursToDeliver } }"""
MAY = {"from": "2026-05-01T00:00:00Z", "to": "2026-06-01T00:00:00Z"}

# shipment -> (carrier, [(status, updated_at)]) written in order
SHIPMENTS = {
    "S1": ("Colissimo", [("in_transit", "2026-05-02T10:00:00Z"), ("delivered", "2026-05-03T10:00:00Z")]),  # 24 h
    "S2": ("Colissimo", [("in_transit", "2026-05-02T12:00:00Z"), ("delivered", "2026-05-04T00:00:00Z")]),  # 36 h
    "S3": (
        "Colissimo",
        [
            ("pending", "2026-05-02T09:00:00Z"),
            ("in_transit", "2026-05-02T10:00:00Z"),
            ("delivered", "2026-05-02T22:00:00Z"),
        ],
    ),  # 12 h
    "S4": ("Colissimo", [("in_transit", "2026-05-03T10:00:00Z"), ("failed", "2026-05-05T10:00:00Z")]),
    "S5": ("DHL", [("in_transit", "2026-05-10T00:00:00Z"), ("delivered", "2026-05-12T00:00:00Z")]),  # 48 h
    "S6": ("DHL", [("in_transit", "2026-05-10T00:00:00Z"), ("returned", "2026-05-15T00:00:00Z")]),
    "S7": (None, [("pending", "2026-05-20T00:00:00Z")]),
    "S8": ("Colissimo", [("in_transit", "2026-04-30T10:00:00Z"), ("delivered", "2026-05-01T10:00:00Z")]),  # April's
}


async def _ship(api: Api) -> None:
    assert (await api.post("/orders", order_body())).status_code == 201
    for external_id, (carrier, reports) in SHIPMENTS.items():
        for status, updated_at in reports:
            body = shipment_body(external_id=external_id, carrier=carrier, status=status, updated_at=updated_at)
            assert (await api.post("/shipments", body)).status_code in (200, 201)


async def _performance(api: Api, period: dict[str, str]) -> list[dict]:
    answer = await gql(api, _CARRIERS, period)
    assert "errors" not in answer, answer
    return answer["data"]["carrierPerformance"]


async def test_carriers_of_a_month(api: Api) -> None:
    await _ship(api)
    assert await _performance(api, MAY) == [
        {
            "carrier": "Colissimo",
            "shipments": 4,
            "delivered": 3,
            "failed": 1,
            "returned": 0,
            "medianHoursToDeliver": 24.0,
            "p90HoursToDeliver": 36.0,
        },
        {
            "carrier": "DHL",
            "shipments": 2,
            "delivered": 1,
            "failed": 0,
            "returned": 1,
            "medianHoursToDeliver": 48.0,
            "p90HoursToDeliver": 48.0,
        },
        {
            "carrier": None,
            "shipments": 1,
            "delivered": 0,
            "failed": 0,
            "returned": 0,
            "medianHoursToDeliver": None,
            "p90HoursToDeliver": None,
        },
    ]
    april = await _performance(api, {"from": "2026-04-01T00:00:00Z", "to": "2026-05-01T00:00:00Z"})
    assert [(c["carrier"], c["shipments"], c["medianHoursToDeliver"]) for c in april] == [("Colissimo", 1, 24.0)]


# what a write does to the history after `in_transit` at 10:00: the statuses it holds after
HISTORY = {
    "a new status": ({"status": "delivered", "updated_at": "2026-05-03T10:00:00Z"}, ["in_transit", "delivered"]),
    "a replay": ({"status": "in_transit", "updated_at": "2026-05-02T10:00:00Z"}, ["in_transit"]),
    "no status": ({"status": None, "updated_at": "2026-05-03T10:00:00Z"}, ["in_transit"]),
    "a stale one": ({"status": "delivered", "updated_at": "2026-05-01T10:00:00Z"}, ["in_transit"]),
    "undated": ({"status": "delivered"}, ["in_transit", "delivered"]),
}


@pytest.mark.parametrize(("write", "statuses"), HISTORY.values(), ids=HISTORY.keys())
async def test_each_status_change_is_recorded_once(api: Api, write: dict, statuses: list[str]) -> None:
    await api.post("/orders", order_body())
    await api.post("/shipments", shipment_body(status="in_transit", updated_at="2026-05-02T10:00:00Z"))
    body = shipment_body(**write)
    if "updated_at" not in write:
        body.pop("updated_at", None)
    assert (await api.post("/shipments", body)).status_code == 200
    assert [row["status"] for row in await api.rows("shipment_statuses")] == statuses


async def test_a_final_status_kept_records_nothing(api: Api) -> None:
    await api.post("/orders", order_body())
    await api.post("/shipments", shipment_body(status="delivered"))
    await api.post("/shipments", shipment_body(status="in_transit"))  # late: delivered stays
    assert [row["status"] for row in await api.rows("shipment_statuses")] == ["delivered"]
