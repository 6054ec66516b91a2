"""PostgreSQL writes grouped into shared transactions, and the versions kept rows live under.

Group commit. A transaction of its own per order costs BEGIN and COMMIT (two round trips,
and a WAL flush) on top of the order's three statements, and a connection checkout and a
greenlet entry (`run_sync`) each. So, as on SQLite, writes are grouped: every request that
reaches its write within two turns of the event loop joins one transaction, run by one
`run_sync` on one connection, with one COMMIT; each caller is answered after that COMMIT.
At most `max_groups` groups (8) are in flight, each on its own connection: a
round trip to the server waits on the machine's scheduler as much as on PostgreSQL, so
groups overlap their waits; writes arriving while all are busy form the next group, which
grows with the load.

Should any write of a group raise (a bug, an engine failure, or a conflict with a
concurrent transaction: a unique key taken meanwhile, a deadlock, a serialization failure),
the whole group is rolled back and each of its writes runs again in a transaction of its
own, retried on such conflicts: one failure never costs another request its write, and a
crash mid-group commits nothing of it.

Lock order. A group's writes lock their rows in the order the writes came in: an order of a
customer's phone locks the contact, then a write of the customer its record and the contact,
while an erasure of that customer, alone, locks the record, then the contact: a cycle, which
PostgreSQL breaks by failing one (after `deadlock_timeout`). Under a burst of writes of one
customer each new group met the erasure again, and it lost all its attempts. So a group whose
writes share a record (two of them declare one key, `key_locks`) first takes all the keys
they declare, sorted, in one statement, before any row lock; and a write run alone after a
failed group or a conflict takes its own keys first. Two transactions holding keys then never
wait on each other's rows in a cycle over the records they declared: the second waits for the
first's keys with no row lock held. A group of writes of records apart, and a write's first
attempt alone, take none (no statement more where a group's writes cannot cross); should one
meet a cycle, it or the other runs again, now with its keys. A write that lost waits a short
random while before its next attempt.

Versions. Rows kept between requests (kept.py) are kept under the row of `kept_versions`
named after them, which a trigger replaces in every transaction that changes their tables
(migration 0009): any connection's change, in any process, is seen. The version is read at
most once per turn of the event loop, by the requests that turn starts.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from . import key_locks
from .readers import settle
from .unavailable import ConnectionLost, connected

T = TypeVar("T")
Work = Callable[..., T]
Keys = Callable[[], Iterable[int]]  # the keys a write declares (key_locks.keys_of), made when needed
Job = tuple[Work[Any], tuple[Any, ...], Keys, asyncio.Future[Any]]

# Failures a concurrent transaction causes and a new attempt resolves: a unique key taken
# meanwhile, a row referenced deleted meanwhile (or a reference added to a row being deleted:
# `kanal stores reset-test-data` beside a test key's writes; every write checks the rows it
# refers to first, so the new attempt reads them as gone and answers as it would then), a
# deadlock broken by PostgreSQL, a serialization failure, the server's lock table full for now
# (concurrent batches each holding a few hundred key locks: `key_locks`); by their condition
# names (PostgreSQL's Appendix A), as /metrics counts them (`kanal_write_conflicts_total`).
_CONFLICT_NAMES = {
    "23505": "unique_violation",
    "23503": "foreign_key_violation",
    "40P01": "deadlock_detected",
    "40001": "serialization_failure",
    "53200": "out_of_memory",
}
RETRYABLE_SQLSTATES = frozenset(_CONFLICT_NAMES)
SERIALIZATION_FAILURE = "40001"
WRITE_ATTEMPTS = 10
# Seconds: the pause before the n-th new attempt is random, up to min(cap, first * 2**n).
RETRY_PAUSE_FIRST, RETRY_PAUSE_CAP = 0.005, 0.25
# A full lock table (53200) lasts until concurrent batches' transactions end (a few tenths of a
# second each, and several may be in flight): longer pauses, about 5 s over all attempts.
LOCK_TABLE_FULL = "53200"
LOCK_TABLE_PAUSE_FIRST, LOCK_TABLE_PAUSE_CAP = 0.1, 2.0
# A deadlock comes back while a burst of concurrent writes of the same records is still
# arriving: their first attempts share transactions (groups take rows in the order their writes
# came in), so under load an erasure racing 32 writes of its customer deadlocked at each of ten
# attempts spread over about a second. Longer pauses, up to 1 s (about 4 s over all attempts),
# let a write that keeps losing outlast the burst.
DEADLOCK = "40P01"
DEADLOCK_PAUSE_FIRST, DEADLOCK_PAUSE_CAP = 0.02, 1.0
# At most as many keys as a batch's chunk takes (`key_locks`: the server's lock table is
# shared): a group whose writes share a record but declare more (hundreds of writes under a
# flood) takes none, its writes locking rows in their order as before.
GROUP_KEYS = 600


def _no_keys() -> list[int]:
    return []


class RunAgain(Exception):
    """Raised by a write that finds, under a row lock, that a transaction committed since its
    first reads changed what it decided on (an erasure detached the record it writes:
    `rules.erased_records_stay_detached.erased_meanwhile`). Rolled back and run again from the
    start, as PostgreSQL's own serialization failures are: it carries their SQLSTATE."""

    sqlstate = SERIALIZATION_FAILURE


