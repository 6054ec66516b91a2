"""Planner statistics kept current through bulk and single writes (PostgreSQL).

A batch's lookups (the stored rows of 200 external ids, the contacts of 200 phones: `IN`
lists) are planned from the tables' statistics. Statistics taken while a table was small, or
never taken (autovacuum off, or its first pass not yet due), make the planner scan the whole
store by another index: importing 100,000 orders into a new database slowed from 2,300 to
700 orders/s as the table grew, each lookup reading every order of the store (300 ms, against
0.2 ms once analysed). PostgreSQL's documentation asks for ANALYZE after a bulk load
("Populating a Database", "Run ANALYZE Afterwards"); here it runs during the load, as
autovacuum's own rule would (a share of the table changed), whatever autovacuum's setting.

Rule: a process counts the records its batches and its single upserts create per table; once
they reach `SHARE` of the rows the table had at its last count (at least `MIN_ROWS`), it runs
ANALYZE on every table (a sample of each: milliseconds to a second, without blocking reads or
writes) and counts again. A batch waits for it (`created`); a single upsert does not (`noted`:
its answer never waits on ANALYZE, which runs beside the requests). Single upserts need it too:
on a new database a prepared statement keeps the plan made from the empty tables' statistics
until the next ANALYZE, and autovacuum's first pass comes a minute or more into the load.
SQLite plans these lookups by its unique indexes whatever it knows: nothing is done there.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from weakref import WeakKeyDictionary, WeakSet

from sqlalchemy import Connection, text

from .database import Database

logger = logging.getLogger(__name__)

MIN_ROWS = 100  # a new table is analysed once it holds this many records
SHARE = 0.2  # of the table's rows at the last count, as autovacuum's analyze scale factor (0.1) roughly


@dataclass
class _Count:
    written: int = 0  # records created since the last ANALYZE (or since this process began)
    threshold: float | None = None  # None: not read yet


_COUNTS: WeakKeyDictionary[Database, dict[str, _Count]] = WeakKeyDictionary()
_ANALYSING: WeakSet[Database] = WeakSet()  # a `noted` ANALYZE is under way: one at a time


async def created(db: Database, table: str, rows: int) -> None:
    """Count `rows` records a batch created in `table`; runs ANALYZE when the count reaches
    the table's threshold (module docstring). No-op on SQLite or for 0 rows."""
    if db.dialect != "postgresql" or rows <= 0:
        return
    count = _count(db, table)
    count.written += rows
    await _analyse_when_due(db, table, count)


def noted(db: Database, table: str, created: bool) -> None:
    """Count one record a single upsert wrote in `table` (`created`: a new one; else nothing is
    counted); once the count reaches the table's threshold, ANALYZE runs in a task of its own,
    one at a time per Database, and the caller goes on at once. No-op on SQLite."""
    if not created or db.dialect != "postgresql":
        return
    count = _count(db, table)
    count.written += 1
    if count.threshold is not None and count.written < count.threshold:
        return
    if db not in _ANALYSING:
        _ANALYSING.add(db)
        db.beside(_settle(db, table, count))


async def _settle(db: Database, table: str, count: _Count) -> None:
    """Read the threshold of `table` when not known yet; ANALYZE once the count reaches it. A
    failure (e.g. the database gone) is logged: the next write past the threshold tries again."""
    try:
        await _analyse_when_due(db, table, count)
    except Exception:
        logger.warning("ANALYZE after %s records of %s failed", count.written, table, exc_info=True)
    finally:
        _ANALYSING.discard(db)


def _count(db: Database, table: str) -> _Count:
    """The count of `table` in `db`, made on first use (not a new one per call: single writes
    come here once each)."""
    counts = _COUNTS.get(db)
    if counts is None:
        counts = _COUNTS[db] = {}
    count = counts.get(table)
    if count is None:
        count = counts[table] = _Count()
    return count


async def _analyse_when_due(db: Database, table: str, count: _Count) -> None:
    if count.threshold is None:
        count.threshold = await db.read(_threshold, table)
    if count.written >= count.threshold:
        await db.write_alone(_analyze)
        count.written = 0
        count.threshold = await db.read(_threshold, table)


def _threshold(conn: Connection, table: str) -> float:
    # reltuples: the rows at the table's last ANALYZE or VACUUM, -1 when it never had one
    rows = conn.execute(text("SELECT reltuples FROM pg_class WHERE oid = to_regclass(:t)"), {"t": table}).scalar()
    return max(MIN_ROWS, SHARE * max(float(rows or 0), 0.0))


def _analyze(conn: Connection) -> None:
    conn.exec_driver_sql("ANALYZE")
