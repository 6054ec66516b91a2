"""Migration 0016 (README, "Carrier performance"): shipments stored before it get their
carrier's key (case-folded, each run of whitespace one space, none at the ends), by which
carrierPerformance groups a carrier's spellings; a shipment without a carrier gets none.
Downgrading drops the key and leaves the shipments."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from alembic import command
from sqlalchemy import text

from app.db.migrate import alembic_config, upgrade
from app.db.tables import shipments
from tests.db.migrated import run, seed_order

NOW = datetime(2026, 5, 18, 10, tzinfo=UTC)

BEFORE = "0015"  # the revision url_before is at

# carrier stored before 0016 -> its key after
KEYS = {
    "UPS": "ups",
    "ups": "ups",
    "La  Poste": "la poste",
    "la\tPoste": "la poste",
    "ΕΛΛΗΝΙΚΆ ΤΑΧΥΔΡΟΜΕΊΑ": "ελληνικά ταχυδρομεία",
    "Straße Kurier": "strasse kurier",
    "ＤＨＬ": "dhl",  # the rule 0016 imports is today's (0020)
    None: None,
}


def _seed(conn: Any) -> None:
    seed_order(conn, NOW)
    for number, carrier in enumerate([*KEYS, "UPS"]):  # a spelling twice: one UPDATE sets both
        row = {"id": number + 1, "store_id": 123, "external_id": f"S-{number}", "order_id": 1, "carrier": carrier}
        row.update(metadata={}, revision=1, created_at=NOW, updated_at=NOW)
        conn.execute(shipments.insert().values(row))  # no carrier_key: 0015 has none


def _keys(conn: Any) -> list[tuple[str | None, str | None]]:
    return [tuple(row) for row in conn.execute(text("SELECT carrier, carrier_key FROM shipments ORDER BY id"))]


async def test_each_stored_carrier_gets_its_key(url_before: str) -> None:
    await run(url_before, _seed)
    await asyncio.to_thread(upgrade, url_before, "0016")
    assert await run(url_before, _keys) == [*KEYS.items(), ("UPS", "ups")]


async def test_a_downgrade_drops_the_key_and_keeps_the_shipments(url_before: str) -> None:
    await run(url_before, _seed)
    await asyncio.to_thread(upgrade, url_before, "0016")
    await asyncio.to_thread(command.downgrade, alembic_config(url_before), BEFORE)

    def stored(conn: Any) -> tuple[list[str], int]:
        names = list(conn.execute(text("SELECT * FROM shipments")).keys())
        return names, conn.execute(text("SELECT count(*) FROM shipments")).scalar_one()

    names, count = await run(url_before, stored)
    assert "carrier_key" not in names
    assert count == len(KEYS) + 1
