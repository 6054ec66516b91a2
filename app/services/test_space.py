"""A store's test space, cleared on demand (`kanal stores reset-test-data`).

Clearing deletes every row whose `store_id` is the test space's (app/domain/livemode.py), in
every table that has one, and the deliveries of its events: exactly what test keys wrote and
what it caused. The store, its keys and its webhooks, all on the live row, stay, as does every
live row."""

from __future__ import annotations

from sqlalchemy import Connection, Table, delete, select

from app.db.database import Database
from app.db.tables import deliveries, events, metadata, stores
from app.domain.livemode import space_id

from .stores import StoreError, exists


def _space_tables() -> list[Table]:
    """Tables holding a space's rows, children before parents (so foreign keys hold)."""
    return [table for table in reversed(metadata.sorted_tables) if "store_id" in table.c and table is not stores]


async def reset_test_data(db: Database, store_id: int) -> dict[str, int]:
    """Delete public store `store_id`'s test data; returns rows deleted per table, every table
    it cleared (the summaries and notes kept beside orders and carts among them: an operator
    reads what went), those with none left out. Raises StoreError for an unknown store."""
    test_space = space_id(store_id, test=True)

    def work(conn: Connection) -> dict[str, int]:
        if not exists(conn, store_id):
            raise StoreError(f"Store {store_id} does not exist.")
        space_events = select(events.c.id).where(events.c.store_id == test_space)
        cleared = delete(deliveries).where(deliveries.c.event_id.in_(space_events))
        counts = {"deliveries": conn.execute(cleared).rowcount}
        for table in _space_tables():
            counts[table.name] = conn.execute(delete(table).where(table.c.store_id == test_space)).rowcount
        return {name: count for name, count in counts.items() if count}

    return await db.write(work)
