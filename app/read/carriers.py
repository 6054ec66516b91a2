"""Carrier performance for dashboards (issue 16; README, "Carrier performance"): per carrier, the
shipments first reported in a period, how they ended, and the hours from a parcel's first
`in_transit` to its `delivered`, as median and 90th percentile. Computed in SQL on both engines
from the shipments' status history (`shipment_statuses`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Float, Integer, case, cast, func, select

from app.db.tables import shipment_statuses, shipments
from app.domain.statuses import ShipmentStatus


@dataclass(frozen=True)
class CarrierPerformance:
    carrier: str | None
    shipments: int
    delivered: int
    failed: int
    returned: int
    median_hours_to_deliver: float | None
    p90_hours_to_deliver: float | None


def carrier_performance(conn: Connection, store_id: int, start: datetime, end: datetime) -> list[CarrierPerformance]:
    """Per carrier (None: shipments sent without one), busiest first: the shipments whose first
    status report falls in [start, end), how many are now delivered, failed and returned, and
    the nearest-rank median and 90th percentile of the hours from each one's first `in_transit`
    to its first `delivered` after it (None when no parcel of the carrier made that trip)."""
    history = shipment_statuses.c
    first_in_transit = func.min(case((history.status == ShipmentStatus.IN_TRANSIT, history.at)))
    trips = (
        select(
            history.shipment_id,
            first_in_transit.label("in_transit_at"),
            func.min(case((history.status == ShipmentStatus.DELIVERED, history.at))).label("delivered_at"),
        )
        .where(history.store_id == store_id)
        .group_by(history.shipment_id)
        .having(func.min(history.at) >= start, func.min(history.at) < end)
        .subquery("trips")
    )
    counted = conn.execute(
        select(
            shipments.c.carrier,
            func.count().label("shipments"),
            *(_count(shipments.c.status == status).label(status.value) for status in _ENDINGS),
        )
        .join(trips, trips.c.shipment_id == shipments.c.id)
        .group_by(shipments.c.carrier)
    ).all()
    percentiles = _hours_percentiles(conn, trips)
    found = [
        CarrierPerformance(
            carrier=row.carrier,
            shipments=row.shipments,
            delivered=int(row.delivered or 0),
            failed=int(row.failed or 0),
            returned=int(row.returned or 0),
            median_hours_to_deliver=percentiles.get((row.carrier, "median")),
            p90_hours_to_deliver=percentiles.get((row.carrier, "p90")),
        )
        for row in counted
    ]
    return sorted(found, key=lambda item: (-item.shipments, item.carrier or ""))


_ENDINGS = (ShipmentStatus.DELIVERED, ShipmentStatus.FAILED, ShipmentStatus.RETURNED)


def _count(condition: Any) -> Any:
    return func.sum(cast(condition, Integer))


def _hours_percentiles(conn: Connection, trips: Any) -> dict[tuple[str | None, str], float]:
    """(carrier, "median" | "p90") -> hours, rounded to the hundredth: the value at rank ⌈p·n⌉
    of the carrier's n trips in order (nearest rank: a trip that happened, on both engines)."""
    hours = _hours_between(conn.dialect.name, trips.c.in_transit_at, trips.c.delivered_at)
    ranked = (
        select(
            shipments.c.carrier.label("carrier"),
            hours.label("hours"),
            func.row_number().over(partition_by=shipments.c.carrier, order_by=hours).label("rank"),
            func.count().over(partition_by=shipments.c.carrier).label("trips"),
        )
        .join(trips, trips.c.shipment_id == shipments.c.id)
        .where(trips.c.delivered_at > trips.c.in_transit_at)
        .subquery("ranked")
    )
    median_rank = (ranked.c.trips + 1) // 2  # ⌈n/2⌉
    p90_rank = (ranked.c.trips * 9 + 9) // 10  # ⌈9n/10⌉
    rows = conn.execute(
        select(ranked.c.carrier, ranked.c.hours, ranked.c.rank == median_rank, ranked.c.rank == p90_rank).where(
            (ranked.c.rank == median_rank) | (ranked.c.rank == p90_rank)
        )
    ).all()
    found: dict[tuple[str | None, str], float] = {}
    for carrier, value, is_median, is_p90 in rows:
        if is_median:
            found[(carrier, "median")] = round(float(value), 2)
        if is_p90:
            found[(carrier, "p90")] = round(float(value), 2)
    return found


def _hours_between(dialect: str, start: Any, end: Any) -> Any:
    if dialect == "sqlite":  # stored as ISO text, which julianday() reads
        return (func.julianday(end) - func.julianday(start)) * 24
    return cast(func.extract("epoch", end - start), Float) / 3600
