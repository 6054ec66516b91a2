"""Migration 0022 (README, "Order summaries"): the orders stored before it are counted in
`order_status_hours`, so that storeStats, which reads its counts per status from it, answers
after the upgrade exactly what a count of those orders gives, for any period: a status none
apart from a status stored blank (a status of spaces before migration 0003 trimmed it to ""),
orders of several hours, currencies and stores."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import combinations
from typing import Any

from sqlalchemy import select

from app.db import summaries
from app.db.migrate import upgrade
from app.db.tables import contacts, order_hours, order_status_hours, orders, product_days, stores
from tests.db.migrated import run
from tests.store_stats_counted import mismatches

BEFORE = "0021"  # the revision url_before is at
NOW = datetime(2026, 5, 18, 10, 15, tzinfo=UTC)
HOUR = NOW.replace(minute=0)
# (store, placed_at, currency, total, financial_status, fulfillment_status)
ORDERS = [
    (123, NOW, "EUR", "49.90", "paid", "fulfilled"),
    (123, NOW + timedelta(minutes=5), "EUR", "10.00", "paid", "fulfilled"),
    (123, NOW + timedelta(minutes=50), "USD", "5.00", None, "fulfilled"),
    (123, HOUR + timedelta(hours=1, microseconds=1), None, "1.00", "", None),
    (123, HOUR + timedelta(hours=2), "EUR", "2.50", None, None),
    (123, NOW + timedelta(days=1), "EUR", "7.00", "refunded", ""),
    (124, NOW, "EUR", "99.00", "paid", "fulfilled"),  # another store's
]
INSTANTS = [HOUR, NOW, NOW + timedelta(minutes=30), HOUR + timedelta(hours=1), HOUR + timedelta(hours=2)]
INSTANTS += [HOUR + timedelta(hours=2, microseconds=1), HOUR + timedelta(days=2)]
PERIODS = list(combinations(INSTANTS, 2))


def _seed(conn: Any) -> None:
    """ORDERS, and the summaries of revision 0021 as its order writes kept them."""
    for store_id in (123, 124):
        conn.execute(stores.insert().values(id=store_id, name="Shop", status="active", region="FR", created_at=NOW))
        contact = {"id": store_id, "store_id": store_id, "phone": "+33612345678", "revision": 1}
        conn.execute(contacts.insert().values(**contact, created_at=NOW, updated_at=NOW))
    for number, (store_id, placed_at, currency, total, financial, fulfillment) in enumerate(ORDERS):
        order = {"id": number + 1, "store_id": store_id, "external_id": f"O-{number}", "contact_id": store_id}
        order.update(placed_at=placed_at, currency=currency, total_price=Decimal(total))
        order.update(financial_status=financial, fulfillment_status=fulfillment)
        order.update(line_items=[], tags=[], metadata={}, revision=1, created_at=NOW, updated_at=NOW)
        conn.execute(orders.insert().values(**order))
    summaries.rebuild(conn, (order_hours, product_days))


def _status_hours(conn: Any) -> list[tuple[Any, ...]]:
    columns = order_status_hours.c
    found = conn.execute(
        select(columns.store_id, columns.hour, columns.financial_status, columns.fulfillment_status, columns.orders)
    ).all()
    return sorted((tuple(row) for row in found), key=repr)  # engines sort null apart


async def test_the_stored_orders_are_counted_per_status(url_before: str) -> None:
    await run(url_before, _seed)
    await asyncio.to_thread(upgrade, url_before, "0022")
    assert await run(url_before, _status_hours) == sorted(
        [
            (123, HOUR, "paid", "fulfilled", 2),
            (123, HOUR + timedelta(hours=1), None, "fulfilled", 1),  # placed at 11:05
            (123, HOUR + timedelta(hours=1), "", None, 1),  # "" and none, each a status of its own
            (123, HOUR + timedelta(hours=2), None, None, 1),
            (123, HOUR + timedelta(days=1), "refunded", "", 1),
            (124, HOUR, "paid", "fulfilled", 1),
        ],
        key=repr,
    )
    assert await run(url_before, lambda conn: mismatches(conn, 123, PERIODS)) == []
