"""Concurrent batches sending the same stored orders again, each in its own order (a shop's
retries, two imports of one history), on PostgreSQL: a run's contacts are upserted and its
orders locked in one order, their phones' and external ids' (`contacts_in_bulk.attach_all`,
`order_batches._stored`), so that no two batches wait on each other in a cycle. Each used to
lock them in its items' order: deadlocks, broken by PostgreSQL a second each and retried,
until the last attempt answered 500 after 30 to 50 seconds."""

import asyncio
import random
from typing import Any

import pytest
from sqlalchemy import event, text

from tests.conftest import order_body

ORDERS, BATCHES = 150, 6


def _order(n: int, round_: int) -> dict:
    return order_body(
        external_id=f"DL-{n}",
        financial_status=f"status-{round_}",
        customer={"phone": f"+3362{3000000 + n:07d}", "first_name": f"Round {round_}"},
    )


async def _deadlocks(api) -> int:
    return await api.db.read(
        lambda conn: conn.scalar(text("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"))
    )


async def test_shuffled_batches_of_the_same_orders_never_deadlock(api):
    if api.db.dialect != "postgresql":
        pytest.skip("SQLite writes one transaction at a time")
    first = await api.post("/orders/batch", {"items": [_order(n, 0) for n in range(ORDERS)]})
    assert first.status_code == 200
    before = await _deadlocks(api)
    shuffle = random.Random(7)
    bodies = [{"items": [_order(n, 1 + b % 2) for n in shuffle.sample(range(ORDERS), ORDERS)]} for b in range(BATCHES)]
    answers = await asyncio.gather(*(api.post("/orders/batch", body) for body in bodies))
    assert [answer.status_code for answer in answers] == [200] * BATCHES
    assert {result["status"] for answer in answers for result in answer.json()["results"]} == {200}
    assert await _deadlocks(api) == before


async def _statements_of(api, path: str, items: list) -> tuple[Any, list[tuple[str, list]]]:
    """The answer to a batch of `items` at `path`, and the statements its writes sent (SQL on
    one line, parameters)."""
    seen: list[tuple[str, list]] = []

    def statement(_conn, _cursor, sql, values, _context, _many):
        seen.append((" ".join(sql.split()), list(values) if isinstance(values, list | tuple) else []))

    write_engine = api.db.engines[0]
    event.listen(write_engine, "before_cursor_execute", statement)
    try:
        answer = await api.post(path, {"items": items})
    finally:
        event.remove(write_engine, "before_cursor_execute", statement)
    return answer, seen


async def test_a_run_locks_its_contacts_and_orders_in_one_order(api):
    """The mechanism, on both engines: a shuffled batch of stored orders upserts its contacts
    in the order of their phones, and reads its orders (FOR UPDATE on PostgreSQL) in the
    order of their external ids."""
    first = await api.post("/orders/batch", {"items": [_order(n, 0) for n in range(ORDERS)]})
    assert first.status_code == 200
    shuffled = random.Random(3).sample(range(ORDERS), ORDERS)
    answer, seen = await _statements_of(api, "/orders/batch", [_order(n, 1) for n in shuffled])
    assert answer.status_code == 200
    upserts = [values for sql, values in seen if sql.startswith("INSERT INTO contacts")]
    phones = [value for value in upserts[0] if isinstance(value, str) and value.startswith("+3362")]
    assert len(upserts) == 1 and len(phones) == ORDERS
    assert phones == sorted(phones)
    if api.db.dialect == "postgresql":
        locks = [sql for sql, _ in seen if sql.startswith("SELECT") and "FOR UPDATE" in sql and "FROM orders" in sql]
        assert len(locks) == 1 and "ORDER BY orders.external_id" in locks[0]


def _customer(n: int, round_: int) -> dict:
    return {"external_id": f"CU-{n}", "phone": f"+3362{3000000 + n:07d}", "first_name": f"Round {round_}"}


async def test_a_chunk_of_customers_locks_its_records_then_its_contacts_in_one_order(api):
    """PostgreSQL: a customers chunk locks its stored records in the order of their external
    ids, then its contacts in the order of their phones, before any item's write; each write
    then finds its rows locked already. Concurrent shuffled batches of them all answer."""
    if api.db.dialect != "postgresql":
        pytest.skip("SQLite writes one transaction at a time")
    first = await api.post("/customers/batch", {"items": [_customer(n, 0) for n in range(ORDERS)]})
    assert first.status_code == 200
    shuffled = random.Random(5).sample(range(ORDERS), ORDERS)
    answer, seen = await _statements_of(api, "/customers/batch", [_customer(n, 1) for n in shuffled])
    assert answer.status_code == 200
    locks = [sql for sql, _ in seen if "FOR UPDATE" in sql]
    assert locks[0].startswith("SELECT customers.id FROM customers") and "ORDER BY customers.external_id" in locks[0]
    assert locks[1].startswith("SELECT contacts.id FROM contacts") and "ORDER BY contacts.phone" in locks[1]
    bodies = [
        {"items": [_customer(n, 2 + b) for n in random.Random(b).sample(range(ORDERS), ORDERS)]} for b in range(4)
    ]
    answers = await asyncio.gather(*(api.post("/customers/batch", body) for body in bodies))
    assert [a.status_code for a in answers] == [200] * 4
    assert {result["status"] for a in answers for result in a.json()["results"]} == {200}
