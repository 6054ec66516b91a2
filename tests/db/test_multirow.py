"""A multi-row INSERT stores exactly what SQLAlchemy's INSERT of each row stores, whichever
parameters each row names; the JSON and IN-list shortcuts it and the batch reads take give
SQLAlchemy's own values and rows."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import JSON, Connection, insert, null, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql import asyncpg

from app.config import Settings
from app.db import tables
from app.db.compiled import PrecompiledStatement
from app.db.database import Database
from app.db.in_lists import in_list, list_params, width
from app.db.multirow import MultiRowInsert
from app.db.statements import param
from app.db.types import dumps, json_text, loads

NOW = datetime(2026, 5, 18, 10, 0, 0, 123456, tzinfo=UTC)
_COLUMNS = ("store_id", "external_id", "contact_id", "placed_at", "total_price", "currency", "line_items")
_COLUMNS += ("metadata", "tags", "shipping_address", "created_at", "updated_at", "revision")
_INSERT = insert(tables.orders).values({name: param(tables.orders, name) for name in _COLUMNS} | {"revision": 1})


def _seed(conn: Connection) -> int:
    conn.execute(insert(tables.stores).values(id=1, name="S", status="active", region="FR", created_at=NOW))
    contact = insert(tables.contacts).values(
        store_id=1, phone="+33612345678", revision=1, created_at=NOW, updated_at=NOW
    )
    return conn.execute(contact.returning(tables.contacts.c.id)).scalar_one()


def _order(contact_id: int, n: int, **changes: Any) -> dict[str, Any]:
    row = {
        "store_id": 1,
        "external_id": f"O-{n}",
        "contact_id": contact_id,
        "placed_at": NOW,
        "total_price": Decimal("12.3456") + n,
        "currency": "EUR",
        "line_items": [{"title": "Thé", "quantity": n, "price": Decimal("1.50")}],
        "metadata": {"nested": {"a": [n, None, True]}},
        "tags": ["x", str(n)],
        "shipping_address": None if n % 2 else {"city": "Lyon"},
        "created_at": NOW,
        "updated_at": NOW,
    }
    return row | changes


# (name, rows by the contact id): every parameter named; one left to its compiled default
# (`revision`) by every row; named by some rows only, or absent from one (each row then on its own).
ROWS = [
    ("every parameter named", lambda c: [_order(c, n, revision=n) for n in range(5)]),
    ("a default left by every row", lambda c: [_order(c, n) for n in range(5)]),
    ("a default named by some rows", lambda c: [_order(c, n, **({"revision": 7} if n == 3 else {})) for n in range(5)]),
    (
        "a parameter absent from some rows",
        lambda c: [_without(_order(c, n)) if n == 2 else _order(c, n) for n in range(3)],
    ),
]


def _without(row: dict[str, Any], name: str = "shipping_address") -> dict[str, Any]:
    """The row without a parameter that has no compiled default: None (NULL) is bound."""
    return {key: value for key, value in row.items() if key != name}


@pytest.fixture
async def db(database_url: str) -> Any:
    database = Database(Settings(database_url=database_url))
    yield database
    await database.dispose()


def _stored(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(select(tables.orders).order_by(tables.orders.c.external_id)).mappings()
    return [{k: v for k, v in row.items() if k != "id"} for row in rows]


@pytest.mark.parametrize(("name", "rows"), ROWS, ids=[name for name, _ in ROWS])
async def test_a_multi_row_insert_stores_what_one_insert_per_row_stores(db: Database, name: str, rows: Any) -> None:
    contact_id = await db.write(_seed)
    statement = MultiRowInsert(_INSERT.returning(tables.orders.c.external_id))

    def ours(conn: Connection) -> list[dict[str, Any]]:
        returned = statement.rows(conn, rows(contact_id))
        stored = _stored(conn)
        conn.rollback()
        return [*sorted(row["external_id"] for row in returned), *stored]

    def theirs(conn: Connection) -> list[dict[str, Any]]:
        for row in rows(contact_id):
            conn.execute(_INSERT, {"shipping_address": None, **row})  # SQLAlchemy wants it named
        stored = _stored(conn)
        conn.rollback()
        return [*sorted(row["external_id"] for row in rows(contact_id)), *stored]

    assert await db.write(ours) == await db.write(theirs)


@pytest.mark.parametrize("dialect", [sqlite.dialect(json_serializer=dumps), asyncpg.dialect(json_serializer=dumps)])
def test_the_direct_json_conversion_is_sqlalchemys(dialect: Any) -> None:
    theirs = JSON(none_as_null=True).dialect_impl(dialect).bind_processor(dialect)
    ours = json_text(theirs)
    values = [
        None,
        {},
        [],
        "",
        "text",
        {"a": [1, None, Decimal("1.50")]},
        [1.5, True],
        0,
        1.25,
        True,
        JSON.NULL,
        null(),
    ]
    for value in values:
        assert ours(value) == theirs(value), value
    assert loads(ours({"a": Decimal("2")})) == {"a": 2}


@pytest.mark.parametrize("phones", [["+33612345678"], ["+33612345678", "+33600000000", "+33612345678"], []])
async def test_a_padded_in_list_finds_what_the_list_finds(db: Database, phones: list[str]) -> None:
    """`in_lists`: n values bound as a power of two, padded with the first: the same rows as
    SQLAlchemy's expanding IN of the list itself, for every length up to 9."""
    await db.write(_seed)
    values = [*phones, *(f"+336{n:08d}" for n in range(9))]
    for size in range(1, 10):
        wanted = values[:size]
        precompiled = PrecompiledStatement(
            select(tables.contacts.c.phone).where(in_list(tables.contacts.c.phone, "phone", width(size)))
        )
        ours = await db.read(
            lambda conn, w=wanted, p=precompiled: [r["phone"] for r in p.rows(conn, list_params("phone", w))]
        )
        theirs = await db.read(
            lambda conn, w=wanted: list(
                conn.scalars(select(tables.contacts.c.phone).where(tables.contacts.c.phone.in_(w)))
            )
        )
        assert ours == theirs, wanted
        assert (ours == ["+33612345678"]) == ("+33612345678" in wanted)
