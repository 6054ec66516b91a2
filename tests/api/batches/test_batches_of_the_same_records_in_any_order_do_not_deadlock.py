"""Concurrent batches sending the same stored records again, each in its own order (a shop's
retries, two imports of one history), on PostgreSQL: each chunk locks its stored rows first,
in one order (`app/services/chunk_locks.py`), and a run of orders upserts its contacts in the
order of their phones (`contacts_in_bulk.attach_all`), so that no two batches wait on each
other in a cycle. Each write used to lock its rows in its items' order: deadlocks, broken by
PostgreSQL a second each and retried, until the last attempt answered 500 after 30 to 50
seconds."""

import asyncio
import random
from typing import Any

import pytest
from sqlalchemy import event, text

from tests.conftest import cart_body, order_body

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
        assert locks and all("ORDER BY orders.external_id" in sql for sql in locks)


def _customer(n: int, round_: int) -> dict:
    return {"external_id": f"CU-{n}", "phone": f"+3362{3000000 + n:07d}", "first_name": f"Round {round_}"}


def _cart(n: int, round_: int) -> dict:
    return cart_body(external_id=f"CA-{n}", customer={"phone": f"+3362{3000000 + n:07d}", "first_name": f"R{round_}"})


# a batch path -> its item n of a round, and the tables its chunk locks first, in that order
KINDS = {
    "/orders/batch": (_order, ("contacts", "phone"), ("orders", "external_id")),
    "/carts/batch": (_cart, ("contacts", "phone"), ("carts", "external_id")),
    "/checkouts/batch": (_cart, ("contacts", "phone"), ("carts", "external_id")),
    "/customers/batch": (_customer, ("customers", "external_id"), ("contacts", "phone")),
}


@pytest.mark.parametrize("path", KINDS)
async def test_a_chunk_locks_its_rows_in_one_order_before_its_writes(api, path):
    """PostgreSQL (`app/services/chunk_locks.py`): a chunk locks its stored rows, each table's in
    the order of its key and the tables in the order a single write takes them, before any
    item's write. Concurrent shuffled batches of the same records all answer."""
    if api.db.dialect != "postgresql":
        pytest.skip("SQLite writes one transaction at a time")
    item, *tables_locked = KINDS[path]
    first = await api.post(path, {"items": [item(n, 0) for n in range(ORDERS)]})
    assert first.status_code == 200
    shuffled = random.Random(5).sample(range(ORDERS), ORDERS)
    answer, seen = await _statements_of(api, path, [item(n, 1) for n in shuffled])
    assert answer.status_code == 200
    locks = [sql for sql, _ in seen if "FOR UPDATE" in sql][:2]
    assert [(sql.split(" FROM ")[1].split()[0], sql.split("ORDER BY ")[1].split()[0]) for sql in locks] == [
        (table, f"{table}.{column}") for table, column in tables_locked
    ]
    bodies = [{"items": [item(n, 2 + b) for n in random.Random(b).sample(range(ORDERS), ORDERS)]} for b in range(4)]
    answers = await asyncio.gather(*(api.post(path, body) for body in bodies))
    assert [a.status_code for a in answers] == [200] * 4
    assert {result["status"] for a in answers for result in a.json()["results"]} == {200}
