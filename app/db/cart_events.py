"""The outbox's cart events as the migrations that set `cart_abandonments` from them read them
(0019, 0023): the columns of both tables they use, written out here and not taken from
`app.db.tables`, so a step keeps its meaning if the tables change later; the events read a
chunk at a time; and the `abandoned_at` an event's cart had, which names its abandonment."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.db.types import UTC_DATETIME

CHUNK = 10_000  # events read per statement: a large outbox is never held in memory at once

events = sa.table(
    "events",
    sa.column("id", sa.BigInteger),
    sa.column("type", sa.String),
    sa.column("subject_type", sa.String),
    sa.column("subject_id", sa.BigInteger),
    sa.column("data", sa.JSON),
    sa.column("created_at", UTC_DATETIME),
    sa.column("dispatched_at", UTC_DATETIME),
    sa.column("reason", sa.String),
)
abandonments = sa.table(
    "cart_abandonments",
    sa.column("cart_id", sa.BigInteger),
    sa.column("abandoned_at", UTC_DATETIME),
    sa.column("store_id", sa.BigInteger),
    sa.column("abandoned_recorded_at", UTC_DATETIME),
    sa.column("recovered_recorded_at", UTC_DATETIME),
    sa.column("recovery_due_at", UTC_DATETIME),
    sa.column("recovery_fired", sa.Boolean),
)


def in_id_order(conn: sa.Connection, query: sa.Select[Any]) -> Iterator[sa.Row[Any]]:
    """The rows of `query` (a select of `events`, its `id` among the columns), in event id
    order, read CHUNK at a time."""
    last = 0
    while True:
        chunk = conn.execute(query.where(events.c.id > last).order_by(events.c.id).limit(CHUNK)).all()
        yield from chunk
        if len(chunk) < CHUNK:
            return
        last = chunk[-1].id


def abandoned_at(data: Any) -> datetime | None:
    """The `abandoned_at` an event's cart had (its `after`, an ISO 8601 text), as an aware
    datetime; None when its `after` holds none."""
    text = ((data or {}).get("after") or {}).get("abandoned_at")
    return datetime.fromisoformat(text) if isinstance(text, str) else None
