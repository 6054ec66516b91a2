"""PostgreSQL's own ceiling for scripts/bench_ingest.py: the statements Kanal runs for a new
order, sent straight with asyncpg (no HTTP, no SQLAlchemy at run time), one transaction per
order over N connections.

- `three`: the three statements of a new order — the contact upsert (contacts.attach_contact,
  with the abandoned-cart flag), the order insert (tracking.write_tracked:
  INSERT … ON CONFLICT DO NOTHING RETURNING id) and the `order.created` event
  (events.Outbox) — between BEGIN and COMMIT: five round trips.
- `cte`: the same work as one statement (the order and the event insert read the contact's
  and the order's ids from CTEs): one round trip, autocommit.

The SQL is what SQLAlchemy compiles from the service's own statements; the parameters are
built from the same bodies Kanal receives, through the same command validation. All of them
are built before the clock starts: the figure is the database's and the driver's alone.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect

from app.db.compiled import _compile
from app.db.statements import insert_new
from app.db.tables import orders
from app.db.types import dumps, loads
from app.domain.commands import OrderInput, validate
from app.domain.event_types import EventType, SubjectType
from app.services.contacts import _ATTACH_STATEMENTS, MERGED_FIELDS, MESSAGING_COLUMNS
from app.services.events import _APPEND, contact_view, new_event_id
from app.services.orders import _COLUMNS, PATCHABLE, order_view

_DIALECT = asyncpg_dialect(json_serializer=dumps, json_deserializer=loads)  # as the Database sets it
_CONTACT = _compile(_ATTACH_STATEMENTS[("postgresql", MESSAGING_COLUMNS, True)].statement, _DIALECT)
_EVENT = _compile(_APPEND.statement, _DIALECT)


def _order_columns() -> tuple[str, ...]:
    return (*_COLUMNS, "store_id", "contact_id", "customer_external_id", "phone_source", "line_items",
            "source_updated_at", "created_at", "updated_at", "posted")  # fmt: skip


_ORDER_STATEMENT = insert_new("postgresql", orders, ("store_id", "external_id"), _order_columns()).statement
_ORDER = _compile(_ORDER_STATEMENT.returning(orders.c.id), _DIALECT)  # type: ignore[attr-defined]


def _values(compiled: Any, params: dict[str, Any]) -> list[Any]:
    return [
        params.get(name, default) if convert is None else convert(params.get(name, default))
        for name, default, convert in compiled.binds
    ]


class Order:
    """The bound values of one order's three statements (the contact's and the order's ids,
    known only at run time, are filled in then)."""

    def __init__(self, body: str, store_id: int, region: str):
        command = validate(OrderInput, json.loads(body, parse_float=Decimal), region)
        now = datetime.now(UTC)
        customer = command.customer
        contact = {name: getattr(customer, name, None) for name in MERGED_FIELDS}
        contact.update(
            store_id=store_id, phone=command.phone.e164, phone_type=command.phone.type,
            phone_source=command.phone_source, external_id=customer.external_id if customer else None,
            created_at=now, updated_at=now,
        )  # fmt: skip
        order = {name: getattr(command, name) for name in _COLUMNS}
        order.update(
            store_id=store_id, contact_id=None,
            customer_external_id=customer.external_id if customer else None,
            shipping_address=command.shipping_address.as_json() if command.shipping_address else None,
            billing_address=command.billing_address.as_json() if command.billing_address else None,
            phone_source=command.phone_source, line_items=[item.as_json() for item in command.line_items],
            source_updated_at=command.updated_at, created_at=now, updated_at=now,
        )  # fmt: skip
        order["posted"] = {name: order[name] for name in PATCHABLE}
        self.store_id, self.now, self.order, self.contact = store_id, now, order, contact
        self.contact_values = _values(_CONTACT, contact)
        self.order_values = _values(_ORDER, order)
        self.contact_at = [name for name, _, _ in _ORDER.binds].index("contact_id")

    def event_values(self, order_id: int, contact: Any) -> list[Any]:
        after = order_view({**self.order, "id": order_id})
        data = {
            "subject": {"type": SubjectType.ORDER, "id": order_id, "external_id": self.order["external_id"]},
            "contact": contact_view(contact), "before": None, "after": after,
        }  # fmt: skip
        params = {
            "event_id": new_event_id(), "store_id": self.store_id, "type": EventType.ORDER_CREATED,
            "subject_type": SubjectType.ORDER, "subject_id": order_id, "contact_id": contact["id"],
            "data": data, "backfill": False, "created_at": self.now,
        }  # fmt: skip
        return _values(_EVENT, params)


def _renumbered(sql: str, offset: int, count: int) -> str:
    return re.sub(r"\$(\d+)", lambda match: f"${int(match[1]) + offset}", sql)


def _cte_sql() -> str:
    """contact upsert → order insert reading the contact's id → event insert reading the
    order's id and writing it into the event's data."""
    contact_sql = _CONTACT.sql
    order_names = [name for name, _, _ in _ORDER.binds]
    offset = len(_CONTACT.binds)
    order_sql = _renumbered(_ORDER.sql, offset, len(order_names))
    contact_param = f"${offset + order_names.index('contact_id') + 1}::BIGINT"
    order_sql = order_sql.replace(contact_param, f"coalesce((SELECT id FROM c), {contact_param})", 1)
    event_names = [name for name, _, _ in _EVENT.binds]
    offset += len(order_names)
    subject = f"${offset + event_names.index('subject_id') + 1}::BIGINT"
    data = f"${offset + event_names.index('data') + 1}::JSON"
    # INSERT INTO events (cols) SELECT a, b, … FROM o
    head, values = _EVENT.sql.split(" VALUES (", 1)
    values = values.split(") RETURNING ", 1)[0].rstrip(")")
    event_sql = head + " SELECT " + _renumbered(values, offset, len(event_names))
    contact_id = f"${offset + event_names.index('contact_id') + 1}::BIGINT"
    event_sql = event_sql.replace(subject, f"coalesce(o.id, {subject})", 1)
    event_sql = event_sql.replace(contact_id, f"coalesce((SELECT id FROM c), {contact_id})", 1).replace(
        data, f"jsonb_set({data}::jsonb, '{{subject,id}}', to_jsonb(o.id))::json", 1
    )
    return f"WITH c AS ({contact_sql}), o AS ({order_sql}) {event_sql} FROM o"


async def _three(conn: asyncpg.Connection, order: Order) -> None:
    async with conn.transaction():
        contact = await conn.fetchrow(_CONTACT.sql, *order.contact_values)
        values = list(order.order_values)
        values[order.contact_at] = contact["id"]
        order_id = await conn.fetchval(_ORDER.sql, *values)
        await conn.execute(_EVENT.sql, *order.event_values(order_id, contact))


def _cte(sql: str) -> Callable[[asyncpg.Connection, Order], Any]:
    async def run(conn: asyncpg.Connection, order: Order) -> None:
        # The contact is not known before the statement: the event's contact view is the
        # one the body names (the same values the upsert writes for a new contact).
        contact = {"id": 0, "erased_at": None, **{name: order.contact.get(name) for name in MESSAGING_COLUMNS}}
        values = list(order.order_values)
        values[order.contact_at] = 0
        await conn.execute(sql, *order.contact_values, *values, *order.event_values(0, contact))

    return run


def prepare(bodies: Path, store_id: int, region: str) -> list[Order]:
    return [Order(line, store_id, region) for line in bodies.read_text().splitlines()]


async def _measure(dsn: str, orders_: list[Order], connections: int, run: Callable[..., Any]) -> dict[str, Any]:
    pool = [await asyncpg.connect(dsn) for _ in range(connections)]
    todo = iter(orders_)
    latencies: list[float] = []

    async def worker(conn: asyncpg.Connection) -> None:
        for order in todo:
            started = time.perf_counter()
            await run(conn, order)
            latencies.append(time.perf_counter() - started)

    try:
        started = time.perf_counter()
        await asyncio.gather(*(worker(conn) for conn in pool))
        seconds = time.perf_counter() - started
    finally:
        for conn in pool:
            await conn.close()
    latencies.sort()
    return {
        "rate": len(latencies) / seconds, "ok": len(latencies), "failed": 0, "statuses": {}, "samples": {},
        "p50_us": latencies[len(latencies) // 2] * 1e6, "p99_us": latencies[int(len(latencies) * 0.99)] * 1e6,
    }  # fmt: skip


def three_statements(dsn: str, orders_: list[Order], connections: int) -> dict[str, Any]:
    """Orders/s with the three statements in one transaction per order."""
    return asyncio.run(_measure(dsn, orders_, connections, _three))


def one_statement(dsn: str, orders_: list[Order], connections: int) -> dict[str, Any]:
    """Orders/s with the same work as one CTE statement per order."""
    return asyncio.run(_measure(dsn, orders_, connections, _cte(_cte_sql())))
