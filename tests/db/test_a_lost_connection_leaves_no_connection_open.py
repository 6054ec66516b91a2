"""README "PostgreSQL": once the server has ended a connection a request ran on, that
connection is dropped with every other one its pool kept from before. Dropped means closed:
the pool's idle connections at once, each connection another request holds once that request
gives it back, its work on it going on meanwhile. Before, the pool was only let go of
(`dispose(close=False)`): its connections stayed open on the server, each holding a server
process and one of its `max_connections`, until Python's garbage collector reached the pool.
The new pool's connections stay: a request of the old pool that finds its own connection lost
later drops nothing more."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from app.db.unavailable import ConnectionLost, connected
from tests import postgres

pytestmark = pytest.mark.skipif(
    "postgresql" not in postgres.engines_under_test(), reason="SQLite keeps no connection to a server"
)

# case -> (idle connections the pool keeps, connections other requests hold, which of them the
# server ends with the lost one)
CASES = {
    "the lost one alone": (0, 0, ""),
    "idle ones": (3, 0, ""),
    "idle ones, ended too": (3, 0, "idle"),
    "held ones": (0, 2, ""),
    "held ones, ended too": (0, 2, "held"),
    "idle and held ones": (3, 2, ""),
    "idle and held ones, the idle ones ended too": (3, 2, "idle"),
    "idle and held ones, all ended too": (3, 2, "idle held"),
}


def _on_the_cursor(sync: Connection, sql: str) -> object:
    """The one value `sql` reads, run on the driver's cursor as the hot statements are
    (app/db/compiled.py): its failure never reaches SQLAlchemy, `connected` alone finds the
    connection lost."""
    cursor = sync.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    cursor.execute(sql)
    return cursor.fetchone()[0]


async def _read(conn: AsyncConnection, sql: str) -> object:
    return await conn.run_sync(_on_the_cursor, sql)


async def _connected(admin: asyncpg.Connection, application_name: str) -> set[int]:
    """The server processes of the connections named `application_name`."""
    rows = await admin.fetch("SELECT pid FROM pg_stat_activity WHERE application_name = $1", application_name)
    return {row["pid"] for row in rows}


async def _still_open(admin: asyncpg.Connection, application_name: str, pids: set[int]) -> set[int]:
    """Which of `pids` are still connected: a server process whose client closed its
    connection ends a moment later, so those gone within a second count as closed."""
    for _ in range(20):
        left = pids & await _connected(admin, application_name)
        if not left:
            break
        await asyncio.sleep(0.05)
    return left


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
async def test_the_pool_of_a_lost_connection_is_closed(postgres_database: str, case: str) -> None:
    idle, held, ended = CASES[case]
    application_name = f"kanal-test-{uuid.uuid4().hex[:12]}"
    engine = create_async_engine(
        postgres_database, pool_size=10, connect_args={"server_settings": {"application_name": application_name}}
    )
    admin = await asyncpg.connect(postgres_database.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        # The pool before the loss stays referenced, as a long-lived server's is (in the garbage
        # collector's oldest generation): no collection closes its connections meanwhile.
        pool_before = engine.pool
        # `idle` connections opened at once and given back (the lost one is one more of them)
        opened, idle_pids = asyncio.Event(), set[int]()

        async def open_one() -> None:
            async with connected(engine) as conn:
                idle_pids.add(await _read(conn, "SELECT pg_backend_pid()"))
                if len(idle_pids) == idle + 1:
                    opened.set()
                await opened.wait()

        await asyncio.gather(*(open_one() for _ in range(idle + 1)))
        # Other requests hold `held` connections across the loss, then use them again.
        holding, lost, held_pids = asyncio.Event(), asyncio.Event(), set[int]()

        async def hold_one() -> object:
            try:
                async with connected(engine) as conn:
                    held_pids.add(await _read(conn, "SELECT pg_backend_pid()"))
                    if len(held_pids) == held:
                        holding.set()
                    await lost.wait()
                    return await _read(conn, "SELECT 1 + 1")
            except ConnectionLost:
                return "lost"

        holders = [asyncio.create_task(hold_one()) for _ in range(held)]
        if held:
            await holding.wait()
        with pytest.raises(ConnectionLost):
            async with connected(engine) as conn:
                lost_pid = await _read(conn, "SELECT pg_backend_pid()")
                idle_pids -= held_pids | {lost_pid}  # the held ones may be some of the pool's
                ending = {lost_pid}
                ending |= idle_pids if "idle" in ended else set()
                ending |= held_pids if "held" in ended else set()
                for pid in ending:
                    await admin.execute("SELECT pg_terminate_backend($1, 5000)", pid)
                await _read(conn, "SELECT 1")
        # the idle ones are closed at once
        assert await _still_open(admin, application_name, idle_pids) == set()
        # the next request runs on a new connection, which its pool keeps
        async with connected(engine) as conn:
            new_pid = await _read(conn, "SELECT pg_backend_pid()")
        assert new_pid not in idle_pids | held_pids | {lost_pid}
        lost.set()
        # the held ones served their requests to the end (or found their own connection
        # ended), and are closed once given back; the new pool's connection stays
        assert await asyncio.gather(*holders) == ["lost" if "held" in ended else 2] * held
        assert await _still_open(admin, application_name, held_pids) == set()
        assert await _connected(admin, application_name) >= {new_pid}
        assert pool_before is not engine.pool
    finally:
        await engine.dispose()
        await admin.close()
