"""Precompiled statements return exactly what SQLAlchemy returns, inside the same transaction;
the SQLAlchemy internals they read are there."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Connection, DateTime, event, insert, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.sql.compiler import SQLCompiler

from app.config import Settings
from app.db import tables
from app.db.compiled import (
    SQLALCHEMY_INTERNALS,
    PrecompiledStatement,
    SqlalchemyInternalsMissing,
    internals_missing_message,
)
from app.db.database import Database
from app.db.statements import insert_new, param
from app.db.types import UtcDateTime
from app.services.carts import CART_TO_RECOVER

NOW = datetime(2026, 5, 18, 10, 0, 0, 123456, tzinfo=UTC)

_INSERT_ORDER = (
    insert(tables.orders)
    .values(
        {
            name: param(tables.orders, name)
            for name in (
                "store_id",
                "external_id",
                "contact_id",
                "placed_at",
                "total_price",
                "currency",
                "line_items",
                "metadata",
                "tags",
                "created_at",
                "updated_at",
            )
        }
        | {"revision": 1}
    )
    .returning(*tables.orders.c)
)


def _seed(conn: Connection) -> int:
    conn.execute(insert(tables.stores).values(id=1, name="S", status="active", region="FR", created_at=NOW))
    contact = insert(tables.contacts).values(
        store_id=1, phone="+33612345678", revision=1, created_at=NOW, updated_at=NOW
    )
    return conn.execute(contact.returning(tables.contacts.c.id)).scalar_one()


def _order(contact_id: int, external_id: str) -> dict[str, Any]:
    return {
        "store_id": 1,
        "external_id": external_id,
        "contact_id": contact_id,
        "placed_at": NOW,
        "total_price": Decimal("12.3456"),
        "currency": "EUR",
        "line_items": [{"title": "Thé", "quantity": 2, "price": 1.5}],
        "metadata": {"nested": {"a": [1, None, True]}},
        "tags": ["x"],
        "created_at": NOW,
        "updated_at": NOW,
    }


@pytest.fixture
async def db(database_url: str) -> Any:
    database = Database(Settings(database_url=database_url))
    yield database
    await database.dispose()


async def test_rows_match_sqlalchemy_in_types_and_values(db: Database) -> None:
    contact_id = await db.write(_seed)
    precompiled = PrecompiledStatement(_INSERT_ORDER)
    ours = await db.write(lambda conn: precompiled.one(conn, _order(contact_id, "A")))
    theirs = await db.write(lambda conn: dict(conn.execute(_INSERT_ORDER, _order(contact_id, "B")).mappings().one()))
    assert ours["placed_at"] == NOW and ours["placed_at"].tzinfo is not None
    assert ours["total_price"] == Decimal("12.3456") and isinstance(ours["total_price"], Decimal)
    assert ours["line_items"] == [{"title": "Thé", "quantity": 2, "price": 1.5}]
    different = {"id", "external_id"}
    assert {k: v for k, v in ours.items() if k not in different} == {
        k: v for k, v in theirs.items() if k not in different
    }
    read_back = await db.read(
        lambda conn: [dict(row) for row in conn.execute(select(tables.orders).order_by(tables.orders.c.id)).mappings()]
    )
    assert read_back[0] == ours


async def test_a_rolled_back_transaction_takes_precompiled_writes_with_it(db: Database) -> None:
    contact_id = await db.write(_seed)
    precompiled = PrecompiledStatement(_INSERT_ORDER)

    def write_then_fail(conn: Connection) -> None:
        precompiled.one(conn, _order(contact_id, "GONE"))
        raise RuntimeError("fails after the insert")

    with pytest.raises(RuntimeError):
        await db.write(write_then_fail)
    assert await db.read(lambda conn: conn.execute(select(tables.orders.c.id)).all()) == []


async def test_first_is_none_without_rows_and_one_insists_on_one(db: Database) -> None:
    await db.write(_seed)
    by_id = PrecompiledStatement(select(tables.orders).where(tables.orders.c.id == param(tables.orders, "id")))
    assert await db.read(lambda conn: by_id.first(conn, {"id": 42})) is None
    with pytest.raises(LookupError):
        await db.read(lambda conn: by_id.one(conn, {"id": 42}))


def test_sqlite_datetime_text_is_sqlalchemys_own() -> None:
    """UtcDateTime's direct SQLite conversion writes the very text SQLAlchemy would, so stored
    times keep comparing and sorting the same way."""
    dialect = sqlite.dialect()
    theirs = DateTime().dialect_impl(dialect).bind_processor(dialect)
    ours = UtcDateTime().bind_processor(dialect)
    draw = random.Random(7)
    for _ in range(2000):
        moment = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=draw.uniform(-2e9, 2e9))
        moment = moment.replace(microsecond=draw.choice([0, draw.randrange(1_000_000)]))
        offset = timezone(timedelta(minutes=draw.randrange(-720, 720)))
        expected = theirs(moment.replace(tzinfo=None))
        assert ours(moment.astimezone(offset)) == ours(moment) == ours(moment) == expected
    assert ours(None) is None


async def test_cursor_event_listeners_see_precompiled_statements(db: Database) -> None:
    """Statement counters (tests, benchmarks, tracing) see precompiled statements too."""
    contact_id = await db.write(_seed)
    precompiled = PrecompiledStatement(_INSERT_ORDER)
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    for engine in db.engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        await db.write(lambda conn: precompiled.one(conn, _order(contact_id, "SEEN")))
    finally:
        for engine in db.engines:
            event.remove(engine, "before_cursor_execute", record)
    assert [s for s in seen if s.lstrip().upper().startswith("INSERT INTO ORDERS")], seen


async def test_inserted_id_is_the_new_rows_id_or_none_when_the_key_exists(db: Database) -> None:
    contact_id = await db.write(_seed)
    columns = tuple(_order(contact_id, "A"))
    statement = insert_new(db.dialect, tables.orders, ("store_id", "external_id"), columns)
    first = await db.write(lambda conn: statement.inserted_id(conn, _order(contact_id, "A")))
    again = await db.write(lambda conn: statement.inserted_id(conn, _order(contact_id, "A")))
    other = await db.write(lambda conn: statement.inserted_id(conn, _order(contact_id, "B")))
    stored = await db.read(lambda conn: conn.execute(select(tables.orders.c.external_id, tables.orders.c.id)).all())
    assert again is None
    assert sorted(stored) == [("A", first), ("B", other)] and first != other


async def test_inserted_row_also_answers_what_the_insert_was_asked(db: Database) -> None:
    """On PostgreSQL the INSERT's RETURNING evaluates `also` on the new row; SQLite's cursor
    answers the id alone. A key that existed answers None on both."""
    contact_id = await db.write(_seed)
    columns = tuple(_order(contact_id, "A"))
    statement = insert_new(db.dialect, tables.orders, ("store_id", "external_id"), columns)
    also = (CART_TO_RECOVER,)
    first = await db.write(lambda conn: statement.inserted_row(conn, _order(contact_id, "A"), also))
    again = await db.write(lambda conn: statement.inserted_row(conn, _order(contact_id, "A"), also))
    assert first is not None and again is None
    stored = await db.read(lambda conn: conn.scalar(select(tables.orders.c.id)))
    expected = {"id": stored} if db.dialect == "sqlite" else {"id": stored, "has_cart_to_recover": False}
    assert dict(first) == expected


@pytest.mark.parametrize(("owner", "attribute"), SQLALCHEMY_INTERNALS)
def test_the_sqlalchemy_internals_it_reads_are_there(owner: str, attribute: str) -> None:
    """compiled.py reads private SQLAlchemy attributes (pyproject.toml pins the minor version
    it was tested with): an upgrade that drops one fails here, saying what to do."""
    dialect = sqlite.dialect()
    holders = {"SQLCompiler": _INSERT_ORDER.compile(dialect=dialect), "TypeEngine": tables.orders.c.placed_at.type}
    assert hasattr(holders[owner], attribute), internals_missing_message(f"{owner}.{attribute}")


def test_the_sqlalchemy_internals_have_the_shapes_it_reads() -> None:
    dialect = sqlite.dialect()
    compiled: Any = _INSERT_ORDER.compile(dialect=dialect)
    assert set(compiled._bind_processors) <= set(compiled.positiontup)
    assert [entry.keyname for entry in compiled._result_columns] == [column.name for column in tables.orders.c]
    placed_at = next(entry for entry in compiled._result_columns if entry.keyname == "placed_at")
    reader = placed_at.type._cached_result_processor(dialect, None)
    assert reader("2026-05-18 10:00:00.123456") == NOW


def test_a_missing_internal_is_a_clear_error_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(SQLCompiler, "_bind_processors")
    with pytest.raises(SqlalchemyInternalsMissing, match="no _bind_processors that app/db/compiled.py reads"):
        PrecompiledStatement(_INSERT_ORDER)._compile(sqlite.dialect())
