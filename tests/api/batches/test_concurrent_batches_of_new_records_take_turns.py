"""Concurrent batches of the same new records, each in its own order (a shop's retries of an
import, two imports of one history), on PostgreSQL: every chunk takes its records' keys first,
sorted (`app/services/record_keys.py`), so the first inserts of a phone, a customer id or a
record's id never meet in two orders. A chunk's row locks (`chunk_locks`) could only order rows
already stored: the new ones met at their unique indexes in the items' order, and the batches
deadlocked at every attempt until they answered 503 after 30 to 90 seconds."""

from __future__ import annotations

import asyncio
import random

import pytest
from sqlalchemy import text

from tests.conftest import cart_body, order_body

RECORDS, PHONES, CUSTOMERS, BATCHES = 300, 80, 50, 4


def _phone(n: int) -> str:
    return f"+3362{4000000 + n % PHONES:07d}"


def _order(n: int) -> dict:
    customer = {"external_id": f"NC-{n % CUSTOMERS}", "phone": _phone(n), "first_name": "Marie"}
    return order_body(external_id=f"NEW-{n}", customer=customer)


def _cart(n: int) -> dict:
    return cart_body(external_id=f"NEWCART-{n}", customer={"external_id": f"NC-{n % CUSTOMERS}", "phone": _phone(n)})


def _customer(n: int) -> dict:
    return {"external_id": f"NC-{n % CUSTOMERS}", "phone": _phone(n), "first_name": f"N{n}"}


def _shipment(n: int) -> dict:
    return {"external_id": f"NEWSHIP-{n}", "order_external_id": f"NEW-{n % 10}", "status": "in_transit"}


# a batch path -> its item n, the table its records are rows of, and the rows it leaves
KINDS = {
    "/orders/batch": (_order, "orders", RECORDS),
    "/carts/batch": (_cart, "carts", RECORDS),
    "/checkouts/batch": (_cart, "carts", RECORDS),
    "/customers/batch": (_customer, "customers", CUSTOMERS),
    "/shipments/batch": (_shipment, "shipments", RECORDS),
}


async def _deadlocks(api) -> int:
    return await api.db.read(
        lambda conn: conn.scalar(text("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"))
    )


@pytest.mark.parametrize("path", KINDS)
async def test_shuffled_batches_of_the_same_new_records_take_turns(api, path):
    if api.db.dialect != "postgresql":
        pytest.skip("SQLite writes one transaction at a time")
    item, table, rows = KINDS[path]
    if path == "/shipments/batch":
        orders = await api.post("/orders/batch", {"items": [_order(n) for n in range(10)]})
        assert orders.status_code == 200
    before = await _deadlocks(api)
    bodies = [{"items": [item(n) for n in random.Random(b).sample(range(RECORDS), RECORDS)]} for b in range(BATCHES)]
    answers = await asyncio.gather(*(api.post(path, body) for body in bodies))
    assert [answer.status_code for answer in answers] == [200] * BATCHES
    statuses = sorted(result["status"] for answer in answers for result in answer.json()["results"])
    created = rows
    assert statuses == [200] * (BATCHES * RECORDS - created) + [201] * created
    assert len(await api.rows(table)) == rows
    assert len(await api.rows("contacts")) == (PHONES if path != "/shipments/batch" else 10)
    assert await _deadlocks(api) == before
