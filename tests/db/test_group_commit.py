"""Group commit, on both engines: writes that arrive together share one COMMIT, one failing
write costs no other its own, and a crash mid-group commits nothing of it; on SQLite a group
waiting for another connection's write lock gathers the writes that come meanwhile."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import sys
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Connection, event, func, insert, select
from sqlalchemy.engine import make_url

from app.config import Settings
from app.db import tables
from app.db.database import Database
from app.db.unavailable import DatabaseUnavailable

NOW = datetime(2026, 5, 18, 10, 0, tzinfo=UTC)


@pytest.fixture
async def db(database_url: str) -> Any:
    database = Database(Settings(database_url=database_url))
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


# Run in a process of its own: a group of four writes, the third of which kills the process
# (SIGKILL: no cleanup, no ROLLBACK sent) after the first two ran their statements.
_CRASHING_GROUP = """
import asyncio, os, signal, sys
from datetime import UTC, datetime
from sqlalchemy import insert
from app.config import Settings
from app.db import tables
from app.db.database import Database

def add_store(conn, store_id):
    conn.execute(insert(tables.stores).values(
        id=store_id, name="S", status="active", region="FR", created_at=datetime(2026, 5, 18, tzinfo=UTC)))
    return store_id

def crash(conn):
    os.kill(os.getpid(), signal.SIGKILL)

async def main():
    db = Database(Settings(database_url=sys.argv[1]))
    await asyncio.gather(db.write(add_store, 1), db.write(add_store, 2), db.write(crash), db.write(add_store, 3))

asyncio.run(main())
"""


async def test_a_crash_mid_group_commits_nothing_of_it(database_url: str) -> None:
    process = await asyncio.create_subprocess_exec(sys.executable, "-c", _CRASHING_GROUP, database_url)
    assert await process.wait() == -signal.SIGKILL
    database = Database(Settings(database_url=database_url))
    try:
        count = await database.read(lambda conn: conn.scalar(select(func.count()).select_from(tables.stores)))
    finally:
        await database.dispose()
    assert count == 0


async def _waiting_for_the_lock(db: Database) -> None:
    """Returns once a write group of `db` (SQLite) has found the write lock held and waits."""
    async with asyncio.timeout(30):
        while getattr(db._backend, "_busy_since", None) is None:
            await asyncio.sleep(0.005)


def _lock_held_by_another_connection(database_url: str) -> sqlite3.Connection:
    other = sqlite3.connect(make_url(database_url).database or "", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


async def test_writes_arriving_while_a_group_waits_for_the_lock_join_it(db: Any, database_url: str) -> None:
    """The group waits for another connection's write lock off the loop; the writes that come
    meanwhile join it, and all share one COMMIT once the lock is released."""
    if db.dialect != "sqlite":
        pytest.skip("SQLite's write lock")
    await db.write(_add_store, 1)  # the write connection open, its triggers installed
    db.commits.clear()
    other = _lock_held_by_another_connection(database_url)
    try:
        first = asyncio.create_task(db.write(_add_store, 2))
        await _waiting_for_the_lock(db)
        later = [asyncio.create_task(db.write(_add_store, n)) for n in (3, 4)]
        await asyncio.sleep(0.05)  # several attempts at the lock meanwhile
        waiting = [task.done() for task in (first, *later)]
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert waiting == [False] * 3
    assert await asyncio.gather(first, *later) == [2, 3, 4]
    assert len(db.commits) == 1
    assert await db.read(lambda conn: conn.scalar(select(func.count()).select_from(tables.stores))) == 4


async def test_dispose_answers_a_group_waiting_for_the_lock(database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock")
    db = Database(Settings(database_url=database_url, sqlite_busy_timeout_ms=300))
    await db.write(_add_store, 1)  # the file in WAL mode, the write connection open
    other = _lock_held_by_another_connection(database_url)
    try:
        write = asyncio.create_task(db.write(_add_store, 2))
        await _waiting_for_the_lock(db)
        await db.dispose()
        answered = write.done()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert answered
    with pytest.raises(DatabaseUnavailable):
        await write
