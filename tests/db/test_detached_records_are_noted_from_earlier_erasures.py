"""Migration 0015 (README, "Erasure"): the orders and carts an erasure detached before it are
noted in `detached_records`, so that a write of one keeps it detached; those of contacts not
erased are not."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app.db.migrate import upgrade
from app.db.tables import carts, contacts, detached_records, orders, stores
from tests.db.migrated import run

NOW = datetime(2026, 5, 18, 10, tzinfo=UTC)

BEFORE = "0014"  # the revision url_before is at

# contact id -> whether it was erased
CONTACTS = {1: False, 2: True}


def _seed(conn: Any) -> None:
    conn.execute(stores.insert().values(id=123, name="Shop", status="active", region="FR", created_at=NOW))
    for contact_id, erased in CONTACTS.items():
        conn.execute(
            contacts.insert().values(
                id=contact_id,
                store_id=123,
                phone=None if erased else "+33612345678",
                erased_at=NOW if erased else None,
                revision=1,
                created_at=NOW,
                updated_at=NOW,
            )
        )
        record = {"store_id": 123, "contact_id": contact_id, "total_price": Decimal("1"), "revision": 1}
        record.update(line_items=[], tags=[], metadata={}, created_at=NOW, updated_at=NOW)
        conn.execute(orders.insert().values(external_id=f"O-{contact_id}", placed_at=NOW, **record))
        conn.execute(
            carts.insert().values(external_id=f"C-{contact_id}", abandoned_at=NOW, status="abandoned", **record)
        )


async def test_the_records_of_erased_contacts_are_noted(url_before: str) -> None:
    await run(url_before, _seed)
    await asyncio.to_thread(upgrade, url_before, "0015")
    query = select(detached_records).order_by(detached_records.c.resource)
    rows = await run(url_before, lambda conn: conn.execute(query).all())
    assert [tuple(row) for row in rows] == [(123, "cart", "C-2"), (123, "order", "O-2")]
