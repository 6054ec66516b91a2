"""SQLite group commit: writes that arrive together share one COMMIT, and one failing write
costs no other its own."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, event, func, insert, select

from app.config import Settings
from app.db import tables
from app.db.database import Database

NOW = datetime(2026, 5, 18, 10, 0, tzinfo=UTC)


@pytest.fixture
async def db(migrated_template: Path, tmp_path: Path) -> Any:
    path = tmp_path / "kanal.db"
    path.write_bytes(migrated_template.read_bytes())
    database = Database(Settings(database_url=f"sqlite+aiosqlite:///{path}"))
    commits: list[None] = []
    event.listen(database.engines[0], "commit", lambda conn: commits.append(None))
    database.commits = commits  # type: ignore[attr-defined]
    yield database
    await database.dispose()


def _add_store(conn: Connection, store_id: int) -> int:
    if store_id < 0:
        raise ValueError("refused")
    conn.execute(insert(tables.stores).values(id=store_id, name="S", status="active", region="FR", created_at=NOW))
    return store_id


async def _later(db: Database, store_id: int) -> int:
    await asyncio.sleep(0)  # reaches its write one turn of the loop after the others
    return await db.write(_add_store, store_id)


async def test_writes_one_turn_apart_share_one_commit(db: Any) -> None:
    results = await asyncio.gather(*(db.write(_add_store, n) for n in range(1, 6)), _later(db, 6))
    assert results == [1, 2, 3, 4, 5, 6]
    assert len(db.commits) == 1
    count = await db.read(lambda conn: conn.scalar(select(func.count()).select_from(tables.stores)))
    assert count == 6


async def test_a_failing_write_leaves_the_rest_of_its_group_written(db: Any) -> None:
    outcomes = await asyncio.gather(
        db.write(_add_store, 1), db.write(_add_store, -1), db.write(_add_store, 2), return_exceptions=True
    )
    assert outcomes[0] == 1 and outcomes[2] == 2 and isinstance(outcomes[1], ValueError)
    stored = await db.read(lambda conn: conn.scalars(select(tables.stores.c.id).order_by(tables.stores.c.id)).all())
    assert stored == [1, 2]
