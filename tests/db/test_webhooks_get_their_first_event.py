"""Migration 0025 (README "Outbox lifecycle"): each webhook written before it gets its first
event, the first event stamped at or after its creation (the events the fan-out chose for it
until then), or the outbox's next id when no such event is stored; the fan-out then goes by
ids. Downgrading drops the column and keeps every webhook."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from sqlalchemy import text

from app.db.migrate import alembic_config, upgrade
from app.db.tables import events
from tests.db.migrated import run

BEFORE = "0024"  # the revision url_before is at
T0 = datetime(2026, 5, 18, 10, tzinfo=UTC)
EVENTS_AT = [T0, T0 + timedelta(minutes=10), T0 + timedelta(minutes=20)]  # ids 1, 2, 3

# webhook created at -> its first event, with the three events above stored, and with none
WEBHOOKS = {
    "before every event": (T0 - timedelta(days=1), 1, 1),
    "between the first and the second": (T0 + timedelta(minutes=5), 2, 1),
    "the instant of the second": (T0 + timedelta(minutes=10), 2, 1),
    "after every event": (T0 + timedelta(hours=1), 4, 1),
}


def _seed(with_events: bool) -> Any:
    def seed(conn: Any) -> None:
        conn.execute(
            text(
                "INSERT INTO stores (id, name, status, region, created_at) VALUES (123, 'Shop', 'active', 'FR', :now)"
            ),
            {"now": T0},
        )
        for name, (created_at, _, _) in WEBHOOKS.items():
            conn.execute(
                text(
                    "INSERT INTO webhooks (store_id, url, secret, events, created_at) "
                    "VALUES (123, :url, 'whsec_x', '[\"*\"]', :created_at)"
                ),
                {"url": f"https://h.example.com/{name.replace(' ', '-')}", "created_at": created_at},
            )
        for at in EVENTS_AT if with_events else []:
            conn.execute(
                events.insert().values(
                    event_id=str(uuid.uuid4()),
                    store_id=123,
                    type="order.created",
                    subject_type="order",
                    subject_id=1,
                    data={},
                    backfill=False,
                    created_at=at,
                )
            )

    return seed


def _first_events(conn: Any) -> list[int]:
    return [row[0] for row in conn.execute(text("SELECT first_event_id FROM webhooks ORDER BY id"))]


@pytest.mark.parametrize("with_events", [True, False], ids=["events stored", "no event stored"])
def test_each_webhook_gets_the_first_event_the_fan_out_chose_for_it(url_before: str, with_events: bool) -> None:
    asyncio.run(run(url_before, _seed(with_events)))
    upgrade(url_before)
    expected = [first if with_events else none for _, first, none in WEBHOOKS.values()]
    assert asyncio.run(run(url_before, _first_events)) == expected
    command.downgrade(alembic_config(url_before), BEFORE)

    def urls(conn: Any) -> list[str]:
        return [row[0] for row in conn.execute(text("SELECT url FROM webhooks ORDER BY id"))]

    assert len(asyncio.run(run(url_before, urls))) == len(WEBHOOKS)
