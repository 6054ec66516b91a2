"""A read's time budget (`KANAL_READ_TIMEOUT`, seconds): a query past it is stopped.

A dashboard asking for too much must not hold a worker, a connection or the event loop for
minutes. Each engine stops it its own way:

- SQLite (readers.py): a read is answered within its budget, counted from when it is asked
  for, its wait for a reader thread included: once it is spent the caller gets `ReadTimedOut`
  at once and the statement is interrupted (`sqlite3_interrupt`); a read still queued never
  runs.
- PostgreSQL: every read connection has `statement_timeout` set once, when it connects
  (`SET`: no statement more per read); the server cancels a statement past it (SQLSTATE
  57014). Reads run in autocommit, one snapshot per statement, so there the budget
  applies to each statement of a read.

Either way the read raises `ReadTimedOut`: REST answers 503 with its message, GraphQL a
top-level error with code QUERY_TOO_SLOW (graphql_schema/errors.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

# PostgreSQL's query_canceled: statement_timeout (or an administrator's pg_cancel_backend).
QUERY_CANCELED = "57014"


class ReadTimedOut(Exception):
    """A read ran past its budget of `seconds` and was stopped; nothing was changed."""

    def __init__(self, seconds: float):
        super().__init__(
            f"The query ran longer than the read time budget ({seconds:g} s) and was stopped. "
            "Ask for less (a shorter period, a narrower filter, a smaller page) or try again later."
        )
        self.seconds = seconds


def is_postgres_timeout(exc: BaseException) -> bool:
    """True for PostgreSQL's query_canceled: a DBAPIError wrapping it, or asyncpg's own error,
    which the statements run on the asyncpg cursor directly raise unwrapped (compiled.py)."""
    driver_error = getattr(exc, "orig", exc)
    return getattr(driver_error, "sqlstate", None) == QUERY_CANCELED


def budget_each_connection(engine: AsyncEngine, seconds: float) -> None:
    """Give every statement of each connection `engine` opens the budget: `SET
    statement_timeout` (milliseconds; 0 = none) once it connects. A SET, not asyncpg's startup
    parameter: a connection pooler in front of PostgreSQL (PgBouncer) refuses a startup
    parameter it does not track ("unsupported startup parameter: statement_timeout"), and every
    read failed there; PgBouncer's session pooling resets the setting (DISCARD ALL) only when
    the connection is given back, after which it is set again on the next one."""
    milliseconds = max(0, round(seconds * 1000))

    @event.listens_for(engine.sync_engine, "connect")
    def _set_budget(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.run_async(lambda raw: raw.execute(f"SET statement_timeout = {milliseconds}"))
