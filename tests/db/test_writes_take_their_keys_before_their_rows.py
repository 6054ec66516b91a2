"""On PostgreSQL a group commit whose writes share a record takes the keys its writes declare
(`key_locks.declare`) before the first of them runs, and a write run alone after a failed
group or a conflict takes its own first (app/db/postgres.py, "Lock order"): a group of an
order of a customer's phone then a write of the customer, racing an erasure of that customer,
locked the contact, then waited for the customer record the erasure held while the erasure
waited for the contact, and under a burst of such groups the erasure lost every attempt (a
503). A group of records apart, and a write's first attempt alone, take none. Each single
write of a record declares its keys (record_keys)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from app.db import key_locks
from app.domain.commands import CartInput, CartUpdate, CustomerInput, OrderInput, OrderUpdate, ShipmentInput
from app.services import carts, customers, order_batches, orders, shipments
from tests.conftest import Api
from tests.db.test_key_locks import held_keys

NOW = datetime(2026, 12, 6, tzinfo=UTC)
KEY_A, KEY_B = key_locks.key("test", 1, "A"), key_locks.key("test", 1, "B")


@pytest.fixture
def postgres_api(api: Api) -> Api:
    if api.db.dialect != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time: nothing to take turns with")
    return api


def declared(keys: list[int], runs: list[tuple[str, list[int]]], fail_first: str | None = None) -> Callable[..., str]:
    """A write declaring `keys`, noting (its name, the keys held when it runs) in `runs`; the
    first run of the one named `fail_first` fails with a deadlock PostgreSQL reports."""

    def work(conn: Connection, name: str) -> str:
        runs.append((name, held_keys(conn)))
        if name == fail_first and [run for run, _ in runs].count(name) == 1:
            conn.execute(text("DO $$ BEGIN RAISE EXCEPTION 'cycle' USING ERRCODE = '40P01'; END $$"))
        return name

    key_locks.declare(work, lambda _name: keys)
    return work


@pytest.fixture
async def holder(postgres_api: Api) -> AsyncIterator[AsyncConnection]:
    """A connection of its own, outside the writes' pool, for a session lock on a key."""
    engine = create_async_engine(postgres_api.db.url)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": KEY_B})
            await conn.commit()
            yield conn
            await conn.execute(text("SELECT pg_advisory_unlock_all()"))
            await conn.commit()
    finally:
        await engine.dispose()


async def _waiting_on_a_key(conn: AsyncConnection) -> bool:
    waiting = await conn.execute(
        text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'")
    )
    await conn.commit()
    return bool(waiting.scalar())


async def test_a_group_whose_writes_share_a_record_takes_all_keys_before_its_first_write(
    postgres_api: Api, holder: AsyncConnection
):
    """Both writes declare A, the second also B, which is held elsewhere: the group waits for
    it before its first write runs, then runs both holding both keys."""
    runs: list[tuple[str, list[int]]] = []
    first, second = declared([KEY_A], runs), declared([KEY_A, KEY_B], runs)
    group = asyncio.gather(postgres_api.db.write(first, "first"), postgres_api.db.write(second, "second"))
    for _ in range(200):
        if await _waiting_on_a_key(holder):
            break
        await asyncio.sleep(0.01)
    assert (await _waiting_on_a_key(holder), runs) == (True, [])
    await holder.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": KEY_B})
    await holder.commit()
    assert await group == ["first", "second"]
    assert runs == [("first", sorted([KEY_A, KEY_B])), ("second", sorted([KEY_A, KEY_B]))]


async def test_a_group_of_records_apart_takes_no_key(postgres_api: Api, holder: AsyncConnection):
    """No key declared twice: no statement more, and a key held elsewhere is not waited for."""
    runs: list[tuple[str, list[int]]] = []
    first, second = declared([KEY_A], runs), declared([KEY_B], runs)
    answers = await asyncio.gather(postgres_api.db.write(first, "first"), postgres_api.db.write(second, "second"))
    assert (answers, runs) == (["first", "second"], [("first", []), ("second", [])])


