"""Migration 0008 (README, "Carrier performance"): shipments stored before the status history get
one row each, their current status at their source time (else our last write); those without a
status get none."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app.db.migrate import upgrade
from app.db.tables import contacts, orders, shipment_statuses, shipments, stores
from tests.db.migrated import run

NOW = datetime(2026, 5, 18, 10, tzinfo=UTC)
SENT_AT = datetime(2026, 5, 17, 8, tzinfo=UTC)

BEFORE = "0007"  # the revision url_before is at


def _seed(conn: Any) -> None:
    conn.execute(stores.insert().values(id=123, name="Shop", status="active", region="FR", created_at=NOW))
    conn.execute(
        contacts.insert().values(id=1, store_id=123, phone="+33612345678", revision=1, created_at=NOW, updated_at=NOW)
    )
    conn.execute(
        orders.insert().values(
            id=1,
            store_id=123,
            external_id="O-1",
            contact_id=1,
            placed_at=NOW,
            total_price=Decimal("1"),
            line_items=[],
            tags=[],
            metadata={},
            revision=1,
            created_at=NOW,
            updated_at=NOW,
        )
    )
    for number, (status, sent_at) in enumerate([("delivered", SENT_AT), ("in_transit", None), (None, None)]):
        conn.execute(
            shipments.insert().values(
                id=number + 1,
                store_id=123,
                external_id=f"S-{number}",
                order_id=1,
                status=status,
                metadata={},
                revision=1,
                source_updated_at=sent_at,
                created_at=NOW,
                updated_at=NOW,
            )
        )


async def test_each_shipment_with_a_status_gets_its_row(url_before: str) -> None:
    await run(url_before, _seed)
    await asyncio.to_thread(upgrade, url_before, "0008")
    query = select(shipment_statuses.c.shipment_id, shipment_statuses.c.status, shipment_statuses.c.at)
    rows = await run(url_before, lambda conn: conn.execute(query.order_by(shipment_statuses.c.shipment_id)).all())
    assert [tuple(row) for row in rows] == [(1, "delivered", SENT_AT), (2, "in_transit", NOW)]
