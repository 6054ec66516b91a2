"""A database that cannot serve a request now is no bug: the request gets 503, not 500.

What counts: a PostgreSQL server that refuses connections (down, restarting, out of
connection slots) or ended the one a request ran on; a SQLite file that cannot be opened, is
still locked by another process's write past `KANAL_SQLITE_BUSY_TIMEOUT_MS`, or sits on a
full, read-only or failing disk. The request raises `DatabaseUnavailable`: REST answers 503
with `Retry-After`, GraphQL a top-level error with code DATABASE_UNAVAILABLE, and the log has
one warning line with the cause (never in the answer).

Connections the PostgreSQL server ended (a restart, a failover, `pg_terminate_backend`, an
idle timeout) are dropped first, and the operation runs again on a new one. A pool keeps
connections between requests; once the server has ended them each one fails the next
statement sent on it. SQLAlchemy notices that for the statements it runs itself, but the hot
statements run on the driver's cursor (`compiled.py`) and their errors never reach it: the
dead connection went back to the pool and failed every request that took it. So a failed
operation asks its connection whether it is still open (asyncpg knows); if not, that
connection is invalidated, every other one the pool kept from before is closed with it
(they were opened to the same server: the idle ones at once, those other requests hold once
given back), and the caller runs the operation again (`ConnectionLost`). Writes are safe to
run again (idempotent upserts), reads always are.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from threading import Thread
from typing import Any, cast

import aiosqlite
from sqlalchemy import Engine, event, pool
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry, Pool
from sqlalchemy.util import greenlet_spawn

RETRY_AFTER_SECONDS = 5
_SQLITE_BUSY = 5
# SQLite's primary result codes for a database that cannot serve now (sqlite.org/rescode.html)
_SQLITE_UNAVAILABLE = {
    _SQLITE_BUSY: "busy",  # SQLITE_BUSY: another connection's write held the lock past busy_timeout
    6: "locked",  # SQLITE_LOCKED
    8: "read-only",  # SQLITE_READONLY: the file or its directory cannot be written
    10: "I/O error",  # SQLITE_IOERR
    13: "full",  # SQLITE_FULL: the disk is full
    14: "cannot open",  # SQLITE_CANTOPEN: the file or its directory is missing
    26: "not a database",  # SQLITE_NOTADB: DATABASE_URL names a file that is no SQLite database
}


class DatabaseUnavailable(Exception):
    """The database cannot serve this request now; `cause` says why (for the log only)."""

    retry_after = True  # whether sending the request again later may succeed
    answer = (
        "The database is unavailable right now. Try again in a few seconds; sending a write "
        "again is safe (writes are idempotent upserts)."
    )

    def __init__(self, cause: BaseException):
        self.cause = described(cause)
        super().__init__(self.answer)


class ReadOnlyUrl(Exception):
    """DATABASE_URL opens the SQLite database read-only: the cause of `DatabaseReadOnly`."""

    def __init__(self) -> None:
        super().__init__("DATABASE_URL opens the database read-only (mode=ro or immutable): a write is refused")


class DatabaseReadOnly(DatabaseUnavailable):
    """A write to a database DATABASE_URL opens read-only (`file:PATH?mode=ro&uri=true`): refused
    before it runs, for as long as the process runs (no `Retry-After`: the same URL never writes)."""

    retry_after = False
    answer = "The database is opened read-only (mode=ro or immutable in DATABASE_URL): this server takes no writes."

    def __init__(self) -> None:
        super().__init__(ReadOnlyUrl())


class DatabaseFileGone(Exception):
    """The SQLite file at the path the process opened is gone, or is another file (deleted,
    moved or re-created under the running process): its connections still hold the old one."""

    def __init__(self, path: str):
        super().__init__(f"the database file {path} was deleted or replaced under the running process: restart it")


class DatabaseFileReplaced(DatabaseUnavailable):
    """A write while `DatabaseFileGone`: unavailable until the operator restarts the server, not
    for a few seconds, which is what the answer says (`Retry-After` kept: the write is safe to
    send again, and a client polling for the restart waits that long between tries)."""

    answer = (
        "The database is unavailable until the service is restarted: its database file was deleted or "
        "replaced under it. Sending a write again then is safe (writes are idempotent upserts)."
    )

    def __init__(self, path: str):
        super().__init__(DatabaseFileGone(path))


def described(cause: BaseException) -> str:
    """`Type: message` of the driver's own error under `cause`, on one line, for the log's one
    warning line (README, "When the database is unavailable"): SQLAlchemy's error adds lines of
    its own, a link (`(Background on this error at: …)`) and, for a statement, its SQL and
    parameters, which carry a request's personal data (phones, emails). E.g. `DBAPIError` of a
    server refusing the database -> `ObjectNotInPrerequisiteStateError: database "kanal" is not
    currently accepting connections`; `ConnectionRefusedError: [Errno 111] …` stays as it is."""
    error = getattr(cause, "orig", None) or cause
    if type(error).__module__.startswith("sqlalchemy.") and error.__cause__ is not None:
        error = error.__cause__  # SQLAlchemy's adapter of asyncpg raises from asyncpg's error
    return " ".join(f"{type(error).__name__}: {error}".split())


class ConnectionLost(DatabaseUnavailable):
    """The server ended the connection an operation ran on; the pool has been renewed, and the
    operation may run again on a new connection."""


def _sqlite_error(exc: BaseException) -> tuple[sqlite3.Error, int] | None:
    """SQLite's own error under `exc` (raised through SQLAlchemy, or straight from the cursor)
    and its primary result code, or None for any other error."""
    error = getattr(exc, "orig", exc)
    code = getattr(error, "sqlite_errorcode", None)
    return (error, code & 0xFF) if isinstance(error, sqlite3.Error) and code is not None else None


def sqlite_unavailable(exc: BaseException) -> DatabaseUnavailable | None:
    """`DatabaseUnavailable` for a SQLite error of `_SQLITE_UNAVAILABLE`, else None."""
    found = _sqlite_error(exc)
    return DatabaseUnavailable(found[0]) if found is not None and found[1] in _SQLITE_UNAVAILABLE else None


def sqlite_busy(exc: BaseException) -> bool:
    """True when `exc` is SQLite's SQLITE_BUSY (another connection holds the lock)."""
    found = _sqlite_error(exc)
    return found is not None and found[1] == _SQLITE_BUSY


