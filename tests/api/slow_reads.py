"""Reads made slow on purpose, to see what a read past its time budget is answered."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.config import Settings
from app.db.database import Database

BUDGET = 2.0  # seconds: every endless statement below would run for hours without it; the
# set-up reads before them must fit in it too, on a loaded machine (0.5 s did not, once)


def budget_settings(database_url: str, seconds: float = BUDGET) -> Settings:
    """The API tests' settings (tests/conftest.py) with a read budget of `seconds`."""
    return Settings.from_env(
        database_url=database_url,
        default_rate_limit_per_minute=10_000,
        rate_limit_storage_uri="memory://",
        read_timeout_seconds=seconds,
    )


# Statements that never end on their own.
ENDLESS = {
    "sqlite": "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n",
    "postgresql": "SELECT count(*) FROM generate_series(1, 1000000000000)",
}


@contextlib.contextmanager
def endless_reads_of(db: Database, table: str) -> Iterator[None]:
    """While the block runs, each read statement that reads `table` (`FROM <table>`) first
    runs an endless one on the same connection, as an expensive dashboard query would."""

    def slow_down(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if f"FROM {table}" in statement and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            cursor.execute(ENDLESS[db.dialect])

    read_engine = db.engines[-1]
    event.listen(read_engine, "before_cursor_execute", slow_down)
    try:
        yield
    finally:
        event.remove(read_engine, "before_cursor_execute", slow_down)


# Past the small lane's 20,000 VM steps (about 850,000): a read that runs it moves to the large lane.
HEAVY_SQLITE = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 50000) SELECT count(*) FROM n"
HELD_LOCK = 4242  # the PostgreSQL advisory lock the held reads wait for


@contextlib.asynccontextmanager
async def every_reader_held(db: Database) -> AsyncIterator[list[asyncio.Task[str]]]:
    """While the block runs, reads hold every reader: on SQLite every thread of both lanes (each
    read waits in Python after its statements), on PostgreSQL every connection of the read pool
    (each waits for an advisory lock the block holds). Yields the reads' tasks, all running; on
    leaving, the reads are let go and each answers where it ran (a thread's name, or "pool")."""
    if db.dialect == "sqlite":
        async with _sqlite_readers_held(db, db.settings.sqlite_readers) as reads:
            yield reads
    else:
        async with _postgres_read_pool_held(db) as reads:
            yield reads


@contextlib.asynccontextmanager
async def _sqlite_readers_held(db: Database, threads: int) -> AsyncIterator[list[asyncio.Task[str]]]:
    release, holding = threading.Event(), threading.Semaphore(0)

    def held(conn: Any, heavy: bool) -> str:
        if heavy:
            conn.exec_driver_sql(HEAVY_SQLITE).scalar()
        holding.release()
        release.wait(60)
        return threading.current_thread().name

    async def start(heavy: bool) -> list[asyncio.Task[str]]:
        tasks = [asyncio.create_task(db.read(held, heavy)) for _ in range(threads)]
        for _ in tasks:
            while not holding.acquire(blocking=False):
                await asyncio.sleep(0.001)
        return tasks

    # The large lane first: a heavy read passes through the small lane on its way there.
    reads = await start(heavy=True) + await start(heavy=False)
    try:
        yield reads
    finally:
        release.set()
        await asyncio.gather(*reads, return_exceptions=True)


@contextlib.asynccontextmanager
async def _postgres_read_pool_held(db: Database) -> AsyncIterator[list[asyncio.Task[str]]]:
    pool: Any = db.engines[-1].pool
    connections = pool.size() + pool._max_overflow
    holder = create_async_engine(db.url, poolclass=NullPool, isolation_level="AUTOCOMMIT")

    def waits(conn: Any) -> str:
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock_shared({HELD_LOCK})")
        return "pool"

    waiting = f"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = {HELD_LOCK} AND NOT granted"
    try:
        async with holder.connect() as lock:
            await lock.exec_driver_sql(f"SELECT pg_advisory_lock({HELD_LOCK})")
            reads = [asyncio.create_task(db.read(waits)) for _ in range(connections)]
            try:
                while (await lock.exec_driver_sql(waiting)).scalar() < connections:
                    await asyncio.sleep(0.01)
                yield reads
            finally:
                await lock.exec_driver_sql(f"SELECT pg_advisory_unlock({HELD_LOCK})")
                await asyncio.gather(*reads, return_exceptions=True)
    finally:
        await holder.dispose()
