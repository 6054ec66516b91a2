"""Commands that read or write the tables stop before opening a SQLite file that is not there:
opening it would leave an empty file behind (only `kanal db upgrade` creates it). The
long-running ones (`kanal serve`, `kanal worker`) also stop before starting on a database
without the Kanal tables, or whose tables an earlier release migrated and this one's
`kanal db upgrade` has not (README, "Production": once per release, before the new processes
start): each request and each worker pass would fail on it."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect
from sqlalchemy.engine import make_url

from app.config import sqlite_file
from app.db.unavailable import DatabaseUnavailable, connected, one_off_engine, sqlite_can_serve


class NoDatabase(Exception):
    """The SQLite file the database URL names does not exist; the exception's text is its path."""


class NotMigrated(Exception):
    """The database answers but has no Kanal tables (`kanal db upgrade` was never run on it)."""


class SchemaBehind(Exception):
    """The database's tables are at a migration before this release's newest (`at`, `needs`:
    migration ids): `kanal db upgrade` has not run since the release was installed."""

    def __init__(self, at: str, needs: str):
        super().__init__(f"at migration {at}, before this release's {needs}")


def require_existing(database_url: str) -> None:
    """Raises NoDatabase when `database_url` is a SQLite file that is not there, named as the
    URL names it (`./var/kanal.db`; the path of a `file:` URI). Other engines, and SQLite in
    memory, are never refused here."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return
    path = sqlite_file(url).path
    if path is not None and not Path(path).exists():
        raise NoDatabase(path)


def require_migrated(database_url: str) -> None:
    """Raises NoDatabase as `require_existing` does, NotMigrated when the database has no
    `stores` table, and SchemaBehind when its migration is one of this release's but not the
    newest (a migration this release does not know is a later release's: an older process
    serves on it during a rolling upgrade). A database that cannot be reached now is not
    refused: the server answers 503 and the worker waits for it, as when it goes away later.
    Not from a running event loop."""
    from app.db.migrate import revision_ids, upgrades_from  # alembic's scripts, read on use

    require_existing(database_url)

    def state(sync: Connection) -> tuple[bool, tuple[str, ...]]:
        return inspect(sync).has_table("stores"), MigrationContext.configure(sync).get_current_heads()

    async def read_state() -> tuple[bool, tuple[str, ...]]:
        engine = one_off_engine(database_url)
        try:
            async with connected(engine) as conn:
                with sqlite_can_serve():
                    return await conn.run_sync(state)
        finally:
            await engine.dispose()

    try:
        migrated, heads = asyncio.run(read_state())
    except DatabaseUnavailable:
        return
    if not migrated:
        raise NotMigrated(database_url)
    newest = revision_ids("head")[0]
    behind = [at for at in heads if upgrades_from(at) and at != newest]
    if behind:
        raise SchemaBehind(behind[0], newest)


def tables_missing(exc: BaseException) -> bool:
    """Whether `exc` (or what it wraps) says a table is missing: SQLite's "no such table",
    PostgreSQL's undefined_table (SQLSTATE 42P01), whichever driver layer raised it. A
    database emptied or re-created under a running worker, or one a command reaches before
    `kanal db upgrade`."""
    return _says(exc, ("no such table",), "42P01")


def columns_missing(exc: BaseException) -> bool:
    """Whether `exc` (or what it wraps) says a column is missing: SQLite's "no such column" or
    "has no column named", PostgreSQL's undefined_column (SQLSTATE 42703): a database an
    earlier release migrated, which this release's `kanal db upgrade` has not."""
    return _says(exc, ("no such column", "has no column named"), "42703")


def _says(exc: BaseException, sqlite_texts: tuple[str, ...], sqlstate: str) -> bool:
    """Whether `exc`, or one of the errors it wraps (up to five deep), holds one of
    `sqlite_texts` or carries PostgreSQL's `sqlstate`."""
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return False
        text = str(seen)
        if any(part in text for part in sqlite_texts) or getattr(seen, "sqlstate", None) == sqlstate:
            return True
        seen = getattr(seen, "orig", None) or seen.__cause__
    return False
