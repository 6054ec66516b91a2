"""Reads never stall the event loop (issue 12): on SQLite every read runs on a reader thread,
a small one on the small lane, one past the small budget on the large lane, while the loop
goes on committing writes; on both engines a read past its time budget is stopped with
`ReadTimedOut` and the next read works."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, func, insert, select

from app.config import Settings
from app.db import tables
from app.db.database import Database
from app.db.read_budget import ReadTimedOut

NOW = datetime(2026, 5, 18, 10, 0, tzinfo=UTC)
BUDGET = 2.0  # seconds: every slow read below would run for hours without it; the heavy one takes
# about 0.05 s, so a loaded machine (2 cores, the suite in two processes) leaves it far inside

# Counting 50,000 rows: about 850,000 VM steps, far past the small-read budget of 20,000.
HEAVY_SQLITE = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 50000) SELECT count(*) FROM n"
# Reads that never end on their own.
ENDLESS = {
    "sqlite": "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n",
    "postgresql": "SELECT count(*) FROM generate_series(1, 1000000000000)",
}


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(Settings(database_url=database_url, read_timeout_seconds=BUDGET, sqlite_readers=1))
    yield database
    await database.dispose()


def _add_store(conn: Connection, store_id: int) -> int:
    conn.execute(insert(tables.stores).values(id=store_id, name="S", status="active", region="FR", created_at=NOW))
    return store_id


def _store_count(conn: Connection) -> int:
    return int(conn.scalar(select(func.count()).select_from(tables.stores)) or 0)


async def test_a_heavy_read_runs_on_a_thread_while_the_loop_commits_writes(db: Database) -> None:
    if db.dialect != "sqlite":
        pytest.skip("PostgreSQL reads run on the server; the loop only awaits them")
    on_thread, release = threading.Event(), threading.Event()

    def heavy_then_held(conn: Connection) -> int:
        conn.exec_driver_sql(HEAVY_SQLITE).scalar()  # past the small budget: runs again on the large lane
        on_thread.set()
        release.wait(10)  # inline, this would hold the loop: the writes below could not run
        return threading.current_thread().name

    read = asyncio.create_task(db.read(heavy_then_held))
    while not on_thread.is_set():
        await asyncio.sleep(0.001)
    written = [await db.write(_add_store, n) for n in (1, 2, 3)]
    assert await db.read(_store_count) == 3
    assert not read.done()
    release.set()
    assert (await read).startswith("kanal-large-reader-")
    assert written == [1, 2, 3]


def _thread_and_count(conn: Connection) -> tuple[str, int]:
    return threading.current_thread().name, _store_count(conn)


def _thread_after_heavy(conn: Connection) -> tuple[str, int]:
    return threading.current_thread().name, conn.exec_driver_sql(HEAVY_SQLITE).scalar()


@pytest.mark.parametrize(
    ("inline_steps", "work", "thread", "value"),
    [
        (0, _thread_and_count, "kanal-small-reader-", 1),
        (0, _thread_after_heavy, "kanal-large-reader-", 50_000),
        (20_000, _thread_and_count, "MainThread", 1),
        (20_000, _thread_after_heavy, "kanal-large-reader-", 50_000),
    ],
)
async def test_each_read_runs_in_its_lane(database_url: str, inline_steps: int, work, thread: str, value: int) -> None:
    db = Database(Settings(database_url=database_url, sqlite_inline_read_steps=inline_steps))
    try:
        if db.dialect != "sqlite":
            pytest.skip("PostgreSQL reads run on the server")
        await db.write(_add_store, 1)
        name, found = await db.read(work)
        assert (name.startswith(thread), found) == (True, value)
    finally:
        await db.dispose()


async def test_a_read_past_its_budget_is_stopped_and_the_next_read_works(db: Database) -> None:
    with pytest.raises(ReadTimedOut) as stopped:
        await db.read(lambda conn: conn.exec_driver_sql(ENDLESS[db.dialect]).scalar())
    assert stopped.value.seconds == BUDGET
    assert f"read time budget ({BUDGET:g} s)" in str(stopped.value)
    await db.write(_add_store, 1)
    assert await db.read(_store_count) == 1
    if db.dialect == "sqlite":  # the one reader thread is free again
        assert await db.read(lambda conn: conn.exec_driver_sql(HEAVY_SQLITE).scalar()) == 50_000


async def test_a_read_whose_caller_is_gone_frees_its_thread(database_url: str) -> None:
    db = Database(Settings(database_url=database_url, read_timeout_seconds=60, sqlite_readers=1))
    try:
        if db.dialect != "sqlite":
            pytest.skip("asyncpg cancels the statement itself")
        endless = asyncio.create_task(db.read(lambda conn: conn.exec_driver_sql(ENDLESS["sqlite"]).scalar()))
        await asyncio.sleep(0.05)
        endless.cancel()
        with pytest.raises(asyncio.CancelledError):
            await endless
        # One reader thread, and a budget of a minute: this read runs at once only because the
        # cancelled one was interrupted (else it would wait for that one's minute and time out).
        assert await db.read(lambda conn: conn.exec_driver_sql(HEAVY_SQLITE).scalar()) == 50_000
    finally:
        await db.dispose()


async def test_a_read_is_answered_at_its_budget_from_when_it_was_asked_for(db: Database) -> None:
    """The budget counts from `Database.read`, the wait for a reader thread included, and the
    caller is answered when it is spent, not when the thread lets go: here the one small-lane
    thread is held in Python (no statement for an interrupt to stop) by the first read, and the
    second waits behind it. Both are answered ReadTimedOut while the first is still held."""
    if db.dialect != "sqlite":
        pytest.skip("PostgreSQL stops each statement at the budget (statement_timeout), on the server")
    release, holding = threading.Event(), threading.Event()

    def held(conn: Connection) -> str:
        holding.set()
        release.wait(30)
        return "held to the end"

    first = asyncio.create_task(db.read(held))
    while not holding.is_set():
        await asyncio.sleep(0.001)
    queued = asyncio.create_task(db.read(_store_count))
    outcomes = await asyncio.gather(first, queued, return_exceptions=True)
    still_held = not release.is_set()
    release.set()
    assert [(type(outcome), getattr(outcome, "seconds", None)) for outcome in outcomes] == [(ReadTimedOut, BUDGET)] * 2
    assert still_held
    await db.write(_add_store, 1)
    assert await db.read(_store_count) == 1  # the thread let go of the held read and runs the next
