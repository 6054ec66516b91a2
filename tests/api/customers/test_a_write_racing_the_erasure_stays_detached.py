"""SPEC §4.3, README "Erasure": on PostgreSQL, a write of an order or a cart that reaches the
record while an erasure of its customer is under way (it has looked for the erasure's note of
the record, found none, and then waits for the rows the erasure holds) stays detached once the
erasure commits, as a write sent after it does: the erasure's data never comes back, and no
contact is made of the erased phone.

Every write path that carries a customer (REST, batch, GraphQL; orders, carts, checkouts), each
sent while the erasure's transaction is open and before its COMMIT. SQLite runs one write
transaction at a time: no write can start between an erasure's reads and its COMMIT there."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from app.services import customers
from app.services.results import utcnow
from tests.api.customers.test_a_record_sent_again_after_erasure_stays_detached import (
    CART,
    CART_AGAIN,
    CASES,
    ERASED_RECOVERY,
    NEIGHBOURS,
    ORDER,
    ORDER_AGAIN,
    ORDER_AGAIN_IN_A_RUN,
    PAID,
    PHONE,
    RESENT,
    Case,
    batch,
    rest,
    stays_detached,
)
from tests.conftest import STORE_ID, Api

# The customer's new phone: its contact is not one the erasure holds, so the write goes on to
# the order's row before the erasure commits.
NEW_PHONE = "+33698765432"


def with_new_phone(body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "customer": {**body["customer"], "phone": NEW_PHONE}}


# A PATCH carries no customer: it has nothing to bring back (the other test covers it).
RACING = {name: case for name, case in CASES.items() if "PATCH" not in name}
RACING["order POST, a new phone"] = Case("orders", rest("post", "/orders", with_new_phone(ORDER_AGAIN)), 200, PAID, [])
RACING["order in a batch, a new phone"] = Case(
    "orders",
    batch("/orders/batch", [NEIGHBOURS[0], with_new_phone(ORDER_AGAIN_IN_A_RUN), NEIGHBOURS[1]], at=1),
    200,
    PAID,
    [],
)
RACING["cart POST, a new phone"] = Case(
    "carts", rest("post", "/carts", with_new_phone(CART_AGAIN)), 200, RESENT, ERASED_RECOVERY
)
RACING["cart in a batch, a new phone"] = Case(
    "carts", batch("/carts/batch", [with_new_phone(CART_AGAIN)], at=0), 200, RESENT, ERASED_RECOVERY
)
# Seconds the write may take to reach the rows the erasure holds: past it, the test fails.
REACH_SECONDS = 30.0


@pytest.fixture
def postgres_api(api: Api) -> Api:
    if api.db.dialect != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time: no write can race an erasure")
    return api


async def waiting_for_a_lock(conn: AsyncConnection) -> None:
    """Returns once a session of this database waits for a row lock (the racing write, behind
    the erasure's open transaction); TimeoutError past REACH_SECONDS."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    async with asyncio.timeout(REACH_SECONDS):
        while not await conn.scalar(query):
            await asyncio.sleep(0.01)


@pytest.mark.parametrize("case", RACING.values(), ids=RACING.keys())
async def test_a_write_racing_the_erasure_stays_detached(postgres_api: Api, case: Case) -> None:
    api = postgres_api
    for path, body in [("/orders", ORDER), ("/carts", CART), *(("/orders", order) for order in NEIGHBOURS)]:
        assert (await api.post(path, body)).status_code == 201
    contact_id = (await api.rows("orders"))[0]["contact_id"]
    engine = create_async_engine(api.db.url)
    try:
        async with engine.connect() as erasing, engine.connect() as watching:
            await erasing.begin()
            assert await erasing.run_sync(customers._erase, STORE_ID, "CUST-42", utcnow(), False) == 1
            write = asyncio.create_task(case.send(api))
            await waiting_for_a_lock(watching)
            await erasing.commit()
            status, automations = await write
    finally:
        await engine.dispose()
    await stays_detached(api, case, contact_id, (status, automations), phones=(PHONE, NEW_PHONE))
