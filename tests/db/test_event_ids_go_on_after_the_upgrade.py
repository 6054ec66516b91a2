"""Migration 0027 (README "Outbox lifecycle"): after the upgrade, the next event takes an id past
every id known to have been given before it — the largest event stored, the one before a
webhook's first event — even when the newest events were deleted
before; the events stored keep their ids and rows. Downgrading keeps every event."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic import command
from sqlalchemy import text

from app.db.migrate import alembic_config, upgrade
from app.db.tables import events
from tests.db.migrated import run

BEFORE = "0026"  # the revision url_before is at
T0 = datetime(2026, 12, 1, 10, tzinfo=UTC)


def _event(conn: Any, **values: Any) -> int:
    row = {"event_id": str(uuid.uuid4()), "store_id": 123, "type": "order.created", "subject_type": "order"}
    row |= {"subject_id": 1, "data": {}, "backfill": False, "created_at": T0}
    return int(conn.execute(events.insert().values(**row, **values).returning(events.c.id)).scalar_one())


def _webhook(conn: Any, first_event_id: int) -> None:
    conn.execute(
        text(
            "INSERT INTO webhooks (store_id, url, secret, events, created_at, first_event_id) "
            "VALUES (123, 'https://h.example.com/', 'whsec_x', '[\"*\"]', :at, :first)"
        ),
        {"at": T0, "first": first_event_id},
    )


# what is left before the upgrade, of six events given (ids 1-6): the events kept, a webhook's
# first event -> the largest id known to have been given
STATES = {
    "all six stored": ((1, 2, 3, 4, 5, 6), None, 6),
    "the newest three deleted, a webhook written after the sixth": ((1, 2, 3), 7, 6),
    "the newest three deleted, a webhook written after the third": ((1, 2, 3), 4, 3),
    "every event deleted, a webhook written after the sixth": ((), 7, 6),
    "no event ever": ((), None, 0),
}


@pytest.mark.parametrize("state", STATES)
def test_the_next_event_takes_an_id_past_every_one_given(url_before: str, state: str) -> None:
    kept, first_event_id, given = STATES[state]

    def seed(conn: Any) -> None:
        conn.execute(
            text("INSERT INTO stores (id, name, status, region, created_at) VALUES (123, 'Shop', 'active', 'FR', :t)"),
            {"t": T0},
        )
        made = [_event(conn) for _ in range(6 if kept or first_event_id else 0)]
        if first_event_id is not None:
            _webhook(conn, first_event_id)
        conn.execute(events.delete().where(events.c.id.not_in(kept)))
        assert made == list(range(1, len(made) + 1))

    asyncio.run(run(url_before, seed))
    upgrade(url_before)

    def after(conn: Any) -> tuple[list[int], int]:
        stored = [row[0] for row in conn.execute(text("SELECT id FROM events ORDER BY id"))]
        return stored, _event(conn)

    stored, new = asyncio.run(run(url_before, after))
    assert stored == list(kept)
    assert new > given
    if url_before.startswith("sqlite"):
        assert new == given + 1  # nothing skipped either
    command.downgrade(alembic_config(url_before), BEFORE)
    assert asyncio.run(run(url_before, lambda conn: conn.scalar(text("SELECT COUNT(*) FROM events")))) == len(kept) + 1
