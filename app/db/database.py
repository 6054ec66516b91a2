"""Engines and transactions: one write transaction per command, reads beside it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from app.config import Settings

from .types import dumps, loads


class Database:
    """Owns the engines. On SQLite, writes go through one connection guarded by an
    asyncio lock (SQLite has one writer at a time; queueing in-process beats busy-waiting),
    and each write transaction starts with BEGIN IMMEDIATE so that another process holding
    the write lock makes us wait (busy_timeout) instead of failing on lock upgrade."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.url = make_url(settings.database_url)
        self.dialect = self.url.get_backend_name()
        if self.dialect == "sqlite":
            self._ensure_sqlite_directory()
            self.write_engine = self._sqlite_engine(pool_size=1, begin="BEGIN IMMEDIATE")
            self.read_engine = self._sqlite_engine(pool_size=4, begin="BEGIN")
            self._write_lock: asyncio.Lock | None = asyncio.Lock()
        else:
            self.write_engine = create_async_engine(
                self.url, pool_size=10, max_overflow=10, json_serializer=dumps, json_deserializer=loads
            )
            self.read_engine = self.write_engine
            self._write_lock = None

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """One write transaction: committed when the block ends, rolled back on error."""
        lock = self._write_lock or contextlib.nullcontext()
        async with lock:
            async with self.write_engine.begin() as conn:
                yield conn

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        async with self.read_engine.connect() as conn:
            yield conn

    async def ping(self) -> bool:
        try:
            async with self.read() as conn:
                await conn.exec_driver_sql("SELECT 1")
            return True
        except Exception:
            return False

    async def dispose(self) -> None:
        await self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            await self.read_engine.dispose()

    def _ensure_sqlite_directory(self) -> None:
        from pathlib import Path

        if self.url.database and self.url.database != ":memory:":
            Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)

    def _sqlite_engine(self, pool_size: int, begin: str) -> AsyncEngine:
        engine = create_async_engine(
            self.url,
            pool_size=pool_size,
            max_overflow=0,
            json_serializer=dumps,
            json_deserializer=loads,
        )
        pragmas = (
            "PRAGMA journal_mode=WAL",
            f"PRAGMA synchronous={self.settings.sqlite_synchronous}",
            f"PRAGMA busy_timeout={int(self.settings.sqlite_busy_timeout_ms)}",
            "PRAGMA foreign_keys=ON",
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
            cursor = dbapi_connection.cursor()
            for pragma in pragmas:
                cursor.execute(pragma)
            cursor.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _on_begin(conn: Any) -> None:
            conn.exec_driver_sql(begin)

        return engine
