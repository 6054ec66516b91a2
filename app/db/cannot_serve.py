"""Database errors that are no bug of the request, answered as `DatabaseUnavailable` (503 with
`Retry-After`, GraphQL's DATABASE_UNAVAILABLE, one warning line in the log) instead of a 500:

- the database lacks tables this release uses (emptied, or re-created and not migrated, under a
  running server, or migrated by an earlier release only: SQLite's "no such table",
  PostgreSQL's undefined_table 42P01; which of these it is, the error does not tell);
- the database lacks columns of this release (an earlier release migrated it, and this one's
  `kanal db upgrade` has not run: SQLite's "no such column", PostgreSQL's undefined_column
  42703);
- a write that still conflicted with concurrent writes of the same records at its last attempt
  (PostgreSQL's deadlock_detected 40P01 or serialization_failure 40001, or out_of_memory 53200:
  the server's lock table full of concurrent writes' key locks, after `postgres.WRITE_ATTEMPTS`):
  sending it again later is safe, writes being idempotent upserts.
"""

from __future__ import annotations

from .existing import columns_missing, tables_missing
from .postgres import LOCK_TABLE_FULL, WRITE_ATTEMPTS, sqlstate
from .unavailable import DatabaseUnavailable, described

# Conflicts a concurrent transaction causes that are no fault of the write's own rows.
_CONCURRENT = frozenset({"40P01", "40001", "53200"})


# Which of the two, the missing table does not tell: an emptied database fails first on the
# table a worker reads first, one a later migration added.
NO_TABLES = "the database lacks tables this release uses (emptied, or migrated by an earlier release only)"


class TablesMissing(Exception):
    """The database lacks tables this release uses (its cause is the driver's error)."""

    def __init__(self, cause: BaseException):
        super().__init__(f"{NO_TABLES}: run `kanal db upgrade` ({described(cause)})")


class ColumnsMissing(Exception):
    """The database lacks columns this release uses (its cause is the driver's error)."""

    def __init__(self, cause: BaseException):
        super().__init__(f"the database's tables are behind this release: run `kanal db upgrade` ({described(cause)})")


class StillConflicting(Exception):
    """A write conflicted with concurrent writes at every attempt: met the same records, or
    found the server's lock table full (concurrent batches' key locks)."""

    def __init__(self, cause: BaseException):
        attempts = f"{WRITE_ATTEMPTS} attempts"
        if sqlstate(cause) == LOCK_TABLE_FULL:
            what = "the server's lock table full of concurrent writes' locks (raise max_locks_per_transaction)"
        else:
            what = "concurrent writes of the same records"
        super().__init__(f"{what} at each of {attempts} ({described(cause)})")


def unavailable(exc: BaseException) -> DatabaseUnavailable | None:
    """`DatabaseUnavailable` for `exc` when it is one of the module's errors, else None."""
    if tables_missing(exc):
        return DatabaseUnavailable(TablesMissing(exc))
    if columns_missing(exc):
        return DatabaseUnavailable(ColumnsMissing(exc))
    if sqlstate(exc) in _CONCURRENT:
        return DatabaseUnavailable(StillConflicting(exc))
    return None
