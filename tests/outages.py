"""Real outages of the database under a running app, for the tests of what outlives them: an
operator's session on the side, as `psql` or `sqlite3` would run it."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from app.config import Settings


def settings_waiting_briefly(database_url: str) -> Settings:
    """The suite's settings, but a SQLite write waits at most 0.2 s for another process's lock:
    for a `settings` fixture of tests that hold one (`sqlite_locked`)."""
    return Settings.from_env(
        database_url=database_url,
        default_rate_limit_per_minute=10_000,
        rate_limit_storage_uri="memory://",
        sqlite_busy_timeout_ms=200,
    )


async def until(done: Callable[[], bool], seconds: float = 30.0) -> None:
    """Wait until `done()` holds (checked every 50 ms); AssertionError past `seconds`."""
    for _ in range(int(seconds / 0.05)):
        if done():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"not reached in {seconds:g} s")


async def run_sql(db: Any, statements: Sequence[str], on: str | None = None) -> None:
    """`statements` on the database of `db` (an app's Database), or on the server's database
    `on` (PostgreSQL), each committed on its own."""
    url = make_url(str(db.url))
    if db.dialect == "sqlite":
        conn = sqlite3.connect(url.database or "", isolation_level=None)
        try:
            for statement in statements:
                conn.execute(statement)
        finally:
            conn.close()
        return
    dsn = url.set(drivername="postgresql", database=on or url.database).render_as_string(hide_password=False)
    server = await asyncpg.connect(dsn)
    try:
        for statement in statements:
            await server.execute(statement)
    finally:
        await server.close()


@asynccontextmanager
async def tables_renamed(db: Any, names: Sequence[str]) -> AsyncIterator[None]:
    """The tables `names` renamed away by an operator's mistake, then given their names back."""
    await run_sql(db, [f"ALTER TABLE {name} RENAME TO {name}_away" for name in names])
    try:
        yield
    finally:
        await run_sql(db, [f"ALTER TABLE {name}_away RENAME TO {name}" for name in names])


@asynccontextmanager
async def connections_refused(db: Any) -> AsyncIterator[None]:
    """PostgreSQL refusing connections to the database and ending those open (a restart, a
    failover), then taking them again."""
    name = db.url.database
    await run_sql(db, [f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'], on="postgres")
    try:
        ended = f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
        await run_sql(db, [ended], on="postgres")
        yield
    finally:
        await run_sql(db, [f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'], on="postgres")


@asynccontextmanager
async def sqlite_locked(db: Any) -> AsyncIterator[None]:
    """Another process's write holding a SQLite database's lock."""
    conn = sqlite3.connect(make_url(str(db.url)).database or "", isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")
        conn.close()


@dataclass(frozen=True)
class Outage:
    """An outage a test runs through: `begin(db)` (an app's Database) holds it for its block,
    on the engines it exists on."""

    begin: Callable[[Any], AbstractAsyncContextManager[None]]
    engines: tuple[str, ...]


def outages(renamed: Sequence[str]) -> dict[str, Outage]:
    """The tables `renamed` (those the code under test reads) renamed away, on both engines; and
    PostgreSQL refusing and ending connections."""
    return {
        "tables renamed away": Outage(lambda db: tables_renamed(db, renamed), ("sqlite", "postgresql")),
        "connections refused and ended": Outage(connections_refused, ("postgresql",)),
    }