@contextmanager
def sqlite_can_serve() -> Iterator[None]:
    """Turns a SQLite error of `_SQLITE_UNAVAILABLE` raised in the block into `DatabaseUnavailable`."""
    try:
        yield
    except Exception as exc:
        unavailable = sqlite_unavailable(exc)
        if unavailable is None:
            raise
        raise unavailable from exc


def one_off_engine(url: str) -> AsyncEngine:
    """An engine for the one connection of a command under `asyncio.run` (`kanal db upgrade`,
    the check before `kanal serve` and `kanal worker`): no pool. On SQLite, a connection that
    fails to open waits for aiosqlite's thread of it to end: aiosqlite tells that thread to
    stop without waiting for it, and the thread then hands a result to the event loop, which
    `asyncio.run`, returning with the error, may have closed by then: the thread would die
    with `RuntimeError: Event loop is closed`, a traceback on stderr of a process that goes on
    (the check before `kanal serve`)."""
    engine = create_async_engine(url, poolclass=pool.NullPool)
    if engine.dialect.driver == "aiosqlite":

        @event.listens_for(engine.sync_engine, "do_connect")
        def _connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
            return dialect.dbapi.connect(*cargs, async_creator_fn=_aiosqlite_connect, **cparams)

    return engine


async def _aiosqlite_connect(*args: Any, **kwargs: Any) -> aiosqlite.Connection:
    connection = aiosqlite.connect(*args, **kwargs)
    thread = cast(Thread, getattr(connection, "_thread", connection))  # before aiosqlite 0.22: the connection
    thread.daemon = True  # as SQLAlchemy's own aiosqlite connect does
    try:
        return await connection
    except Exception:  # aiosqlite has told the thread to stop
        await asyncio.to_thread(thread.join)  # it ends once it has handed its result
        raise


@asynccontextmanager
async def connected(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection of `engine`'s pool; `DatabaseUnavailable` when none can be had (the server
    refuses, is starting, has no connection slot left). A failure of the work done on it that
    came from the server having ended it raises `ConnectionLost` (see the module)."""
    conn = engine.connect()
    taken_from = engine.pool  # the pool `start` takes the connection from (nothing runs in between)
    try:
        await conn.start()
    except Exception as exc:
        raise DatabaseUnavailable(exc) from exc
    try:
        yield conn
    except Exception as exc:
        await _raise_if_lost(engine, taken_from, conn, exc)
        raise
    finally:
        await conn.close()


async def _raise_if_lost(engine: AsyncEngine, taken_from: Pool, conn: AsyncConnection, exc: BaseException) -> None:
    sync = conn.sync_connection
    if sync is None or sync.closed:
        return
    if not sync.invalidated:  # else SQLAlchemy saw it itself, and renewed the pool
        driver_error: Any = getattr(exc, "orig", exc)
        if not engine.dialect.is_disconnect(driver_error, sync.connection.dbapi_connection, None):
            return
        await conn.invalidate()
        if taken_from is engine.pool:  # else another request found the server gone, and dropped that pool
            await greenlet_spawn(_drop_pool, engine.sync_engine)
    raise ConnectionLost(exc) from exc


def _drop_pool(engine: Engine) -> None:
    """Gives `engine` a new pool and closes every connection of its old one, which were the
    lost connection's server's: those the pool keeps idle at once, each one a request holds
    when that request gives it back (its work on it goes on meanwhile). Not only let go of
    (`Engine.dispose(close=False)`): the old pool's connections would stay open on the server,
    a server process and a slot of its `max_connections` each, uncounted by the new pool and
    not closed at shutdown, until the garbage collector reaches the old pool. Runs in
    SQLAlchemy's greenlet (closing an asyncpg connection awaits)."""
    old = engine.pool
    engine.dispose(close=False)  # first: the new pool takes over the old one's listeners
    event.listen(old, "close", _close_at_once)
    event.listen(old, "checkin", _close_given_back)
    old.dispose()  # closes the idle ones


def _close_at_once(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    """Before the pool closes `record`'s connection, asyncpg's `terminate` closes its socket:
    a close that waits for the server's answer (the pool's own, a ROLLBACK then a Terminate
    message) would hold the request for as long as an unreachable server does not answer
    (a failover)."""
    driver = record.driver_connection
    if driver is not None and not driver.is_closed():
        driver.terminate()


def _close_given_back(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    """A connection given back to a dropped pool is closed (then `_close_at_once`), not kept."""
    record.invalidate()
