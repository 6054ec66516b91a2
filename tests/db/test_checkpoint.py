"""SQLite: the writer never checkpoints; a thread of its own copies the log into the file."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, insert, select

from app.config import Settings
from app.db import tables
from app.db.database import Database

NOW = datetime(2026, 5, 18, 10, 0, tzinfo=UTC)


def _add_stores(conn: Connection, first: int, count: int) -> None:
    rows = [
        {"id": first + n, "name": "x" * 200, "status": "active", "region": "FR", "created_at": NOW}
        for n in range(count)
    ]
    conn.execute(insert(tables.stores), rows)


async def test_commits_are_checkpointed_off_the_writer(migrated_template: Path, tmp_path: Path) -> None:
    path = tmp_path / "kanal.db"
    path.write_bytes(migrated_template.read_bytes())
    db = Database(Settings(database_url=f"sqlite+aiosqlite:///{path}"))
    try:
        size_before = path.stat().st_size
        for batch in range(20):
            await db.write(_add_stores, 1000 + batch * 100, 100)
        # The pages went to the log; the database file grows once the thread copied them.
        for _ in range(100):
            if path.stat().st_size > size_before:
                break
            await asyncio.sleep(0.05)
        assert path.stat().st_size > size_before
        writer_setting = await db.write(lambda conn: conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar())
        assert writer_setting == 0
        stored = await db.read(lambda conn: conn.execute(select(tables.stores.c.id)).all())
        assert len(stored) == 2000
    finally:
        await db.dispose()
    # Closing left a whole database: another connection reads every row.
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM stores").fetchone() == (2000,)
    conn.close()
