"""Store aggregates for dashboards over a period of placed_at / abandoned_at."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from app.db.tables import carts, orders
from app.domain.statuses import CartStatus

from .money_sums import money_sum, summed
from .revenue import Revenue, currency_order


def store_stats(conn: Connection, store_id: int, start: datetime, end: datetime) -> dict[str, Any]:
    """Orders placed in [start, end): count, revenue and average per currency, counts per status;
    carts abandoned in [start, end) and how many were recovered."""
    in_period = (orders.c.store_id == store_id, orders.c.placed_at >= start, orders.c.placed_at < end)
    by_currency = sorted(
        conn.execute(
            select(orders.c.currency, func.count().label("orders"), *money_sum(orders.c.total_price, "revenue"))
            .where(*in_period)
            .group_by(orders.c.currency)
        ).mappings(),
        key=lambda row: currency_order(row["currency"]),
    )
    statuses = conn.execute(
        select(orders.c.financial_status, orders.c.fulfillment_status, func.count().label("orders"))
        .where(*in_period)
        .group_by(orders.c.financial_status, orders.c.fulfillment_status)
    ).all()
    cart_counts: dict[str, int] = dict(
        conn.execute(
            select(carts.c.status, func.count())
            .where(carts.c.store_id == store_id, carts.c.abandoned_at >= start, carts.c.abandoned_at < end)
            .group_by(carts.c.status)
        ).all()
    )
    abandoned = sum(cart_counts.values())
    recovered = cart_counts.get(CartStatus.RECOVERED, 0)
    return {
        "order_count": sum(row["orders"] for row in by_currency),
        "revenue": [vars(Revenue.of(row["currency"], summed(row, "revenue"), row["orders"])) for row in by_currency],
        "by_financial_status": _tally((row.financial_status, row.orders) for row in statuses),
        "by_fulfillment_status": _tally((row.fulfillment_status, row.orders) for row in statuses),
        "carts_abandoned": abandoned,
        "carts_recovered": recovered,
        "recovery_rate": recovered / abandoned if abandoned else 0.0,
    }


def _tally(pairs: Any) -> list[dict[str, Any]]:
    """(status, orders) pairs as `[{status, count}]`, the most orders first; a tie by status,
    the orders without one last: the same order on both engines and from one read to the next
    (GROUP BY promises none)."""
    counts: dict[str | None, int] = {}
    for status, number in pairs:
        counts[status] = counts.get(status, 0) + number
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] is None, kv[0] or ""))
    return [{"status": status, "count": number} for status, number in ranked]