class GroupedWrites:
    """`await writes.run(work, *args)`: `work(conn, *args)` committed, in a transaction it may
    share with other writes (see the module's docstring)."""

    def __init__(self, engine: AsyncEngine, max_groups: int = 8):
        self._engine = engine
        self._max_groups = max_groups
        self._pending: list[Job] = []
        self._scheduled = False
        self._running: set[asyncio.Task[None]] = set()

    async def run(self, work: Work[T], *args: Any, keys: Keys = _no_keys) -> T:
        """`work(conn, *args)` committed; `keys()` its keys, taken first when it shares a
        transaction or runs again (the module's docstring)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._pending.append((work, args, keys, future))
        if not self._scheduled and len(self._running) < self._max_groups:
            # Two turns, as on SQLite: requests whose bodies came in with the same poll reach
            # their writes one turn apart.
            self._scheduled = True
            loop.call_soon(loop.call_soon, self._start_group)
        return await future

    def _start_group(self) -> None:
        self._scheduled = False
        if not self._pending or len(self._running) >= self._max_groups:
            return  # a group in flight starts the next one when it ends
        group, self._pending = self._pending, []
        task = asyncio.get_running_loop().create_task(self._commit_group(group))
        self._running.add(task)
        task.add_done_callback(self._group_done)

    def _group_done(self, task: asyncio.Task[None]) -> None:
        self._running.discard(task)
        if self._pending and not self._scheduled:
            self._start_group()

    async def _commit_group(self, group: list[Job]) -> None:
        if len(group) == 1:
            work, args, keys, future = group[0]
            outcomes = [await _outcome(self.alone(work, *args, keys=keys))]
        else:
            try:
                async with connected(self._engine) as conn:
                    outcomes = [(True, value) for value in await conn.run_sync(_run_group, group)]
            except Exception as exc:
                _count_conflict(exc)
                again = (self.alone(work, *args, keys=keys, keyed=True) for work, args, keys, _ in group)
                outcomes = list(await asyncio.gather(*(_outcome(write) for write in again)))
        for (ok, value), (_work, _args, _keys, future) in zip(outcomes, group, strict=True):
            settle(future, ok, value)

    async def alone(self, work: Work[T], *args: Any, keys: Keys = _no_keys, keyed: bool = False) -> T:
        """`work` in a transaction of its own; run again from the start when a concurrent one
        made it fail in a way a new attempt resolves, or the server had ended its connection
        (`unavailable.ConnectionLost`; work functions are safe to repeat). Each attempt after
        the first, and the first when `keyed` (its group failed), takes `keys()` first.
        Raises `DatabaseUnavailable` when no connection can be had. At most `WRITE_ATTEMPTS`
        attempts, each after a random pause (`retry_pause`)."""
        for attempt in range(WRITE_ATTEMPTS - 1):
            try:
                return await self._transaction(work, args, keys if keyed or attempt else _no_keys)
            except ConnectionLost as exc:
                _count_conflict(exc)
                continue
            except Exception as exc:
                state = sqlstate(exc)
                if state not in RETRYABLE_SQLSTATES:
                    raise
                _count_conflict(exc)
            await asyncio.sleep(retry_pause(attempt, state))
        return await self._transaction(work, args, keys)

    async def _transaction(self, work: Work[T], args: tuple[Any, ...], keys: Keys) -> T:
        async with connected(self._engine) as conn, conn.begin():
            return await conn.run_sync(_keys_then, keys, work, *args)

    async def drain(self) -> None:
        """Wait for the groups in flight (and those they start)."""
        while self._running or self._pending:
            if self._running:
                await asyncio.gather(*self._running, return_exceptions=True)
            else:
                await asyncio.sleep(0)


def retry_pause(attempt: int, state: str | None = None) -> float:
    """Seconds to wait after the failed attempt `attempt` (0-based), which failed with SQLSTATE
    `state`, before the next: random (full jitter), up to a bound that doubles from
    RETRY_PAUSE_FIRST to RETRY_PAUSE_CAP (from LOCK_TABLE_PAUSE_FIRST to LOCK_TABLE_PAUSE_CAP
    when the server's lock table was full, from DEADLOCK_PAUSE_FIRST to DEADLOCK_PAUSE_CAP
    after a deadlock)."""
    first, cap = {
        LOCK_TABLE_FULL: (LOCK_TABLE_PAUSE_FIRST, LOCK_TABLE_PAUSE_CAP),
        DEADLOCK: (DEADLOCK_PAUSE_FIRST, DEADLOCK_PAUSE_CAP),
    }.get(state or "", (RETRY_PAUSE_FIRST, RETRY_PAUSE_CAP))
    return random.uniform(0, min(cap, first * 2**attempt))


def sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of a database error: raised through SQLAlchemy (a DBAPIError wrapping the
    driver's) or straight from the DBAPI cursor (compiled.PrecompiledStatement)."""
    state = getattr(exc, "sqlstate", None)
    if state is None and isinstance(exc, DBAPIError):
        state = getattr(exc.orig, "sqlstate", None)
    return state


