"""Migration 0012 (README "Test keys"): every store made before it gets its test space, a twin
row whose id is the complement of the store's (store 0's is -1) with the store's settings;
keys made before it are live keys, subscriptions take live events only. Downgrading drops the
test spaces with their data and the test keys, and leaves every live row."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from alembic import command
from sqlalchemy import select, text

from app.db.migrate import alembic_config, upgrade
from app.db.tables import api_keys, stores, webhooks
from tests.db.migrated import run

NOW = datetime(2026, 5, 18, 10, tzinfo=UTC)
BEFORE = "0011"  # the revision url_before is at

STORE_COLUMNS = ["name", "status", "region", "team", "rate_limit_per_minute", "recovery_delay_minutes", "timezone"]


def _seed(conn: Any) -> None:
    for store_id, name, status, region, team, limit, delay, zone in (
        (0, "Zero", "active", "FR", None, None, 60, "Europe/Paris"),
        (123, "Shop", "paused", "US", "acme", 30, 5, "America/Chicago"),
    ):
        conn.execute(
            text(
                "INSERT INTO stores (id, name, status, region, team, rate_limit_per_minute, recovery_delay_minutes,"
                " created_at, timezone) VALUES (:id, :name, :status, :region, :team, :limit, :delay, :now, :zone)"
            ),
            {"id": store_id, "name": name, "status": status, "region": region, "team": team, "limit": limit}
            | {"delay": delay, "now": NOW, "zone": zone},
        )
    conn.execute(
        text(
            "INSERT INTO api_keys (prefix, key_hash, scope, store_id, created_at) "
            "VALUES ('kanal_sk_live_abcdefgh', :hash, 'store', 123, :now)"
        ),
        {"hash": "0" * 64, "now": NOW},
    )
    conn.execute(
        text(
            "INSERT INTO webhooks (store_id, url, secret, events, created_at) "
            "VALUES (123, 'https://h.example.com/', 'whsec_x', '[\"*\"]', :now)"
        ),
        {"now": NOW},
    )


def _read(conn: Any) -> dict[str, Any]:
    return {
        "stores": {row.id: [getattr(row, name) for name in STORE_COLUMNS] for row in conn.execute(select(stores))},
        "keys": [row.test for row in conn.execute(select(api_keys.c.test))],
        "webhooks": [row.test_events for row in conn.execute(select(webhooks.c.test_events))],
    }


def test_each_store_gets_its_test_space_and_downgrading_drops_them(url_before: str) -> None:
    asyncio.run(run(url_before, _seed))
    upgrade(url_before)
    found = asyncio.run(run(url_before, _read))
    zero = ["Zero", "active", "FR", None, None, 60, "Europe/Paris"]
    shop = ["Shop", "paused", "US", "acme", 30, 5, "America/Chicago"]
    assert found == {"stores": {0: zero, -1: zero, 123: shop, -124: shop}, "keys": [False], "webhooks": [False]}

    def test_data(conn: Any) -> None:
        conn.execute(
            text(
                "INSERT INTO api_keys (prefix, key_hash, scope, store_id, created_at, test) "
                "VALUES ('kanal_sk_test_abcdefgh', :hash, 'store', 123, :now, :test)"
            ),
            {"hash": "1" * 64, "now": NOW, "test": True},
        )
        conn.execute(
            text(
                "INSERT INTO contacts (store_id, phone, revision, created_at, updated_at) "
                "VALUES (-124, '+33612345678', 1, :now, :now)"
            ),
            {"now": NOW},
        )

    asyncio.run(run(url_before, test_data))
    command.downgrade(alembic_config(url_before), BEFORE)

    def live_rows(conn: Any) -> dict[str, Any]:
        return {
            "stores": sorted(conn.execute(text("SELECT id FROM stores")).scalars()),
            "keys": list(conn.execute(text("SELECT prefix FROM api_keys")).scalars()),
            "contacts": conn.execute(text("SELECT count(*) FROM contacts")).scalar(),
        }

    assert asyncio.run(run(url_before, live_rows)) == {
        "stores": [0, 123],
        "keys": ["kanal_sk_live_abcdefgh"],
        "contacts": 0,
    }
