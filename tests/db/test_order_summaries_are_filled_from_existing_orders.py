"""Migration 0014 (README, "Order summaries"): the orders stored before it are counted in
`order_hours` and `product_days`, as the writes after it keep them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app.db.migrate import upgrade
from app.db.tables import contacts, order_hours, orders, product_days, stores
from tests.db.migrated import run

NOW = datetime(2026, 5, 18, 10, 15, tzinfo=UTC)
LATER = datetime(2026, 5, 19, 0, 30, tzinfo=UTC)
BEFORE = "0013"  # the revision url_before is at

TEE = {"sku": " TEE-1 ", "title": "T-shirt", "quantity": 2, "price": 24.95}
NOTE = {"title": "Gift note"}
# (external_id, placed_at, currency, total, line items)
ORDERS = [
    ("O-1", NOW, "EUR", "49.90", [TEE]),
    ("O-2", NOW, "EUR", "25.00", [TEE, {**TEE, "title": "Tee", "quantity": 1.5}, NOTE]),
    ("O-3", NOW, None, "1.00", []),
    ("O-4", LATER, "EUR", "10.00", [NOTE]),
]


def _seed(conn: Any) -> None:
    conn.execute(stores.insert().values(id=123, name="Shop", status="active", region="FR", created_at=NOW))
    conn.execute(
        contacts.insert().values(id=1, store_id=123, phone="+33612345678", revision=1, created_at=NOW, updated_at=NOW)
    )
    for number, (external_id, placed_at, currency, total, items) in enumerate(ORDERS):
        conn.execute(
            orders.insert().values(
                id=number + 1,
                store_id=123,
                external_id=external_id,
                contact_id=1,
                placed_at=placed_at,
                currency=currency,
                total_price=Decimal(total),
                line_items=items,
                tags=[],
                metadata={},
                revision=1,
                created_at=NOW,
                updated_at=NOW,
            )
        )


def _summaries(conn: Any) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    hours = conn.execute(
        select(order_hours.c.hour, order_hours.c.currency, order_hours.c.orders, order_hours.c.revenue).order_by(
            order_hours.c.hour, order_hours.c.currency
        )
    ).all()
    days = product_days.c
    products = conn.execute(
        select(days.day, days.sku, days.title, days.lines, days.orders, days.quantity, days.revenue)
    ).all()
    in_order = sorted(products, key=lambda row: (row.day, row.sku or "", row.title))  # engines sort null apart
    return [tuple(row) for row in hours], [tuple(row) for row in in_order]


async def test_the_stored_orders_are_counted(url_before: str) -> None:
    await run(url_before, _seed)
    await asyncio.to_thread(upgrade, url_before, "0014")
    hours, products = await run(url_before, _summaries)
    hour, day, next_day = NOW.replace(minute=0), NOW.replace(hour=0, minute=0), LATER.replace(hour=0, minute=0)
    assert hours == [
        (hour, "", 1, 1_0000),  # ten-thousandths
        (hour, "EUR", 2, 74_9000),
        (LATER.replace(minute=0), "EUR", 1, 10_0000),
    ]
    assert products == [
        # (day, sku, title, lines, orders, quantity, revenue): the sku trimmed; O-2 counts once
        # for TEE-1, on its greatest title ("T-shirt" > "Tee" is false: "Tee")
        (day, None, "Gift note", 1, 1, 1_0000, 0),
        (day, "TEE-1", "T-shirt", 2, 1, 4_0000, 99_8000),
        (day, "TEE-1", "Tee", 1, 1, 1_5000, 37_4250),
        (next_day, None, "Gift note", 1, 1, 1_0000, 0),
    ]
