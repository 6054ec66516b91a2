"""PostgreSQL: the connection the kept rows' version is read on (postgres.KeptVersions) is
closed when it is given back to a write pool whose queue is full, as the pool is after a
burst of writes that took its overflow connections too. It was given back with the pool's
synchronous close, outside SQLAlchemy's greenlet, where asyncpg's close cannot run: the pool
logged `Exception closing connection` (MissingGreenlet) and the connection stayed open."""

from __future__ import annotations

import asyncio
import logging
import uuid

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from app.db.postgres import KeptVersions


async def _open_connections(database_url: str, application_name: str) -> int:
    """The server's connections named `application_name`, once those closing have ended."""
    conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        for _ in range(50):  # a backend ends a moment after its client's Terminate
            count = await conn.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", application_name
            )
            if count == 0:
                break
            await asyncio.sleep(0.05)
        return count
    finally:
        await conn.close()


async def test_the_version_connection_closes_into_a_full_pool(database_url, caplog):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite reads no version on a connection of its own")
    name = f"kanal-test-{uuid.uuid4().hex[:8]}"
    engine = create_async_engine(
        database_url, pool_size=1, max_overflow=1, connect_args={"server_settings": {"application_name": name}}
    )
    versions = KeptVersions(engine)
    try:
        assert await versions.read("auth_rows") is not None  # on the pool's one connection
        async with engine.connect() as overflow:  # an overflow one, given back first: the queue is full
            await overflow.exec_driver_sql("SELECT 1")
        with caplog.at_level(logging.ERROR, logger="sqlalchemy.pool"):
            await versions.close()
        assert await _open_connections(database_url, name) == 1  # the overflow one, kept by the pool
    finally:
        await engine.dispose()
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR] == []
    assert await _open_connections(database_url, name) == 0
