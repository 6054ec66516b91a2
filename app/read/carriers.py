"""Carrier performance for dashboards (issue 16; README, "Carrier performance"): per carrier, the
shipments first reported in a period, how they ended, and the hours from a parcel's first
`in_transit` to its `delivered`, as median and 90th percentile. Computed in SQL on both engines
from the shipments' status history (`shipment_statuses`).

A carrier is its key (`rules.same_tracking.carrier_key`, stored as `shipments.carrier_key`), not
its spelling: `UPS`, `ups` and ` UPS ` are one carrier, shown in the spelling most of its
shipments in the period carry (ties: the first in code-point order)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
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
    """Per carrier (None: shipments sent without one), busiest first, then by the carrier shown:
    the shipments whose first status report falls in [start, end), how many are now delivered,
    failed and returned, and the nearest-rank median and 90th percentile of the hours of their
    trips (`_trips`; None when no parcel of the carrier made one). A carrier's spellings are one
    carrier (same `carrier_key`), shown in its spelling most shipments carry, ties to the first
    in code-point order (README, "Carrier performance")."""
    trips = _trips(store_id, start, end)
    # Per spelling first, then per carrier over its spellings: each carrier's row is its most
    # carried spelling's, with the carrier's totals.
    spellings = (
        select(
            shipments.c.carrier_key.label("key"),
            shipments.c.carrier,
            func.count().label("spelt"),
            *(_count(shipments.c.status == status).label(status.value) for status in _ENDINGS),
        )
        .join(trips, trips.c.shipment_id == shipments.c.id)
        .group_by(shipments.c.carrier_key, shipments.c.carrier)
        .subquery("spellings")
    )
    spelt = spellings.c
    shown_first = (spelt.spelt.desc(), _in_code_points(conn.dialect.name, spelt.carrier))
    carriers = select(
        spelt.key,
        spelt.carrier,
        func.sum(spelt.spelt).over(partition_by=spelt.key).label("shipments"),
        *(func.sum(spelt[status.value]).over(partition_by=spelt.key).label(status.value) for status in _ENDINGS),
        func.row_number().over(partition_by=spelt.key, order_by=shown_first).label("choice"),
    ).subquery("carriers")
    counted = conn.execute(select(carriers).where(carriers.c.choice == 1)).all()
    percentiles = _hours_percentiles(conn, trips)
    found = [
        CarrierPerformance(
            carrier=row.carrier,
            shipments=int(row.shipments),  # PostgreSQL's sum of counts is a numeric
            delivered=int(row.delivered or 0),
            failed=int(row.failed or 0),
            returned=int(row.returned or 0),
            median_hours_to_deliver=percentiles.get((row.key, "median")),
            p90_hours_to_deliver=percentiles.get((row.key, "p90")),
        )
        for row in counted
    ]
    return sorted(found, key=lambda item: (-item.shipments, item.carrier or ""))


_ENDINGS = (ShipmentStatus.DELIVERED, ShipmentStatus.FAILED, ShipmentStatus.RETURNED)


def _trips(store_id: int, start: datetime, end: datetime) -> Any:
    """Subquery of (shipment_id, in_transit_at, delivered_at), one row per shipment of
    `store_id` first reported in [start, end): the time of its first recorded `in_transit` and
    of the first `delivered` recorded after it (both None when it made no such trip).

    "First" and "after" are in the order the statuses were recorded (`shipment_statuses.id`:
    a shipment's statuses are recorded under its row's lock, so ids follow its changes), not
    by their times: statuses recorded together (one batch, one group commit, or sent with
    the same `updated_at`) share one time, and a delivery recorded with it still followed the
    `in_transit` (a trip of 0 hours). A shipment first seen already delivered has no
    `in_transit` before its `delivered`: no trip (README, "Carrier performance")."""
    history = shipment_statuses.c
    firsts = (
        select(
            history.shipment_id,
            func.min(case((history.status == ShipmentStatus.IN_TRANSIT, history.id))).label("in_transit_id"),
        )
        .where(history.store_id == store_id)
        .group_by(history.shipment_id)
        .having(func.min(history.at) >= start, func.min(history.at) < end)
        .subquery("firsts")
    )
    in_transit = shipment_statuses.alias("in_transit")
    delivered = shipment_statuses.alias("delivered")
    delivered_at = (
        select(delivered.c.at)
        .where(
            delivered.c.shipment_id == firsts.c.shipment_id,
            delivered.c.status == ShipmentStatus.DELIVERED,
            delivered.c.id > firsts.c.in_transit_id,  # no in_transit (NULL): no row
        )
        .order_by(delivered.c.id)
        .limit(1)
        .scalar_subquery()
    )
    return (
        select(firsts.c.shipment_id, in_transit.c.at.label("in_transit_at"), delivered_at.label("delivered_at"))
        .select_from(firsts.outerjoin(in_transit, in_transit.c.id == firsts.c.in_transit_id))
        .subquery("trips")
    )


def _count(condition: Any) -> Any:
    return func.sum(cast(condition, Integer))


def _in_code_points(dialect: str, text: Any) -> Any:
    """`text` to order by code point: PostgreSQL's "C" collation compares UTF-8 bytes, whose
    order is the code points'; SQLite's default (BINARY) already does."""
    return text.collate("C") if dialect == "postgresql" else text


def _hours_percentiles(conn: Connection, trips: Any) -> dict[tuple[str | None, str], float]:
    """(carrier key, "median" | "p90") -> hours, rounded to the hundredth: the value at rank
    ⌈p·n⌉ of the carrier's n trips in order (nearest rank: a trip that happened, on both
    engines), ranked in SQL by each engine's hours, shown from the trip's own times
    (`shown_hours`)."""
    hours = _hours_between(conn.dialect.name, trips.c.in_transit_at, trips.c.delivered_at)
    carrier = shipments.c.carrier_key
    ranked = (
        select(
            carrier.label("carrier"),
            trips.c.in_transit_at,
            trips.c.delivered_at,
            func.row_number().over(partition_by=carrier, order_by=hours).label("rank"),
            func.count().over(partition_by=carrier).label("trips"),
        )
        .join(trips, trips.c.shipment_id == shipments.c.id)
        .where(trips.c.delivered_at.is_not(None))
        .subquery("ranked")
    )
    median_rank = (ranked.c.trips + 1) // 2  # ⌈n/2⌉
    p90_rank = (ranked.c.trips * 9 + 9) // 10  # ⌈9n/10⌉
    r = ranked.c
    rows = conn.execute(
        select(r.carrier, r.in_transit_at, r.delivered_at, r.rank == median_rank, r.rank == p90_rank).where(
            (r.rank == median_rank) | (r.rank == p90_rank)
        )
    ).all()
    found: dict[tuple[str | None, str], float] = {}
    for carrier, in_transit_at, delivered_at, is_median, is_p90 in rows:
        value = shown_hours(in_transit_at, delivered_at)
        if is_median:
            found[(carrier, "median")] = value
        if is_p90:
            found[(carrier, "p90")] = value
    return found


_MICROSECONDS_AN_HOUR = Decimal(3_600_000_000)
_HUNDREDTH = Decimal("0.01")


def shown_hours(start: datetime, end: datetime) -> float:
    """The hours from `start` to `end` as shown: the exact length (microseconds; 0 when `end`
    is earlier, as `_hours_between`) rounded half up to the hundredth, alike on both engines
    (README, "Carrier performance"), where each engine's own arithmetic (SQLite's `julianday`
    in milliseconds and a binary float) rounded a half hundredth either way."""
    microseconds = max(0, (end - start) // timedelta(microseconds=1))
    return float((microseconds / _MICROSECONDS_AN_HOUR).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP))


def _hours_between(dialect: str, start: Any, end: Any) -> Any:
    """Hours from `start` to `end`, 0 when `end` is earlier: a delivery dated (its source
    `updated_at`) before the arrival of an undated `in_transit` recorded first still followed
    it, and no trip takes less than no time (README, "Carrier performance")."""
    if dialect == "sqlite":  # stored as ISO text, which julianday() reads; max(a, b) is scalar
        return func.max(0.0, (func.julianday(end) - func.julianday(start)) * 24)
    return func.greatest(0.0, cast(func.extract("epoch", end - start), Float) / 3600)
