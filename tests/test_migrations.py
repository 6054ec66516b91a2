"""Migrations are the only way a schema is made: the migrated schema must match the tables."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from app.db.tables import metadata


def test_migrations_match_the_table_definitions(migrated_template):
    engine = create_engine(f"sqlite:///{migrated_template}")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), metadata)
    engine.dispose()
    assert diff == []


async def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(api):
    async with api.db.transaction() as conn:
        assert (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar() == "wal"
        assert (await conn.exec_driver_sql("PRAGMA busy_timeout")).scalar() == 5000
        assert (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1
