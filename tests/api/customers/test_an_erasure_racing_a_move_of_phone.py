"""README "Erasure", on PostgreSQL: an erasure of a customer id and a write that moves that
customer to a new phone, sent at once, end as one after the other would: the customer on the
new phone (the write came second: a customer sent after its erasure is stored again), or
nothing of it left (the erasure came second: both phones' contacts erased). The erasure read
the contacts to erase, then waited for the rows the write held (the customer record, or the
contact an order's customer gave the id when there was no record yet); the write moved the
id (and the record) to the new phone's contact and committed; the erasure then deleted the
record and erased the old phone's contact alone: the new phone's contact kept the names, the
email and the id, reachable at GET /customers/{id}, of a customer erased."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest

from tests.conftest import Api, order_body

ROUNDS = 60


def _customer(external_id: str, phone: str, name: str) -> dict[str, Any]:
    return {"external_id": external_id, "phone": phone, "first_name": name, "email": f"{name.lower()}@example.com"}


async def _after(delay: float, call: Any) -> Any:
    await asyncio.sleep(delay)
    return await call


async def _end(api: Api, external_id: str, phones: tuple[str, str]) -> str:
    """How the round of `external_id` ended: "moved, then erased", "erased, then moved", or what
    neither order leaves."""
    records = [row for row in await api.rows("customers") if row["external_id"] == external_id]
    contacts = await api.rows("contacts")
    kept = [row for row in contacts if row["erased_at"] is None and row["external_id"] == external_id]
    with_data = [row for row in contacts if row["erased_at"] is None and row["phone"] in phones]
    if not records and not kept and not with_data:
        return "moved, then erased"
    new_phone = [row for row in with_data if row["phone"] == phones[1] and row["first_name"] == "Moved"]
    if len(records) == 1 and with_data == new_phone == kept and records[0]["contact_id"] == kept[0]["id"]:
        return "erased, then moved"
    left = [(row["phone"], row["first_name"], row["external_id"]) for row in with_data]
    return f"neither: {len(records)} customer record, not erased {left}"


async def _customer_record(api: Api, external_id: str, phone: str) -> int:
    return (await api.post("/customers", _customer(external_id, phone, "First"))).status_code


async def _order_customer(api: Api, external_id: str, phone: str) -> int:
    """No customer record: the contact of an order's customer holds the id."""
    body = order_body(external_id=f"O-{external_id}", customer=_customer(external_id, phone, "First"))
    return (await api.post("/orders", body)).status_code


# what the customer id names before the two requests: how to write it there
BEFORE = {"a customer record": _customer_record, "an order's customer": _order_customer}


@pytest.mark.parametrize("before", BEFORE, ids=list(BEFORE))
async def test_an_erasure_racing_a_move_of_phone_ends_as_one_after_the_other(api: Api, before: str) -> None:
    if api.db.dialect != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time: no write can race an erasure")
    rng = random.Random(20261130)
    ends: dict[str, int] = {}
    for round_ in range(ROUNDS):
        external_id, phones = f"RACE-{round_}", (f"+3361200{round_:04d}", f"+3361299{round_:04d}")
        assert await BEFORE[before](api, external_id, phones[0]) == 201
        # the two requests a few milliseconds apart, either first: each in a transaction of its own
        delays = [rng.uniform(0, 0.004), rng.uniform(0, 0.004)]
        moved, erased = await asyncio.gather(
            _after(delays[0], api.post("/customers", _customer(external_id, phones[1], "Moved"))),
            _after(delays[1], api.delete(f"/customers/{external_id}")),
        )
        assert (moved.status_code in (200, 201), erased.status_code) == (True, 204)
        end = await _end(api, external_id, phones)
        ends[end] = ends.get(end, 0) + 1
    # nothing but one after the other (which one came first is the machine's timing: not pinned)
    assert set(ends) <= {"moved, then erased", "erased, then moved"}, ends
