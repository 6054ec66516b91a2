"""Migration 0020 (README, "Carrier performance"): carriers are compared in Unicode
compatibility form; shipments stored before it get their key again by that rule (`ＤＨＬ`'s
was `ｄｈｌ`, now `dhl`, grouping with `DHL`), the keys that rule does not change kept; the key
column takes any length (NFKC writes `ﷺ` as 18 characters). Downgrading keeps the shipments and
their keys, cut to the earlier column's 765 characters on PostgreSQL."""

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

BEFORE = "0019"  # the revision url_before is at

# (carrier, its key as the rule before 0020 stored it) -> its key after
KEYS: dict[tuple[str | None, str | None], str | None] = {
    ("UPS", "ups"): "ups",
    ("La  Poste", "la poste"): "la poste",
    ("ＤＨＬ", "ｄｈｌ"): "dhl",
    ("ｄｈｌ", "ｄｈｌ"): "dhl",
    ("ﾔﾏﾄ運輸", "ﾔﾏﾄ運輸"): "ヤマト運輸",
    ("佐川\u3000急便", "佐川 急便"): "佐川 急便",
    ("Straße Kurier", "strasse kurier"): "strasse kurier",
    (None, None): None,
}
LONG = "\ufdfa" * 255  # the longest a carrier may be, each character 18 in compatibility form


def _seed(conn: Any) -> None:
    seed_order(conn, NOW)
    for number, (carrier, key) in enumerate([*KEYS, ("ＤＨＬ", "ｄｈｌ")]):  # a spelling twice
        row = {"id": number + 1, "store_id": 123, "external_id": f"S-{number}", "order_id": 1, "carrier": carrier}
        row.update(carrier_key=key, metadata={}, revision=1, created_at=NOW, updated_at=NOW)
        conn.execute(text(_INSERT), row)


_INSERT = (
    "INSERT INTO shipments (id, store_id, external_id, order_id, carrier, carrier_key, metadata, revision, "
    "created_at, updated_at) VALUES (:id, :store_id, :external_id, :order_id, :carrier, :carrier_key, '{}', "
    ":revision, :created_at, :updated_at)"
)


def _keys(conn: Any) -> list[tuple[str | None, str | None]]:
    return [tuple(row) for row in conn.execute(text("SELECT carrier, carrier_key FROM shipments ORDER BY id"))]


def _store_long(conn: Any) -> int:
    conn.execute(shipments.update().where(shipments.c.id == 1).values(carrier=LONG, carrier_key="\u0635" * (18 * 255)))
    return len(conn.execute(text("SELECT carrier_key FROM shipments WHERE id = 1")).scalar_one())


async def test_each_stored_carrier_gets_its_key_again(url_before: str) -> None:
    await run(url_before, _seed)
    await asyncio.to_thread(upgrade, url_before, "0020")
    after = [(carrier, key) for (carrier, _), key in KEYS.items()]
    assert await run(url_before, _keys) == [*after, ("ＤＨＬ", "dhl")]
    assert await run(url_before, _store_long) == 18 * 255


async def test_a_downgrade_keeps_the_shipments_and_their_keys(url_before: str) -> None:
    await run(url_before, _seed)
    await asyncio.to_thread(upgrade, url_before, "0020")
    await run(url_before, _store_long)
    await asyncio.to_thread(command.downgrade, alembic_config(url_before), BEFORE)

    rows = await run(url_before, _keys)
    assert rows[1:] == [*((carrier, key) for (carrier, _), key in list(KEYS.items())[1:]), ("ＤＨＬ", "dhl")]
    cut = 765 if url_before.startswith("postgresql") else 18 * 255
    assert rows[0] == (LONG, "\u0635" * cut)