@pytest.mark.parametrize(
    ("grouped", "expected"),
    [
        # alone: the first attempt takes no key; the one after the deadlock takes its own
        (False, [("lost", []), ("lost", [KEY_A])]),
        # in a group with a write sharing a record: both keys, then each alone with its own
        (True, [("lost", sorted([KEY_A, KEY_B])), ("lost", [KEY_A]), ("other", sorted([KEY_A, KEY_B]))]),
    ],
    ids=["alone", "grouped"],
)
async def test_a_write_run_again_takes_its_keys_first(
    postgres_api: Api, grouped: bool, expected: list[tuple[str, list[int]]]
):
    runs: list[tuple[str, list[int]]] = []
    lost = declared([KEY_A], runs, fail_first="lost")
    if grouped:
        other = declared([KEY_A, KEY_B], runs)
        answers = await asyncio.gather(postgres_api.db.write(lost, "lost"), postgres_api.db.write(other, "other"))
        assert answers == ["lost", "other"]
        assert runs[:1] == expected[:1] and sorted(runs[1:]) == expected[1:]
    else:
        assert await postgres_api.db.write(lost, "lost") == "lost"
        assert runs == expected


# what an order and a cart both carry: a customer of an id and a phone, an amount
PRICED = {"customer": {"external_id": "C-1", "phone": "+33612345678"}, "currency": "EUR", "total_price": "10.00"}


def _order() -> OrderInput:
    fields = {"external_id": "O-1", "financial_status": "paid", "placed_at": "2026-12-01T10:00:00Z"}
    return OrderInput.model_validate({**PRICED, **fields})


def _cart() -> CartInput:
    return CartInput.model_validate({**PRICED, "external_id": "K-1", "abandoned_at": "2026-12-01T10:00:00Z"})


def _customer() -> CustomerInput:
    return CustomerInput.model_validate({"external_id": "C-1", "phone": "+33612345678"})


def _shipment() -> ShipmentInput:
    return ShipmentInput.model_validate(
        {"external_id": "S-1", "order_external_id": "O-1", "status": "in_transit", "tracking_number": "1Z"}
    )


def _keys(*names: tuple[str, str]) -> list[int]:
    return [key_locks.key(kind, 7, name) for kind, name in names]


# each single write of a record -> its arguments after the connection -> the keys it declares
SINGLE_WRITES: list[tuple[Any, tuple[Any, ...], list[int]]] = [
    (
        order_batches.STORE_ORDER,
        (7, _order(), NOW, False),
        _keys(("order", "O-1"), ("phone", "+33612345678"), ("customer", "C-1")),
    ),
    (
        carts._store_cart,
        (7, _cart(), NOW, False),
        _keys(("cart", "K-1"), ("phone", "+33612345678"), ("customer", "C-1")),
    ),
    (customers._store_customer, (7, _customer(), NOW, False), _keys(("phone", "+33612345678"), ("customer", "C-1"))),
    (shipments._store_shipment, (7, _shipment(), NOW, False), _keys(("shipment", "S-1"))),
    (customers._erase, (7, "C-1", NOW, False), _keys(("customer", "C-1"))),
    (customers._erase_phone, (7, "+33612345678", NOW, False), _keys(("phone", "+33612345678"))),
    (orders._change_order, (7, "O-1", OrderUpdate(), NOW, False, 1000), _keys(("order", "O-1"))),
    (carts._change_cart, (7, "K-1", CartUpdate(), NOW, False, 1000), _keys(("cart", "K-1"))),
]


@pytest.mark.parametrize(
    ("work", "args", "keys"),
    SINGLE_WRITES,
    ids=["order", "cart", "customer", "shipment", "erasure", "erasure by phone", "order PATCH", "cart PATCH"],
)
def test_each_single_write_declares_the_keys_of_its_records(work: Any, args: tuple[Any, ...], keys: list[int]):
    assert key_locks.keys_of(work, args) == keys
