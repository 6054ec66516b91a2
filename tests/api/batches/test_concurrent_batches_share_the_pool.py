"""README "Batches": concurrent batches on PostgreSQL share `PARALLEL` chunk transactions per
process, beside the grouped single writes: however many arrive at once they never want more
connections than the write pool has (a dozen batches used to wait for one until the pool's
timeout and answered 500, half written)."""

import asyncio

import pytest
from sqlalchemy import event

from app.services.batches import PARALLEL
from tests.conftest import order_body

GROUPS_IN_FLIGHT = 8  # app/db/postgres.py GroupedWrites
BATCHES, ITEMS = 10, 250  # two chunks each: 20 chunks at once


async def test_concurrent_batches_stay_within_the_write_pool(api):
    if api.db.dialect != "postgresql":
        pytest.skip("SQLite writes its chunks one after the other, on its one connection")
    write_engine = api.db.engines[0]
    out, most = 0, 0

    def checked_out(*_args):
        nonlocal out, most
        out += 1
        most = max(most, out)

    def checked_in(*_args):
        nonlocal out
        out -= 1

    event.listen(write_engine, "checkout", checked_out)
    event.listen(write_engine, "checkin", checked_in)
    batches = [
        {
            "items": [
                order_body(external_id=f"C-{b}-{i}", customer={"phone": f"+3361{b:02d}{i:05d}"}) for i in range(ITEMS)
            ]
        }
        for b in range(BATCHES)
    ]
    answers = await asyncio.gather(*(api.post("/orders/batch", body) for body in batches))
    assert [answer.status_code for answer in answers] == [200] * BATCHES
    assert {result["status"] for answer in answers for result in answer.json()["results"]} == {201}
    assert len(await api.rows("orders")) == BATCHES * ITEMS
    assert most <= PARALLEL + GROUPS_IN_FLIGHT, most
