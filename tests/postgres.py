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
    dropped on the way out."""
    name = f"kanal_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    try:
        yield make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def truncate_all(url: str) -> None:
    tables = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables if table.name != "dispatch_lock")

    async def run() -> None:
        conn = await asyncpg.connect(_dsn(url))
        try:
            await conn.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        finally:
            await conn.close()

    asyncio.run(run())
