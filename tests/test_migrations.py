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
    def pragmas(conn):
        return [
            conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in ("journal_mode", "busy_timeout", "foreign_keys")
        ]

    assert await api.db.write(pragmas) == ["wal", 5000, 1]
    assert await api.db.read(pragmas) == ["wal", 5000, 1]
