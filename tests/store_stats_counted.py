"""storeStats' order figures counted from the orders themselves, row by row in Python: what the
summaries it reads must add up to (README, "Store stats")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select

from app.db.tables import orders
from app.read.revenue import Revenue, currency_order
from app.read.stats import store_stats

FIGURES = ("order_count", "revenue", "by_financial_status", "by_fulfillment_status")


def counted(rows: Sequence[Any], start: datetime, end: datetime) -> dict[str, Any]:
    """The FIGURES of `rows` (a store's orders: placed_at, currency, total_price and statuses)
    placed in [start, end)."""
    placed = [row for row in rows if start <= row.placed_at < end]
    currencies: dict[str | None, list[Any]] = {}
    for row in placed:
        held = currencies.setdefault(row.currency, [0, Decimal(0)])
        held[0] += 1
        held[1] += row.total_price
    ranked = sorted(currencies.items(), key=lambda item: currency_order(item[0]))
    return {
        "order_count": len(placed),
        "revenue": [vars(Revenue.of(currency, total, count)) for currency, (count, total) in ranked],
        "by_financial_status": _ranked([row.financial_status for row in placed]),
        "by_fulfillment_status": _ranked([row.fulfillment_status for row in placed]),
    }


def _ranked(statuses: list[str | None]) -> list[dict[str, Any]]:
    """Most orders first, a tie by status, the orders without one last (README, "Per-currency lists")."""
    counts = {status: statuses.count(status) for status in set(statuses)}
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0] is None, item[0] or ""))
    return [{"status": status, "count": count} for status, count in ranked]


def mismatches(conn: Connection, store_id: int, periods: Sequence[tuple[datetime, datetime]]) -> list[str]:
    """The periods whose storeStats FIGURES differ from `counted` of the store's stored orders, each
    with both answers."""
    columns = (orders.c.placed_at, orders.c.currency, orders.c.total_price)
    statuses = (orders.c.financial_status, orders.c.fulfillment_status)
    rows = conn.execute(select(*columns, *statuses).where(orders.c.store_id == store_id)).all()
    found = []
    for start, end in periods:
        stats = store_stats(conn, store_id, start, end)
        answered = {name: stats[name] for name in FIGURES}
        if answered != (expected := counted(rows, start, end)):
            found.append(f"[{start.isoformat()}, {end.isoformat()}): {answered} != {expected}")
    return found
