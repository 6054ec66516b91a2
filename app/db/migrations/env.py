"""Alembic environment: runs the migrations on the async engine of DATABASE_URL."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from app.config import Settings
from app.db.migrate import NothingToStamp, TablesWithoutRecord
from app.db.tables import metadata
from app.db.unavailable import DatabaseUnavailable, one_off_engine, sqlite_can_serve

config = context.config


def _database_url() -> str:
    return config.attributes.get("database_url") or Settings.from_env().database_url


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        # All migrations of a run in one transaction on SQLite too (Alembic commits after each
        # there by default), so that the lock `_lock` takes is held until the run is done.
        transactional_ddl=True,
    )
    with context.begin_transaction():
        _lock(connection)
        _refuse_unrecorded_tables(connection)
        context.run_migrations()
        # the revisions the database is at now, for `migrate.upgrade` to answer
        config.attributes["heads"] = tuple(context.get_context().get_current_heads())


def _refuse_unrecorded_tables(connection: Connection) -> None:
    """TablesWithoutRecord when an upgrade finds Kanal's tables but no migration recorded (read
    under the lock, as Alembic reads it next): the first migration would create them again and
    stop on `table stores already exists`, with two tracebacks. NothingToStamp when
    `kanal db stamp` finds no Kanal tables, or a migration recorded already: it records one for
    tables that have none, and no other."""
    heads = tuple(context.get_context().get_current_heads())
    if config.attributes.get("stamp_unrecorded_only"):
        found = set(inspect(connection).get_table_names()) & set(metadata.tables)
        if heads or not found:
            raise NothingToStamp(len(found), heads)
        missing = _missing(connection, found)
        if missing:
            raise NothingToStamp(len(found), missing=missing)
        return
    if not config.attributes.get("refuse_unrecorded_tables") or heads:
        return
    found = set(inspect(connection).get_table_names()) & set(metadata.tables)
    if found:
        raise TablesWithoutRecord(len(found))


def _missing(connection: Connection, found: set[str]) -> int:
    """How many of this release's tables (`metadata`), and columns of those `found`, the
    database lacks."""
    schema = inspect(connection)
    columns = sum(
        len(set(metadata.tables[name].columns.keys()) - {column["name"] for column in schema.get_columns(name)})
        for name in found
    )
    return len(set(metadata.tables) - found) + columns


# Any fixed 64-bit number, the same in every process: the key of PostgreSQL's advisory lock.
_MIGRATION_LOCK = 0x6B616E616C  # "kanal"


def _lock(connection: Connection) -> None:
    """Holds the database for this run's migrations until they commit, so that processes
    upgrading at once (containers that each run `kanal db upgrade` as they start) take turns:
    the first migrates, the others wait, then read the version it left (Alembic reads it after
    this) and have nothing to do. Without it each read an empty database and created the same
    tables, and all but one stopped with a traceback. PostgreSQL: a transaction-level advisory
    lock. SQLite: the write lock, taken now (BEGIN IMMEDIATE) rather than at the first write,
    as Python's sqlite3 opens no transaction before DDL; waiting up to the busy timeout."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
    elif connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"PRAGMA busy_timeout={int(_busy_timeout_ms())}")
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _busy_timeout_ms() -> int:
    # The service's own bound on waiting for another process's write (KANAL_SQLITE_BUSY_TIMEOUT_MS).
    return Settings.from_env().sqlite_busy_timeout_ms


async def _run_online() -> None:
    """Raises DatabaseUnavailable, as the service's own connections do, when no connection can
    be had or SQLite cannot be written (read-only, full, locked past the busy timeout): `kanal
    db upgrade` says so in one line, where it printed the driver's traceback."""
    engine = one_off_engine(_database_url())
    try:
        connection = await engine.connect()
    except Exception as exc:
        raise DatabaseUnavailable(exc) from exc
    try:
        with sqlite_can_serve():
            await connection.run_sync(_run)
    finally:
        await connection.close()
        await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_database_url(), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online())
