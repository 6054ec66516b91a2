"""The PostgreSQL side of the suite: a scratch database per run on the local server.

KANAL_TEST_ENGINES (default "sqlite,postgresql") chooses the engines; KANAL_TEST_POSTGRES_URL
(default postgresql+asyncpg://postgres@127.0.0.1:5432/postgres) names the server to use."""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import Iterator

import asyncpg
from sqlalchemy.engine import make_url

from app.db.tables import metadata

SERVER_URL = os.environ.get("KANAL_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")


def engines_under_test() -> list[str]:
    names = os.environ.get("KANAL_TEST_ENGINES", "sqlite,postgresql").split(",")
    return [name.strip() for name in names if name.strip()]


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(_dsn(SERVER_URL))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextlib.contextmanager
def scratch_database(template: str | None = None) -> Iterator[str]:
    """The URL of a new database (a copy of `template`, a database no one is connected to),
    dropped on the way out. Its commits do not wait for the WAL's flush (synchronous_commit
    off): a scratch database need not outlive a crash of the server, and the suite's commits
    would otherwise each wait for a disk write."""
    name = f"kanal_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    try:
        asyncio.run(_admin(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
        yield make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def truncate_all(url: str) -> None:
    """Empties every table and restarts every sequence, leaving the planner's statistics as a
    TRUNCATE leaves them. DELETE, not TRUNCATE: on tables of a few rows it is some fifty times
    faster (TRUNCATE gives each table a new file), and the suite empties the database before
    each of its PostgreSQL tests. kept_versions goes first: the triggers of the deletes after it
    stamp it again, as they would after a TRUNCATE. A TRUNCATE marks each table never counted
    (pg_class.reltuples -1), which the plans of a test's few rows depend on; a DELETE leaves the
    counts an earlier test's ANALYZE made, so they are reset (the server's superuser, as the
    suite's default KANAL_TEST_POSTGRES_URL is, may write pg_class)."""
    emptied = ["kept_versions"] + [
        table.name for table in reversed(metadata.sorted_tables) if table.name not in ("dispatch_lock", "kept_versions")
    ]
    deletes = "; ".join(f'DELETE FROM "{name}"' for name in emptied)
    script = (
        f"BEGIN; {deletes}; "
        "UPDATE pg_class SET relpages = 0, reltuples = -1, relallvisible = 0 "
        "WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r'; "
        "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, false) FROM pg_sequences "
        "WHERE schemaname = current_schema(); COMMIT"
    )

    async def run() -> None:
        conn = await asyncpg.connect(_dsn(url))
        try:
            await conn.execute(script)
        finally:
            await conn.close()

    asyncio.run(run())
