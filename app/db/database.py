"""Runs the domain's transaction functions on SQLite or PostgreSQL.

A transaction is a plain function `work(conn, *args)` over a SQLAlchemy Connection:

- PostgreSQL: the async engine (asyncpg). Writes are grouped as on SQLite (postgres.py:
  `GroupedWrites`, several groups in flight, each run by one `run_sync` on one connection);
  reads run with `run_sync`, in autocommit.
- SQLite: every aiosqlite statement is a thread hop (about 70 µs here), and a writer thread
  fights the event loop for the GIL; a statement of ours costs SQLite itself 5-20 µs. So
  write transactions run inline on the event loop, on one write connection. Reads run on
  reader threads, a lane for small reads and one for large ones, so that a dashboard never
  stalls the loop (readers.py; WAL: a reader never waits for the writer), under a time
  budget on both engines (read_budget.py). Writes are
  grouped: every request that reaches its write within two turns of the loop joins one
  transaction with one COMMIT (group commit), and each caller is answered only after that
  COMMIT. A group takes the write lock without waiting: while another process holds it,
  the group stays pending and tries again from the loop (up to the busy timeout), so that
  the loop never sleeps in SQLite's busy handler. WAL checkpoints run on a thread of their
  own (checkpoint.py).

The Database also owns what is kept between requests: `auth_rows`, the key and store rows
authorisation reads (kept.py), which it forgets on every change to those tables (SQLite:
TEMP triggers and data_version; PostgreSQL: a version row kept by triggers, postgres.py).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Coroutine
from functools import partial
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

from sqlalchemy import Connection, Engine, RootTransaction, Table, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import QueuePool, StaticPool

from app.config import Settings, SqliteFile, sqlite_file
from app.domain.errors import DomainError

from . import cannot_serve, key_locks, sqlite_binds, summaries, together
from .checkpoint import Checkpointer
from .kept import KeptRows
from .postgres import GroupedWrites, KeptVersions
from .read_budget import ReadTimedOut, budget_each_connection, is_postgres_timeout
from .readers import Readers, settle
from .tables import api_keys, metadata, stores
from .types import dumps, loads
from .unavailable import (
    ConnectionLost,
    DatabaseFileReplaced,
    DatabaseReadOnly,
    connected,
    sqlite_busy,
    sqlite_can_serve,
    sqlite_unavailable,
)

T = TypeVar("T")
Work = Callable[..., T]
Job = tuple[Work[Any], tuple[Any, ...], asyncio.Future[Any]]

# Seconds a health probe's ping may take on PostgreSQL (connecting included) before the
# database counts as unreachable; the SQLite ping runs inline and waits for nothing.
PING_SECONDS = 2.0
PING_APPLICATION_NAME = "kanal-healthz"  # the health probe's connection, on PostgreSQL
# Seconds between a SQLite write group's attempts at the write lock while another process
# holds it: the first pause, doubled at each attempt up to the last.
FIRST_LOCK_PAUSE = 0.001
LAST_LOCK_PAUSE = 0.05


class WriteContractBroken(RuntimeError):
    """A write job raised an expected failure instead of returning it (see `Database.write`)."""


def _within_contract(work: Work[T], conn: Connection, *args: Any) -> T:
    try:
        return work(conn, *args)
    except DomainError as exc:
        name = getattr(work, "__qualname__", repr(work))
        raise WriteContractBroken(
            f"{name} raised {type(exc).__name__} ({exc}) inside a write: return it, and let the service raise it "
            "after the transaction (services.results.settled)"
        ) from exc


def _probe() -> str:
    """The health probe: every column of every Kanal table named, no row read. It fails on a
    database without the tables and on one an earlier release migrated (a column or table this
    release uses missing), as the requests would; quoted names read alike on both engines."""

    def named(table: Table) -> str:
        columns = ", ".join(f'"{column.name}"' for column in table.columns)
        return f"SELECT 1 FROM (SELECT {columns} FROM {table.name} LIMIT 0) AS {table.name}_seen"

    return " UNION ALL ".join(named(table) for table in metadata.sorted_tables)


PROBE = _probe()


def _raise_if_cannot_serve(exc: Exception) -> None:
    """`DatabaseUnavailable` from `exc` when it says the database cannot serve now though the
    request is fine (`cannot_serve`: its tables missing, writes still conflicting)."""
    unavailable = cannot_serve.unavailable(exc)
    if unavailable is not None:
        raise unavailable from exc


class Database:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.url = make_url(settings.database_url)
        self.dialect = self.url.get_backend_name()
        self._backend: _SqliteBackend | _AsyncBackend
        if self.dialect == "sqlite":
            self._backend = _SqliteBackend(self.url, settings)
        else:
            self._backend = _AsyncBackend(self.url, settings)
        # The key and store rows authorisation reads (services/keys.py), kept between requests
        # and forgotten on any change to those tables (kept.py).
        version: Callable[[], int | None | Awaitable[int | None]] = (
            partial(self._backend.kept_version, "auth_rows")
            if isinstance(self._backend, _AsyncBackend)
            else self._backend.kept_version
        )
        self.auth_rows = KeptRows("auth_rows", (api_keys.name, stores.name), version)
        self._backend.watch(self.auth_rows)
        self._beside: set[asyncio.Task[None]] = set()

    async def write(self, work: Work[T], *args: Any) -> T:
        """Run `work(conn, *args)` in one write transaction; committed when this returns.

        The write contract, which every work function keeps:
        - SQL only: it runs on the event loop (SQLite) inside a transaction it may share with
          other requests' work (group commit), so it never awaits, sleeps or does I/O but SQL.
        - Safe to run again from the start: a group that fails is rolled back and each work
          re-runs alone; on PostgreSQL a concurrent conflict re-runs it.
        - Expected failures are returned, not raised: input is validated into a command before
          the write; what only the database can tell (an unknown order to PATCH, a shipment's
          missing order) comes back as a `DomainError` value that the service raises once the
          transaction is over (`services.results.settled`). A raised exception is a bug or an
          engine failure, and costs the work's group a rollback and a re-run of each work alone;
          a `DomainError` raised inside a work breaks this contract and is reported as
          `WriteContractBroken` (a bug to fix, answered as an internal error).
        """
        try:
            return await self._backend.write(work, *args)
        except Exception as exc:
            _raise_if_cannot_serve(exc)
            raise

    async def write_alone(self, work: Work[T], *args: Any) -> T:
        """As `write`, in a transaction of its own: on PostgreSQL not grouped with other writes
        (so that several run at once, on connections of their own, and a conflict with a
        concurrent one re-runs it); on SQLite as `write` (one writer: grouping costs nothing)."""
        if not isinstance(self._backend, _AsyncBackend):
            return await self.write(work, *args)
        try:
            return await self._backend.write_alone(work, *args)
        except Exception as exc:
            _raise_if_cannot_serve(exc)
            raise

    async def read(self, work: Work[T], *args: Any) -> T:
        """Run `work(conn, *args)` on a read connection: SQL only, changing nothing (it may be run
        again from the start). Raises `ReadTimedOut` past the read budget
        (`Settings.read_timeout_seconds`, read_budget.py)."""
        try:
            return await self._backend.read(work, *args)
        except Exception as exc:
            _raise_if_cannot_serve(exc)
            raise

    @property
    def engines(self) -> list[Engine]:
        """The synchronous engines statements run on (to observe them, e.g. count statements)."""
        return self._backend.engines

    async def ping(self) -> bool:
        """True when the database answers `PROBE` (the health probe, /healthz): reachable, and
        holding this release's tables and columns (one emptied or re-created under the server,
        or one an earlier release migrated, serves no request, and says so: `cannot_serve`).
        Never waits behind reads or writes, and is bounded on its own (PING_SECONDS): a reads'
        lane full of dashboards' queries must not make a reachable database look down."""
        return await self._backend.ping()

    def beside(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` in a task of its own, which no request waits for (e.g. ANALYZE,
        statistics.py), and which `dispose` waits for. `work` handles its own failures."""
        task = asyncio.get_running_loop().create_task(work)
        self._beside.add(task)
        task.add_done_callback(self._beside.discard)

    async def beside_done(self) -> None:
        """Once the work run `beside` the requests so far is done."""
        if self._beside:
            await asyncio.wait(self._beside)

    async def dispose(self) -> None:
        """Once the work run `beside` the requests is done."""
        await self.beside_done()
        await self._backend.dispose()


class _AsyncBackend:
    def __init__(self, url: URL, settings: Settings):
        self.engine = create_async_engine(
            url, pool_size=10, max_overflow=10, json_serializer=dumps, json_deserializer=loads
        )
        # Reads send no BEGIN/ROLLBACK (two round trips fewer): each statement is its own
        # snapshot, as on SQLite. Their own pool, whose connections carry the read budget
        # (statement_timeout, set once when each connects: read_budget.py).
        self._read_timeout = settings.read_timeout_seconds
        self._read_engine = create_async_engine(
            url,
            pool_size=5,
            max_overflow=10,
            isolation_level="AUTOCOMMIT",
            json_serializer=dumps,
            json_deserializer=loads,
        )
        budget_each_connection(self._read_engine, self._read_timeout)
        # The health probe's own connection, kept between pings (a probe every second opens no
        # connection, nor a server process, each time), checked before each use and replaced
        # when the server closed it (a restart, an idle timeout); in autocommit (no BEGIN).
        # Named, so that an operator tells it apart in pg_stat_activity.
        self._ping_engine = create_async_engine(
            url,
            pool_size=1,
            max_overflow=0,
            pool_timeout=PING_SECONDS,
            pool_pre_ping=True,
            isolation_level="AUTOCOMMIT",
            connect_args={"server_settings": {"application_name": PING_APPLICATION_NAME}},
        )
        self._writes = GroupedWrites(self.engine)
        summaries.watch(self.engine.sync_engine)  # order summaries written at each COMMIT
        self._versions = KeptVersions(self.engine)

    def watch(self, kept: KeptRows) -> None:
        """Nothing to install: the triggers of migration 0009 version every change."""

    async def kept_version(self, name: str) -> int | None:
        """The version of the kept rows `name` (their row of `kept_versions`), read at most
        once per turn of the loop; None (keep nothing) before migration 0009."""
        return await self._versions.read(name)

    @property
    def engines(self) -> list[Engine]:
        return [self.engine.sync_engine, self._read_engine.sync_engine]

    async def write(self, work: Work[T], *args: Any) -> T:
        """In a transaction shared with the writes that arrive with it (postgres.GroupedWrites),
        which takes the keys `work` declared (`key_locks.declare`) first."""
        keys = partial(key_locks.keys_of, work, args)
        return await self._writes.run(partial(_within_contract, work), *args, keys=keys)

    async def write_alone(self, work: Work[T], *args: Any) -> T:
        keys = partial(key_locks.keys_of, work, args)
        return await self._writes.alone(partial(_within_contract, work), *args, keys=keys)

    async def read(self, work: Work[T], *args: Any) -> T:
        """Once more on a new connection when the server had ended the pool's (`unavailable`)."""
        try:
            return await self._read(work, *args)
        except ConnectionLost:
            return await self._read(work, *args)

    async def _read(self, work: Work[T], *args: Any) -> T:
        try:
            async with connected(self._read_engine) as conn:
                return await conn.run_sync(work, *args)
        except Exception as exc:  # wrapped (DBAPIError) or, from compiled statements, asyncpg's own
            if is_postgres_timeout(exc):
                raise ReadTimedOut(self._read_timeout) from None
            raise

    async def ping(self) -> bool:
        """On a connection of its own, not the read pool's (which slow reads may all hold)."""
        try:
            async with asyncio.timeout(PING_SECONDS), self._ping_engine.connect() as conn:
                await conn.exec_driver_sql(PROBE)
            return True
        except Exception:  # unreachable, refused, or past PING_SECONDS (TimeoutError)
            return False

    async def dispose(self) -> None:
        await self._writes.drain()
        await self._versions.close()
        await self.engine.dispose()
        await self._read_engine.dispose()
        await self._ping_engine.dispose()


def opening_uri(file: SqliteFile) -> str:
    """The SQLite URI the server opens `file` with (sqlite.org/uri.html): its own parameters,
    and `mode=rw` unless it is read-only: a file that is not there (deleted under the server)
    is SQLITE_CANTOPEN, a 503, not a new empty database (only `kanal db upgrade` creates one).
    `file.path` is not None."""
    assert file.path is not None
    query = dict(file.query)
    if query.get("mode") in (None, "rwc"):
        query["mode"] = "rw"
    return f"file:{quote(os.path.abspath(file.path))}?{urlencode(query)}"


def _file_identity(path: str) -> tuple[int, int] | None:
    """The device and inode of the file at `path`, or None when there is none."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


class _SqliteBackend:
    def __init__(self, url: URL, settings: Settings):
        sync_url = url.set(drivername="sqlite")
        sqlite_binds.register()
        self._settings = settings
        self._file = sqlite_file(url)
        # The device and inode of the file the write connection opened (`_writer`): the path's
        # file is compared with it, which the connections keep open when it is deleted.
        self._opened: tuple[int, int] | None = None
        self._checkpointer = _checkpointer(self._file, settings)
        # BEGIN IMMEDIATE: the write lock is taken first, instead of failing later on lock
        # upgrade; while another process holds it a group waits off the loop (_begin_at_once).
        self._write_engine = self._engine(sync_url, begin="BEGIN IMMEDIATE", autocheckpoint=self._checkpointer is None)
        summaries.watch(self._write_engine)  # order summaries written at each COMMIT
        # Reads send no BEGIN: each statement is its own snapshot, two statements fewer. One
        # connection per reader thread (two lanes), one for reads inline on the loop.
        readers = max(1, settings.sqlite_readers)
        self._read_engine = self._engine(sync_url, begin=None, connections=2 * readers + 1)
        self._readers = Readers(
            self._read_engine,
            readers,
            settings.read_timeout_seconds,
            small_steps=settings.sqlite_small_read_steps,
            inline_steps=settings.sqlite_inline_read_steps,
        )
        self._write_conn: Connection | None = None
        self._data_version: int | None = None
        self._pending: list[Job] = []
        # While the pending group waits for another process's write lock: when it first found
        # the lock held (loop.time()), and the pause before its next attempt (seconds).
        self._busy_since: float | None = None
        self._lock_pause = FIRST_LOCK_PAUSE
        self._busy_timeout = settings.sqlite_busy_timeout_ms / 1000
        self._kept: list[KeptRows] = []
        self._watching = False  # the write connection has the triggers of every KeptRows

    def _engine(self, url: URL, begin: str | None, autocheckpoint: bool = True, connections: int = 1) -> Engine:
        pool: dict[str, Any] = (
            {"poolclass": StaticPool}  # one connection, used by one thread at a time
            if connections == 1
            else {"poolclass": QueuePool, "pool_size": connections, "max_overflow": 0}  # each kept by one thread
        )
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False},
            json_serializer=dumps,
            json_deserializer=loads,
            **pool,
        )
        if self._file.path is not None:

            @event.listens_for(engine, "do_connect")
            def _without_creating(_dialect: Any, _record: Any, cargs: list[Any], cparams: dict[str, Any]) -> None:
                cargs[0], cparams["uri"] = opening_uri(self._file), True

        pragmas: tuple[str, ...] = (
            "PRAGMA journal_mode=WAL",
            f"PRAGMA synchronous={self._settings.sqlite_synchronous}",
            f"PRAGMA busy_timeout={int(self._settings.sqlite_busy_timeout_ms)}",
            "PRAGMA foreign_keys=ON",
            "PRAGMA case_sensitive_like=ON",  # ids are case-sensitive, as on PostgreSQL
        )
        if not autocheckpoint:
            pragmas += ("PRAGMA wal_autocheckpoint=0",)  # the Checkpointer's thread does it

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
            for pragma in pragmas:
                dbapi_connection.execute(pragma)

        if begin is not None:

            @event.listens_for(engine, "begin")
            def _on_begin(conn: Connection) -> None:
                conn.exec_driver_sql(begin)

        return engine

    @property
    def engines(self) -> list[Engine]:
        return [self._write_engine, self._read_engine]

    async def read(self, work: Work[T], *args: Any) -> T:
        with sqlite_can_serve():
            return await self._readers.read(work, *args)

    async def ping(self) -> bool:
        """On the write connection, inline on the loop: the reader threads may all be held by
        slow reads. Safe: only the loop uses that connection, and between two write groups no
        transaction is open on it. Cheap: `PROBE` on the raw connection sends no BEGIN and
        takes no lock, so it waits for neither readers nor another process's writer; only the
        first use opens the file. False too when the path no longer holds the file opened
        (`_writer`): the connection would answer from a deleted file."""
        try:
            self._writer().connection.dbapi_connection.execute(PROBE).fetchone()  # type: ignore[union-attr]
            return True
        except Exception:  # e.g. the file cannot be opened, or is gone
            return False

    async def write(self, work: Work[T], *args: Any) -> T:
        """`DatabaseReadOnly` at once on a read-only URL; else `_write`."""
        if self._file.read_only:
            raise DatabaseReadOnly()
        return await self._write(work, *args)

    async def _write(self, work: Work[T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._pending.append((work, args, future))
        if len(self._pending) == 1:
            # The COMMIT waits two turns of the loop: every request that reaches its write in
            # this turn or the next joins the same transaction. Requests whose bodies came in
            # with the same poll get there one turn apart; one turn alone left groups of ~14
            # orders where two give ~30, and a COMMIT costs nearly the same for either.
            loop.call_soon(loop.call_soon, self._commit_pending)
        return await future

    def _writer(self) -> Connection:
        """The write connection, opened on first use; `DatabaseUnavailable` when the file cannot
        be opened (unavailable.py), or when the path no longer holds the file it opened
        (`DatabaseFileGone`: deleted or replaced under the server; a write there would be lost
        with the deleted file). The path is looked at once per use (a `stat`, microseconds)."""
        if self._write_conn is None:
            with sqlite_can_serve():
                self._write_conn = self._write_engine.connect()
            self._watching = False
            self._opened = self._identity()
        elif self._identity() != self._opened:
            raise DatabaseFileReplaced(str(self._file.path))
        return self._write_conn

    def _identity(self) -> tuple[int, int] | None:
        return None if self._file.path is None else _file_identity(self._file.path)

    def watch(self, kept: KeptRows) -> None:
        """Make every change this process writes to `kept.tables` call `kept.forget`."""
        self._kept.append(kept)
        self._watching = False

    def kept_version(self) -> int | None:
        """The version rows are kept under: `data_version`, or None (keep nothing) while the
        write connection cannot watch every kept table yet (a database not migrated yet)."""
        if not self._watching:
            self._watching = self._install_triggers()
            if not self._watching:
                return None
        return self.data_version()

    def _install_triggers(self) -> bool:
        """On the write connection, which every write of this process goes through: a SQL
        function per KeptRows that calls its `forget`, and TEMP triggers (this connection's
        own, gone with it) that call it after each INSERT, UPDATE or DELETE of its tables.
        False when a table does not exist yet."""
        raw: Any = self._writer().connection.dbapi_connection
        tables = {name for (name,) in raw.execute("SELECT name FROM main.sqlite_master WHERE type = 'table'")}
        if not all(table in tables for kept in self._kept for table in kept.tables):
            return False
        for kept in self._kept:
            function = f"kanal_forget_{kept.name}"
            raw.create_function(function, 0, kept.forget)
            for table in kept.tables:
                for change in ("INSERT", "UPDATE", "DELETE"):
                    raw.execute(
                        f"CREATE TEMP TRIGGER IF NOT EXISTS {function}_after_{change.lower()}_on_{table} "
                        f"AFTER {change} ON main.{table} BEGIN SELECT {function}(); END"
                    )
            kept.forget()  # kept before this connection watched: not to be trusted
        return True

    def data_version(self) -> int:
        """Read on the write connection (its own commits leave it unchanged, only other
        connections' change it), at most once per turn of the event loop: the requests one
        turn starts share a reading, and a change is seen from the next turn on."""
        if self._data_version is None:
            cursor = self._writer().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            self._data_version = int(cursor.execute("PRAGMA data_version").fetchone()[0])
            asyncio.get_running_loop().call_soon(self._forget_data_version)
        return self._data_version

    def _forget_data_version(self) -> None:
        self._data_version = None

    def _commit_pending(self) -> None:
        """Commit the pending group, or leave it pending while another process holds the write
        lock, trying again from the loop (`_wait_for_the_lock`); the writes that arrive
        meanwhile join it."""
        try:
            conn = self._writer()
        except Exception as exc:  # e.g. the file cannot be opened: no job of the group can run
            for _work, _args, future in self._take_group():
                settle(future, False, exc)
            return
        try:
            transaction = self._begin_at_once(conn)
        except Exception as exc:
            if self._wait_for_the_lock(exc):
                return
            group = self._take_group()
            self._answer(group, self._after_failure(conn, group, exc))
            return
        self._commit_group(conn, self._take_group(), transaction)

    def _take_group(self) -> list[Job]:
        group, self._pending = self._pending, []
        self._busy_since = None
        return group

    def _begin_at_once(self, conn: Connection) -> RootTransaction:
        """The group's transaction, begun (BEGIN IMMEDIATE) without waiting for the write lock:
        SQLite's busy handler sleeps in the calling thread, here the event loop, so waiting there
        for another process's write (up to the busy timeout) froze every request, /healthz and
        reads included. Raises SQLITE_BUSY (OperationalError) at once when the lock is held.
        Statements inside the transaction keep the configured busy timeout."""
        raw: Any = conn.connection.dbapi_connection
        raw.execute("PRAGMA busy_timeout=0")
        try:
            return conn.begin()
        finally:
            raw.execute(f"PRAGMA busy_timeout={int(self._settings.sqlite_busy_timeout_ms)}")

    def _wait_for_the_lock(self, exc: Exception) -> bool:
        """True when `exc`, from `_begin_at_once`, says another process holds the write lock and
        the pending group has waited for it less than the busy timeout
        (KANAL_SQLITE_BUSY_TIMEOUT_MS) since it first found it held: the group's next attempt is
        then scheduled on the loop, after a pause growing from FIRST_LOCK_PAUSE to
        LAST_LOCK_PAUSE seconds, the last attempt at the timeout itself. False otherwise: the
        group is to be answered as a transaction that failed with `exc` (past the timeout, the
        503 of a database still locked)."""
        if not sqlite_busy(exc):
            return False
        loop = asyncio.get_running_loop()
        now = loop.time()
        if self._busy_since is None:
            self._busy_since, self._lock_pause = now, FIRST_LOCK_PAUSE
        left = self._busy_since + self._busy_timeout - now
        if left <= 0:
            return False
        loop.call_later(min(self._lock_pause, left), self._commit_pending)
        self._lock_pause = min(2 * self._lock_pause, LAST_LOCK_PAUSE)
        return True

    def _commit_group(self, conn: Connection, group: list[Job], transaction: RootTransaction) -> None:
        """Optimistic: the whole group in one transaction (`transaction`, begun), consecutive jobs
        of one `Together` work run together (together.py). Should any job fail, the group is
        rolled back and each job re-runs in its own transaction, so one failure never costs
        another request its write (failures are rare: jobs return expected failures, see
        `Database.write`)."""
        try:
            with transaction:
                outcomes = self._run_group(conn, group)
        except Exception as exc:
            outcomes = self._after_failure(conn, group, exc)
        self._answer(group, outcomes)

    def _after_failure(self, conn: Connection, group: list[Job], exc: Exception) -> list[tuple[bool, Any]]:
        """The outcomes of `group`, whose transaction failed with `exc`: `DatabaseUnavailable`
        for each job when the database cannot serve (e.g. still locked: each alone would wait
        again), else each job's own outcome, run alone."""
        unavailable = sqlite_unavailable(exc)
        if unavailable is not None:
            return [(False, unavailable)] * len(group)
        return [self._run_alone(conn, work, args) for work, args, _future in group]

    def _answer(self, group: list[Job], outcomes: list[tuple[bool, Any]]) -> None:
        if self._checkpointer is not None:
            self._checkpointer.request()
        for (ok, value), (_work, _args, future) in zip(outcomes, group, strict=True):
            settle(future, ok, value)

    @staticmethod
    def _run_group(conn: Connection, group: list[Job]) -> list[tuple[bool, Any]]:
        outcomes: list[tuple[bool, Any]] = []
        for start, end in together.runs([work for work, _args, _future in group]):
            work, args, _future = group[start]
            if end - start == 1:
                outcomes.append((True, _within_contract(work, conn, *args)))
                continue
            assert isinstance(work, together.Together)
            written = _within_contract(work.many, conn, [args for _work, args, _future in group[start:end]])
            assert len(written) == end - start, "a Together's many gives one outcome per write"
            outcomes.extend((True, outcome) for outcome in written)
        return outcomes

    @staticmethod
    def _run_alone(conn: Connection, work: Work[Any], args: tuple[Any, ...]) -> tuple[bool, Any]:
        try:
            with conn.begin():
                return True, _within_contract(work, conn, *args)
        except Exception as exc:
            return False, sqlite_unavailable(exc) or exc

    async def dispose(self) -> None:
        """Once the pending writes are answered (a group waiting for another process's write
        lock: within the busy timeout)."""
        while self._pending:
            await asyncio.sleep(LAST_LOCK_PAUSE)
        if self._checkpointer is not None:
            self._checkpointer.stop()
        self._readers.close()
        if self._write_conn is not None:
            self._write_conn.close()
        self._write_conn = None
        self._write_engine.dispose()
        self._read_engine.dispose()


def _checkpointer(file: SqliteFile, settings: Settings) -> Checkpointer | None:
    """None in memory, and on a read-only database (nothing is written: nothing to copy)."""
    if file.path is None or file.read_only:
        return None
    return Checkpointer(opening_uri(file), settings.sqlite_busy_timeout_ms)
