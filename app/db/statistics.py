"""Planner statistics kept current through bulk writes (PostgreSQL).

A batch's lookups (the stored rows of 200 external ids, the contacts of 200 phones: `IN`
lists) are planned from the tables' statistics. Statistics taken while a table was small, or
never taken (autovacuum off, or its first pass not yet due), make the planner scan the whole
store by another index: importing 100,000 orders into a new database slowed from 2,300 to
700 orders/s as the table grew, each lookup reading every order of the store (300 ms, against
0.2 ms once analysed). PostgreSQL's documentation asks for ANALYZE after a bulk load
("Populating a Database", "Run ANALYZE Afterwards"); here it runs during the load, as
autovacuum's own rule would (a share of the table changed), whatever autovacuum's setting.

Rule: a process counts the records its batches create per table; once they reach `SHARE` of
the rows the table had at its last count (at least `MIN_ROWS`), it runs ANALYZE on every table
(a sample of each: milliseconds to a second, without blocking reads or writes) and counts again.
SQLite plans these lookups by its unique indexes whatever it knows: nothing is done there.
"""

from __future__ import annotations

from dataclasses import dataclass
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, text

from .database import Database

MIN_ROWS = 1000  # a batch of 1,000 into a new table is analysed
SHARE = 0.2  # of the table's rows at the last count, as autovacuum's analyze scale factor (0.1) roughly


@dataclass
class _Count:
    written: int = 0  # records created since the last ANALYZE (or since this process began)
    threshold: float | None = None  # None: not read yet


_COUNTS: WeakKeyDictionary[Database, dict[str, _Count]] = WeakKeyDictionary()


async def created(db: Database, table: str, rows: int) -> None:
    """Count `rows` records a batch created in `table`; runs ANALYZE when the count reaches
    the table's threshold (module docstring). No-op on SQLite or for 0 rows."""
    if db.dialect != "postgresql" or rows <= 0:
        return
    count = _COUNTS.setdefault(db, {}).setdefault(table, _Count())
    if count.threshold is None:
        count.threshold = await db.read(_threshold, table)
    count.written += rows
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
