"""Writes run together (app/db/together.py): in a SQLite commit group, consecutive jobs of one
`Together` work run as one call of its `many`, in their order; a write of another kind between
them splits the run; should the group fail, each job runs again alone."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Connection, insert, select

from app.config import Settings
from app.db import tables
from app.db.database import Database
from app.db.together import Together, runs

NOW = datetime(2026, 5, 18, 10, 0, tzinfo=UTC)


def _alone(conn: Connection, store_id: int) -> str:
    return _add(conn, [store_id])[0]


def _add(conn: Connection, store_ids: list[int]) -> list[str]:
    if any(store_id < 0 for store_id in store_ids):
        raise ValueError("refused")
    conn.execute(
        insert(tables.stores),
        [dict(id=n, name="S", status="active", region="FR", created_at=NOW) for n in store_ids],
    )
    return [f"store {n}" for n in store_ids]


CALLS: list[tuple[str, list[int]]] = []


def _many(conn: Connection, writes: Any) -> list[str]:
    CALLS.append(("many", [store_id for (store_id,) in writes]))
    return _add(conn, [store_id for (store_id,) in writes])


ADD = Together(_alone, _many)
OTHER = Together(_alone, _many)  # another Together: never in ADD's runs


def _plain(conn: Connection, store_id: int) -> str:
    CALLS.append(("plain", [store_id]))
    return _alone(conn, store_id)


# the group's works, in order -> its runs as (start, end)
RUNS = {
    "empty": ([], []),
    "one": ([ADD], [(0, 1)]),
    "all together": ([ADD, ADD, ADD], [(0, 3)]),
    "a plain write between": ([ADD, ADD, _plain, ADD, ADD], [(0, 2), (2, 3), (3, 5)]),
    "plain writes only": ([_plain, _plain], [(0, 1), (1, 2)]),
    "two Togethers": ([ADD, ADD, OTHER, OTHER, ADD], [(0, 2), (2, 4), (4, 5)]),
}


@pytest.mark.parametrize("name", RUNS)
def test_runs(name: str) -> None:
    works, expected = RUNS[name]
    assert runs(works) == expected


@pytest.fixture
async def db(database_url: str) -> Any:
    database = Database(Settings(database_url=database_url))
    CALLS.clear()
    yield database
    await database.dispose()


async def _stores(db: Database) -> list[int]:
    return await db.read(lambda conn: conn.scalars(select(tables.stores.c.id).order_by(tables.stores.c.id)).all())


async def test_consecutive_writes_run_together_in_order(db: Database) -> None:
    outcomes = await asyncio.gather(
        db.write(ADD, 1), db.write(ADD, 2), db.write(_plain, 3), db.write(ADD, 4), db.write(ADD, 5)
    )
    assert outcomes == ["store 1", "store 2", "store 3", "store 4", "store 5"]
    if db.dialect == "sqlite":
        assert CALLS == [("many", [1, 2]), ("plain", [3]), ("many", [4, 5])]
    else:  # PostgreSQL runs each write alone
        assert CALLS == [("plain", [3])]
    assert await _stores(db) == [1, 2, 3, 4, 5]


async def test_a_failing_write_of_a_run_costs_the_others_nothing(db: Database) -> None:
    outcomes = await asyncio.gather(db.write(ADD, 1), db.write(ADD, -1), db.write(ADD, 2), return_exceptions=True)
    assert outcomes[0] == "store 1" and outcomes[2] == "store 2"
    assert isinstance(outcomes[1], ValueError)
    assert await _stores(db) == [1, 2]
