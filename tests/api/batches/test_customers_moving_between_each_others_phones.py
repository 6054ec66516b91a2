"""A customers batch moving customers between each other's phones, on PostgreSQL: a customer
write takes its id from the contact holding it (`customers._take_external_id`), a contact of a
phone the item does not name. A chunk giving U0 the phone of U1's contact, beside one giving
U1 the phone of U0's, shares no key with it, and each locked one contact and waited on the
other: a single batch of 1,000 such moves deadlocked at each attempt and answered 503 after a
minute. A chunk now locks those contacts with its phones', in one order
(`chunk_locks.customers_then_contacts`)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

CUSTOMERS = 400  # two chunks, written at once: the first moves the even ids, the second the odd


def _phone(n: int) -> str:
    return f"+3362{5000000 + n:07d}"


def _customer(n: int, phone: int) -> dict:
    return {"external_id": f"MOVE-{n}", "phone": _phone(phone), "first_name": f"M{n}"}


def _swapped() -> list[dict]:
    """Each customer given its partner's phone (2k and 2k+1 swap), the evens first."""
    evens = [_customer(n, n + 1) for n in range(0, CUSTOMERS, 2)]
    odds = [_customer(n, n - 1) for n in range(1, CUSTOMERS, 2)]
    return evens + odds


async def _deadlocks(api) -> int:
    return await api.db.read(
        lambda conn: conn.scalar(text("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"))
    )


@pytest.mark.parametrize("batches", [1, 2])
async def test_customers_swapping_phones_in_one_batch_take_turns(api, batches):
    if api.db.dialect != "postgresql":
        pytest.skip("SQLite writes one transaction at a time")
    stored = await api.post("/customers/batch", {"items": [_customer(n, n) for n in range(CUSTOMERS)]})
    assert {r["status"] for r in stored.json()["results"]} == {201}
    before = await _deadlocks(api)
    swapped = _swapped()
    # two batches: the evens' and the odds' moves, sent at once
    bodies = [{"items": swapped}] if batches == 1 else [{"items": swapped[:200]}, {"items": swapped[200:]}]
    answers = await asyncio.gather(*(api.post("/customers/batch", body) for body in bodies))
    assert [a.status_code for a in answers] == [200] * batches
    assert [r["status"] for a in answers for r in a.json()["results"]] == [200] * CUSTOMERS
    assert await _deadlocks(api) == before
    held = await api.db.read(
        lambda conn: dict(
            conn.execute(text("SELECT external_id, phone FROM contacts WHERE external_id LIKE 'MOVE-%'")).all()
        )
    )
    assert held == {f"MOVE-{n}": _phone(n + 1 if n % 2 == 0 else n - 1) for n in range(CUSTOMERS)}