# Told the reason of each write run again (`_count_conflict`): app.observability.metrics, a
# layer above this one, adds its counter here.
_conflict_observers: list[Callable[[str], None]] = []


def observe_conflicts(observer: Callable[[str], None]) -> None:
    """Call `observer(reason)` each time a write runs again: `reason` is the condition name of
    the conflict's SQLSTATE (`deadlock_detected`, …) or `connection_lost`."""
    _conflict_observers.append(observer)


def _count_conflict(exc: BaseException) -> None:
    """Tell the observers of a write run again for `exc`: a conflict with a concurrent
    transaction (RETRYABLE_SQLSTATES) or a connection the server had ended; any other failure
    is none."""
    reason = "connection_lost" if isinstance(exc, ConnectionLost) else _CONFLICT_NAMES.get(sqlstate(exc) or "")
    if reason is not None:
        for observer in _conflict_observers:
            observer(reason)


def _keys_then(conn: Connection, keys: Keys, work: Work[T], *args: Any) -> T:
    key_locks.lock(conn, keys())
    return work(conn, *args)


def _run_group(conn: Connection, group: list[Job]) -> list[Any]:
    with conn.begin():
        declared = [set(keys()) for _work, _args, keys, _future in group]
        keys = set().union(*declared)
        if len(keys) < sum(map(len, declared)) and len(keys) <= GROUP_KEYS:  # writes sharing a record
            key_locks.lock(conn, keys)
        return [work(conn, *args) for work, args, _keys, _future in group]


async def _outcome(awaitable: Any) -> tuple[bool, Any]:
    try:
        return True, await awaitable
    except Exception as exc:
        return False, exc


class KeptVersions:
    """`await versions.read(name)`: the version of the kept rows `name` (their row of
    `kept_versions`), or None (keep nothing) while the table or the row is missing (a
    database not migrated yet) or the database cannot be reached.

    Read on a connection of its own, straight with asyncpg: one small statement per turn of
    the loop, which most requests share, should cost less than the auth read it saves.

    That connection is held as an `AsyncConnection` and given back with its `close` (or
    `invalidate`), which run in SQLAlchemy's greenlet: a pool connection given back with the
    synchronous `PoolProxiedConnection.close` is closed outside it when the pool's queue is
    full (its overflow connections went back first, after writes that each took one, as
    contended ones run again alone do): asyncpg's close cannot run there (`MissingGreenlet`),
    and the pool logged `Exception closing connection` at shutdown and left it open."""

    def __init__(self, engine: AsyncEngine):
        self._engine = engine
        self._this_turn: dict[str, asyncio.Task[int | None]] = {}
        self._conn: AsyncConnection | None = None
        self._driver: Any = None  # asyncpg's connection under `_conn`
        self._lock = asyncio.Lock()  # one statement at a time on the connection

    async def read(self, name: str) -> int | None:
        # Shared by the requests of the turn it starts in only: a request of a later turn
        # may have started after a change that reading predates.
        reading = self._this_turn.get(name)
        if reading is None:
            loop = asyncio.get_running_loop()
            reading = self._this_turn[name] = loop.create_task(self._select(name))
            loop.call_soon(self._this_turn.pop, name, None)
        return await asyncio.shield(reading)

    async def _select(self, name: str) -> int | None:
        async with self._lock:
            try:
                if self._conn is None:
                    self._conn = await self._engine.connect()
                    self._driver = (await self._conn.get_raw_connection()).driver_connection
                version = await self._driver.fetchval(_VERSION, name)
            except Exception:
                await self._give_back(invalidate=True)
                return None
        return None if version is None else int(version)

    async def close(self) -> None:
        """Give the connection back to the pool, once the statement on it, if any, is done."""
        async with self._lock:
            await self._give_back()

    async def _give_back(self, invalidate: bool = False) -> None:
        conn, self._conn, self._driver = self._conn, None, None
        if conn is not None:
            if invalidate:
                await conn.invalidate()
            else:
                await conn.close()


_VERSION = "SELECT version FROM kept_versions WHERE name = $1"
