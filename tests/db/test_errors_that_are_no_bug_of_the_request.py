"""`app.db.cannot_serve`: which database errors are answered as an unavailable database (503)
and not as a bug (500), whichever driver layer raised them."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.exc import DBAPIError, OperationalError

from app.db import cannot_serve


class _PostgresError(Exception):
    """As asyncpg's errors carry it."""

    def __init__(self, sqlstate: str, message: str):
        super().__init__(message)
        self.sqlstate = sqlstate


def _wrapped(error: Exception) -> DBAPIError:
    return DBAPIError("SELECT 1", None, error)


# error -> the start of the cause the log's warning line gives, or None: a bug, raised as it is
ERRORS = {
    "PostgreSQL undefined_table": (_PostgresError("42P01", 'relation "api_keys" does not exist'), "TablesMissing"),
    "PostgreSQL undefined_table, wrapped": (
        _wrapped(_PostgresError("42P01", 'relation "orders" does not exist')),
        "TablesMissing",
    ),
    "SQLite no such table": (
        OperationalError("SELECT 1", None, sqlite3.OperationalError("no such table: api_keys")),
        "TablesMissing",
    ),
    "PostgreSQL undefined_column": (
        _PostgresError("42703", "column orders.detached_at does not exist"),
        "ColumnsMissing",
    ),
    "PostgreSQL undefined_column, wrapped": (
        _wrapped(_PostgresError("42703", "column webhooks.first_event_id does not exist")),
        "ColumnsMissing",
    ),
    "SQLite no such column": (
        OperationalError("SELECT 1", None, sqlite3.OperationalError("no such column: carts.live_status")),
        "ColumnsMissing",
    ),
    "SQLite no column named": (
        OperationalError("INSERT", None, sqlite3.OperationalError("table orders has no column named detached_at")),
        "ColumnsMissing",
    ),
    "PostgreSQL deadlock at the last attempt": (_PostgresError("40P01", "deadlock detected"), "StillConflicting"),
    "PostgreSQL serialization failure, wrapped": (
        _wrapped(_PostgresError("40001", "could not serialize access")),
        "StillConflicting",
    ),
    "PostgreSQL unique violation": (_PostgresError("23505", "duplicate key value"), None),
    "PostgreSQL syntax error": (_PostgresError("42601", "syntax error"), None),
    "SQLite syntax error": (OperationalError("SELECT", None, sqlite3.OperationalError('near "x": syntax error')), None),
    "a bug": (KeyError("phone"), None),
}


@pytest.mark.parametrize("name", ERRORS)
def test_an_error_is_unavailable_only_when_the_request_is_not_at_fault(name: str) -> None:
    error, cause = ERRORS[name]
    unavailable = cannot_serve.unavailable(error)
    if cause is None:
        assert unavailable is None
    else:
        assert unavailable is not None and unavailable.cause.startswith(f"{cause}: ")
        assert "\n" not in unavailable.cause
