"""Commands that read or write the tables stop before opening a SQLite file that is not there:
opening it would leave an empty file behind (only `kanal db upgrade` creates it). The
long-running ones (`kanal serve`, `kanal worker`) also stop before starting on a database
without the Kanal tables: each request and each worker pass would fail on it, with a traceback
logged every second."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from app.db.unavailable import DatabaseUnavailable, connected, one_off_engine, sqlite_can_serve


class NoDatabase(Exception):
    """The SQLite file the database URL names does not exist; the exception's text is its path."""


class NotMigrated(Exception):
    """The database answers but has no Kanal tables (`kanal db upgrade` was never run on it)."""


def require_existing(database_url: str) -> None:
    """Raises NoDatabase when `database_url` is a SQLite file that is not there (other engines,
    and SQLite in memory, are never refused here)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        if not Path(url.database).exists():
            raise NoDatabase(url.database)


def require_migrated(database_url: str) -> None:
    """Raises NoDatabase as `require_existing` does, and NotMigrated when the database has no
    `stores` table. A database that cannot be reached now is not refused: the server answers
    503 and the worker waits for it, as when it goes away later. Not from a running event loop."""
    require_existing(database_url)

    async def has_tables() -> bool:
        engine = one_off_engine(database_url)
        try:
            async with connected(engine) as conn:
                with sqlite_can_serve():
                    return await conn.run_sync(lambda sync: inspect(sync).has_table("stores"))
        finally:
            await engine.dispose()

    try:
        migrated = asyncio.run(has_tables())
    except DatabaseUnavailable:
        return
    if not migrated:
        raise NotMigrated(database_url)


def tables_missing(exc: BaseException) -> bool:
    """Whether `exc` (or what it wraps) says a table is missing: SQLite's "no such table",
    PostgreSQL's undefined_table (SQLSTATE 42P01), whichever driver layer raised it. A
    database emptied or re-created under a running worker, or one a command reaches before
    `kanal db upgrade`."""
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return False
        if "no such table" in str(seen) or getattr(seen, "sqlstate", None) == "42P01":
            return True
        seen = getattr(seen, "orig", None) or seen.__cause__
    return False
