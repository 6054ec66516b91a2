"""`kanal db upgrade` run by several processes at once on a new database (containers each
migrating as they start, two operators, a deploy script run twice): one migrates, the others
wait for it and find the schema at head. Two of three stopped with a traceback (`table stores
already exists` on SQLite, a unique violation creating `alembic_version` on PostgreSQL)."""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from app.db.migrate import alembic_config
from tests import postgres
from tests.db.migrated import run
from tests.server import KANAL

PROCESSES = 3


@contextmanager
def _new_database(engine: str, tmp_path: Path) -> Iterator[str]:
    if engine == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'kanal.db'}"
    else:
        with postgres.scratch_database() as url:
            yield url


@pytest.mark.parametrize("engine", postgres.engines_under_test())
def test_each_process_ends_at_head_and_the_schema_is_made_once(engine, tmp_path):
    head = ScriptDirectory.from_config(alembic_config("")).get_current_head()
    with _new_database(engine, tmp_path) as url:
        env = {**os.environ, "DATABASE_URL": url}
        started = [
            subprocess.Popen(
                [KANAL, "db", "upgrade"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            for _ in range(PROCESSES)
        ]
        answers = [(process.wait(timeout=120), *process.communicate()) for process in started]
        versions = asyncio.run(
            run(url, lambda conn: conn.exec_driver_sql("SELECT version_num FROM alembic_version").all())
        )
    assert answers == [(0, "Database at revision head.\n", "")] * PROCESSES
    assert versions == [(head,)]
