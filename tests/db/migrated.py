"""What the data-migration tests share: a database of each engine under test at an earlier
revision, and one transaction run on it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import create_async_engine

from app.db.migrate import upgrade
from app.db.types import dumps, loads
from tests import postgres


@contextmanager
def database_at(engine: str, tmp_path: Path, revision: str) -> Iterator[str]:
    """The URL of a new database of `engine` ("sqlite" or "postgresql") migrated to `revision`."""
    if engine == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'kanal.db'}"
        upgrade(url, revision)
        yield url
    else:
        with postgres.scratch_database() as url:
            upgrade(url, revision)
            yield url


async def run(url: str, work: Any) -> Any:
    """`work(conn)` in one transaction on `url`; its result."""
    engine = create_async_engine(url, json_serializer=dumps, json_deserializer=loads)
    try:
        async with engine.begin() as conn:
            return await conn.run_sync(work)
    finally:
        await engine.dispose()
