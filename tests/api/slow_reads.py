"""Reads made slow on purpose, to see what a read past its time budget is answered."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from sqlalchemy import event

from app.db.database import Database

BUDGET = 0.5  # seconds: every endless statement below would run for hours without it

# Statements that never end on their own.
ENDLESS = {
    "sqlite": "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n",
    "postgresql": "SELECT count(*) FROM generate_series(1, 1000000000000)",
}


@contextlib.contextmanager
def endless_reads_of(db: Database, table: str) -> Iterator[None]:
    """While the block runs, each read statement that reads `table` (`FROM <table>`) first
    runs an endless one on the same connection, as an expensive dashboard query would."""

    def slow_down(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if f"FROM {table}" in statement and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            cursor.execute(ENDLESS[db.dialect])

    read_engine = db.engines[-1]
    event.listen(read_engine, "before_cursor_execute", slow_down)
    try:
        yield
    finally:
        event.remove(read_engine, "before_cursor_execute", slow_down)
