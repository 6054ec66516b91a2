"""A worker whose database has no Kanal tables (emptied or re-created under it, before `kanal db
upgrade`) says so in one warning a pass, as the commands do, and keeps waiting: it logged a
full traceback every pass ("relation dispatch_lock does not exist")."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.automations.worker import Worker
from app.config import Settings
from app.db.database import Database
from tests import postgres


@contextlib.contextmanager
def _empty_database(engine: str, tmp_path: Path) -> Iterator[str]:
    if engine == "sqlite":
        path = tmp_path / "empty.db"
        path.touch()
        yield f"sqlite+aiosqlite:///{path}"
    else:
        with postgres.scratch_database() as url:
            yield url.replace("postgresql://", "postgresql+asyncpg://", 1)


@pytest.mark.parametrize("engine", postgres.engines_under_test())
def test_a_pass_without_tables_is_one_warning(engine: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    async def run(url: str) -> None:
        db = Database(Settings.from_env(database_url=url))
        stop = asyncio.Event()
        running = asyncio.create_task(Worker(db).run(stop, interval=0.05))
        await asyncio.sleep(0.5)
        stop.set()
        await asyncio.wait_for(running, 10)
        await db.dispose()

    with _empty_database(engine, tmp_path) as url, caplog.at_level(logging.WARNING, logger="kanal.worker"):
        asyncio.run(run(url))
    records = [record for record in caplog.records if record.name == "kanal.worker"]
    assert records, "the worker said nothing"
    assert {record.getMessage() for record in records} == {
        "worker pass: the database lacks tables this release uses (emptied, or migrated by an earlier release only): run `kanal db upgrade`"
    }
    assert all(record.exc_info is None for record in records)
