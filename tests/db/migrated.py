"""What the data-migration tests share: a database of each engine under test at an earlier
revision, and one transaction run on it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import create_async_engine

from app.db.migrate import upgrade
from app.db.types import dumps, loads
from tests import postgres


@contextmanager
def database_at(engine: str, tmp_path: Path, revision: str) -> Iterator[str]:
    """The URL of a new database of `engine` ("sqlite" or "postgresql") migrated to `revision`."""
    if engine == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'kanal.db'}"
        upgrade(url, revision)
        yield url
    else:
        with postgres.scratch_database() as url:
            upgrade(url, revision)
            yield url


async def run(url: str, work: Any) -> Any:
    """`work(conn)` in one transaction on `url`; its result."""
    engine = create_async_engine(url, json_serializer=dumps, json_deserializer=loads)
    try:
        async with engine.begin() as conn:
            return await conn.run_sync(work)
    finally:
        await engine.dispose()


def seed_order(conn: Any, now: Any) -> None:
    """Store 123, its contact 1 and that contact's order 1 (`O-1`), written at `now`: what a
    migration test's shipments hang on. Written with the tables' definitions, whose columns they
    use exist at every revision since 0016."""
    from decimal import Decimal

    from app.db.tables import contacts, orders, stores

    conn.execute(stores.insert().values(id=123, name="Shop", status="active", region="FR", created_at=now))
    conn.execute(
        contacts.insert().values(id=1, store_id=123, phone="+33612345678", revision=1, created_at=now, updated_at=now)
    )
    order = {"store_id": 123, "contact_id": 1, "placed_at": now, "total_price": Decimal("1"), "revision": 1}
    order.update(line_items=[], tags=[], metadata={}, created_at=now, updated_at=now)
    conn.execute(orders.insert().values(id=1, external_id="O-1", **order))
