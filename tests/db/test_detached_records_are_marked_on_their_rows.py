"""Migration 0018 (README, "Erasure"): an order or a cart an erasure detached before it (noted in
`detached_records`) gets `detached_at`, its erased contact's `erased_at`; any other gets none.
Downgrading drops the column and keeps the records. Migrated from before the order summaries
(0014, which counts the stored orders) in one run, the orders table can still be altered."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import text

from app.db.migrate import alembic_config, upgrade
from app.db.tables import carts, contacts, detached_records, orders, stores
from tests.db.migrated import database_at, run
from tests.postgres import engines_under_test

NOW = datetime(2026, 5, 18, 10, tzinfo=UTC)
ERASED_AT = datetime(2026, 5, 19, 8, 30, tzinfo=UTC)

BEFORE = "0017"  # the revision url_before is at

# (table, external_id) -> its detached_at after 0018: on the erased contact 1 and noted, or not
EXPECTED = {
    ("orders", "O-DETACHED"): ERASED_AT,
    ("orders", "O-LIVE"): None,
    ("carts", "C-DETACHED"): ERASED_AT,
    ("carts", "C-LIVE"): None,
}


def _seed(conn: Any) -> None:
    conn.execute(stores.insert().values(id=123, name="Shop", status="active", region="FR", created_at=NOW))
    common = {"store_id": 123, "revision": 1, "created_at": NOW, "updated_at": NOW}
    conn.execute(contacts.insert().values(id=1, erased_at=ERASED_AT, **common))
    conn.execute(contacts.insert().values(id=2, phone="+33612345678", **common))
    record = {**common, "total_price": Decimal("1"), "line_items": [], "tags": [], "metadata": {}}
    for table, external_id in EXPECTED:
        contact_id = 1 if "DETACHED" in external_id else 2
        values = {**record, "external_id": external_id, "contact_id": contact_id}
        if table == "orders":
            conn.execute(orders.insert().values(placed_at=NOW, **values))
        else:
            conn.execute(carts.insert().values(status="abandoned", abandoned_at=NOW, **values))
        if contact_id == 1:
            resource = "order" if table == "orders" else "cart"
            conn.execute(detached_records.insert().values(store_id=123, resource=resource, external_id=external_id))


def _marks(conn: Any) -> dict[tuple[str, str], Any]:
    found = {}
    for table in ("orders", "carts"):
        for external_id, detached_at in conn.execute(text(f"SELECT external_id, detached_at FROM {table}")):
            found[(table, external_id)] = detached_at
    return found


async def test_each_detached_record_is_marked_with_its_erasure(url_before: str) -> None:
    await run(url_before, _seed)
    await asyncio.to_thread(upgrade, url_before, "0018")
    marks = await run(url_before, _marks)
    # SQLite hands back the stored text of a time: compared as instants
    as_instants = {
        key: value if value is None or isinstance(value, datetime) else _instant(value) for key, value in marks.items()
    }
    assert as_instants == EXPECTED


def _instant(stored: str) -> datetime:
    return datetime.fromisoformat(stored).astimezone(UTC)


async def test_a_downgrade_drops_the_mark_and_keeps_the_records(url_before: str) -> None:
    await run(url_before, _seed)
    await asyncio.to_thread(upgrade, url_before, "0018")
    await asyncio.to_thread(command.downgrade, alembic_config(url_before), BEFORE)

    def stored(conn: Any) -> dict[str, tuple[list[str], int]]:
        found = {}
        for table in ("orders", "carts"):
            names = list(conn.execute(text(f"SELECT * FROM {table}")).keys())
            found[table] = (names, conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
        return found

    for names, count in (await run(url_before, stored)).values():
        assert "detached_at" not in names and count == 2


@pytest.mark.parametrize("engine", engines_under_test())
def test_stored_orders_migrate_from_before_the_summaries_in_one_run(engine: str, tmp_path: Path) -> None:
    """0014 reads every stored order to count the summaries; 0018 then alters the orders table,
    in the same transaction."""
    with database_at(engine, tmp_path, "0013") as url:
        asyncio.run(run(url, _seed_before_summaries))
        upgrade(url, "head")
        summarised = asyncio.run(
            run(url, lambda conn: conn.execute(text("SELECT sum(orders) FROM order_hours")).scalar_one())
        )
        assert summarised == 3


def _seed_before_summaries(conn: Any) -> None:
    conn.execute(
        text("INSERT INTO stores (id, name, status, region, created_at) VALUES (123, 'Shop', 'active', 'FR', :now)"),
        {"now": NOW},
    )
    conn.execute(
        text(
            "INSERT INTO contacts (id, store_id, phone, revision, created_at, updated_at) VALUES (1, 123, '+33612345678', 1, :now, :now)"
        ),
        {"now": NOW},
    )
    for number in range(3):
        conn.execute(
            text(
                "INSERT INTO orders (id, store_id, external_id, contact_id, placed_at, total_price, currency, line_items, "
                "tags, metadata, revision, created_at, updated_at) "
                "VALUES (:id, 123, :external_id, 1, :now, 1, 'EUR', '[]', '[]', '{}', 1, :now, :now)"
            ),
            {"id": number + 1, "external_id": f"O-{number}", "now": NOW},
        )
