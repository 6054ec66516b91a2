"""A record's events never go back in time: in outbox order, each one's `created_at` is at or
after the one before it (README, "Automations: events and webhooks"), so a receiver that keeps
the newest update of a subject by its `created_at` keeps the last.

On PostgreSQL a write takes its time when it reaches its write, and may then wait for the rows
it locks while another write of the same record commits. Here an order write of each way a
shop sends one (REST, batch, GraphQL) comes with the order's customer on a new phone, whose
contact another transaction holds: it waits there, before the order's own row, while a write
of the same order with its old phone commits; then the held one goes on. Its events, appended
after the other's, were stamped with its earlier time. SQLite runs one write transaction at a
time, in the order the writes reached it: no write passes another there."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from app.db.types import dumps, loads
from app.domain.commands import OrderInput, validate
from app.services import orders
from app.services.results import utcnow
from tests.api.calls import gql
from tests.api.customers.test_a_write_racing_the_erasure_stays_detached import waiting_for_a_lock
from tests.conftest import STORE_ID, Api, order_body

UPSERT_ORDER = """mutation($input: OrderInput!) { upsertOrder(storeId: 123, input: $input) { userErrors { field } } }"""


OTHER_PHONE = "+33698765432"  # a customer's other phone, whose contact is held


@dataclass(frozen=True)
class Case:
    kind: str  # the events' subject type
    seed: tuple[str, dict[str, Any]]  # the order as first written: REST path and body
    held: Callable[[Api], Awaitable[Any]]  # the write with OTHER_PHONE (through the API)
    passing: Callable[[Any], Any]  # the other write, old phone, on a connection of its own: work(conn)


def _order_write(body: dict[str, Any]) -> Callable[[Any], Any]:
    command = validate(OrderInput, body, "FR")
    return lambda conn: orders._store_order(conn, STORE_ID, command, utcnow(), False)


def _moved(body: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**body, **changes, "customer": {**body["customer"], "phone": OTHER_PHONE}}


ORDER = order_body()
PAID, FULFILLED = _moved(ORDER, financial_status="paid"), {**ORDER, "fulfillment_status": "fulfilled"}
PAID_INPUT = {
    "externalId": "ORDER-1001",
    "placedAt": ORDER["placed_at"],
    "totalPrice": "49.90",
    "currency": "EUR",
    "financialStatus": "paid",
    "customer": {"phone": OTHER_PHONE},
}

CASES = {
    "order POST": Case("order", ("/orders", ORDER), lambda api: api.post("/orders", PAID), _order_write(FULFILLED)),
    "order in a batch": Case(
        "order",
        ("/orders", ORDER),
        lambda api: api.post("/orders/batch", {"items": [PAID]}),
        _order_write(FULFILLED),
    ),
    "order by GraphQL": Case(
        "order", ("/orders", ORDER), lambda api: gql(api, UPSERT_ORDER, {"input": PAID_INPUT}), _order_write(FULFILLED)
    ),
}


@pytest.fixture
def postgres_api(api: Api) -> Api:
    if api.db.dialect != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time, in the order the writes reach it")
    return api


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
async def test_a_write_held_at_a_lock_records_its_events_after_the_one_that_passed(
    postgres_api: Api, case: Case
) -> None:
    api = postgres_api
    assert (await api.post("/customers", {"phone": OTHER_PHONE})).status_code == 201
    path, body = case.seed
    assert (await api.post(path, body)).status_code == 201
    engine = create_async_engine(api.db.url, json_serializer=dumps, json_deserializer=loads)  # as the app's
    try:
        async with engine.connect() as holding, engine.connect() as passing, engine.connect() as watching:
            await holding.begin()
            await holding.execute(text("SELECT id FROM contacts WHERE phone = :p FOR UPDATE"), {"p": OTHER_PHONE})
            held = asyncio.create_task(case.held(api))
            await waiting_for_a_lock(watching)
            await passing.begin()
            await passing.run_sync(case.passing)
            await passing.commit()
            await holding.commit()
            answer = await held
    finally:
        await engine.dispose()
    if isinstance(answer, dict):  # GraphQL's
        assert answer["data"]["upsertOrder"]["userErrors"] == []
    else:
        assert answer.status_code == 200
    recorded = [
        (row["type"], row["created_at"])
        for row in sorted(await api.rows("events"), key=lambda row: row["id"])
        if row["subject_type"] == case.kind
    ]
    assert len(recorded) >= 3, recorded  # the first write's, the passing one's, the held one's
    times = [created_at for _type, created_at in recorded]
    assert times == sorted(times), recorded
