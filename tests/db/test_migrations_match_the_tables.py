"""Migrations are the only way a schema is made: the migrated schema must match the tables."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from app.db.tables import metadata


async def test_migrations_match_the_table_definitions(database_url):
    engine = create_async_engine(database_url)
    async with engine.connect() as conn:
        diff = await conn.run_sync(lambda sync: compare_metadata(MigrationContext.configure(sync), metadata))
    await engine.dispose()
    assert diff == []


async def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(api):
    if api.db.dialect != "sqlite":
        pytest.skip("SQLite settings")

    def pragmas(conn):
        names = ("journal_mode", "busy_timeout", "foreign_keys")
        return [conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in names]

    assert await api.db.write(pragmas) == ["wal", 5000, 1]
    assert await api.db.read(pragmas) == ["wal", 5000, 1]
