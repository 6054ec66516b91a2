"""Crash safety of the real server, on both engines.

- SPEC §8: an acknowledged write (2xx) survives a crash of the server process.
- SPEC §6: a write and its events are one transaction, so a crash never leaves half of one:
  no order without its contact, no contact without the order that created it, no order without
  its `order.created` event, no event without its order.
- SPEC §3 / §9: every call can be replayed safely: after the restart, re-sending what got no
  answer gives 200 when the write had landed and 201 when it had not.

`kanal serve` (one process, so SIGKILL reaches the server itself) takes a few hundred orders,
each with its own phone and line items, from 12 connections at once; it is SIGKILLed once 120
answers have arrived, with requests still in flight, then restarted on the same database.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import postgres
from tests.realserver import API, LiveServer, Prepared, prepared_database, read_tables, serving

ORDERS = 320
CONNECTIONS = 12
KILL_AFTER = 120  # acknowledged answers before the SIGKILL


def phone(index: int) -> str:
    return f"+336124{index:05d}"


def crash_order(index: int) -> dict[str, Any]:
    """A distinct order: its own phone, customer id, total and one to three line items."""
    return {
        "external_id": f"CRASH-{index:04d}",
        "placed_at": "2026-05-18T10:00:00Z",
        "total_price": f"{index}.{index % 100:02d}",
        "currency": "EUR",
        "customer": {"phone": phone(index), "external_id": f"CUST-{index}", "first_name": f"N{index}"},
        "line_items": [
            {
                "sku": f"SKU-{index}-{line}",
                "title": f"Item {line} of order {index}",
                "quantity": line + 1,
                "price": 10 + index % 7 + line / 4,
                "options": {"size": "SML"[line], "gift": index % 2 == 0},
            }
            for line in range(1 + index % 3)
        ],
    }


def phone_of(body: dict[str, Any]) -> str:
    return body["customer"]["phone"]


@dataclass
class Load:
    """What each request came to. `in_flight`: sent, no answer (may or may not have landed)."""

    acknowledged: dict[str, dict[str, Any]] = field(default_factory=dict)
    in_flight: dict[str, dict[str, Any]] = field(default_factory=dict)
    never_sent: dict[str, dict[str, Any]] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)  # answers other than 201
    killed: bool = False


async def load_then_kill(server: LiveServer, db: Prepared) -> Load:
    """CONNECTIONS clients share the queue of orders; the one receiving answer KILL_AFTER
    SIGKILLs the server, and no client starts a request after that."""
    load = Load()
    queue = [crash_order(index) for index in range(ORDERS)]
    queue.reverse()

    async def client() -> None:
        async with httpx.AsyncClient(base_url=server.base_url, headers=db.auth, timeout=20) as http:
            while queue:
                body = queue.pop()
                if load.killed:
                    load.never_sent[body["external_id"]] = body
                    continue
                try:
                    response = await http.post(API + "/orders", json=body)
                except httpx.ConnectError:
                    load.never_sent[body["external_id"]] = body
                    continue
                except httpx.TransportError:
                    load.in_flight[body["external_id"]] = body
                    continue
                if response.status_code != 201:
                    load.refused.append(f"{body['external_id']}: {response.status_code} {response.text[:200]}")
                    continue
                load.acknowledged[body["external_id"]] = body
                if len(load.acknowledged) == KILL_AFTER and not load.killed:
                    load.killed = True
                    server.kill()  # blocking: no other answer is read before the process is gone

    await asyncio.gather(*(client() for _ in range(CONNECTIONS)))
    return load


def assert_stored_whole(load: Load, rows: dict[str, list[dict[str, Any]]]) -> None:
    orders = {order["external_id"]: order for order in rows["orders"]}
    contacts = {contact["id"]: contact for contact in rows["contacts"]}

    missing = sorted(set(load.acknowledged) - set(orders))
    assert not missing, f"acknowledged (201) but lost after SIGKILL: {missing}"
    unexpected = sorted(set(orders) - set(load.acknowledged) - set(load.in_flight))
    assert not unexpected, f"stored but never sent: {unexpected}"

    for external_id, order in orders.items():
        sent = load.acknowledged.get(external_id) or load.in_flight[external_id]
        contact = contacts.get(order["contact_id"])
        assert contact is not None, f"{external_id}: order without its contact"
        assert contact["phone"] == phone_of(sent), external_id
        assert contact["external_id"] == sent["customer"]["external_id"], external_id
        assert order["line_items"] == sent["line_items"], external_id
        assert order["total_price"] == Decimal(sent["total_price"]), external_id

    # Every contact was created by one of these orders (distinct phones): none left behind.
    assert len(contacts) == len(orders)
    # The outbox: exactly one order.created per stored order, and none for a lost one.
    created = sorted(e["subject_id"] for e in rows["events"] if e["type"] == "order.created")
    assert created == sorted(order["id"] for order in orders.values())


async def replay_unanswered(server: LiveServer, db: Prepared, load: Load, stored: set[str]) -> None:
    """After the restart, re-send what got no answer: 200 if it had landed, 201 if not."""
    unanswered = {**load.in_flight, **load.never_sent}
    async with httpx.AsyncClient(base_url=server.base_url, headers=db.auth, timeout=20) as http:
        for external_id, body in unanswered.items():
            response = await http.post(API + "/orders", json=body)
            assert response.status_code == (200 if external_id in stored else 201), (external_id, response.text)


@pytest.fixture(params=postgres.engines_under_test())
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Prepared]:
    """A fresh database prepared with the CLI (sync: the PostgreSQL one is made with asyncio.run)."""
    with prepared_database(request.param, tmp_path) as prepared:
        yield prepared


async def test_acknowledged_orders_survive_sigkill_and_nothing_is_half_written(db: Prepared):
    server = LiveServer(db.url)
    try:
        load = await load_then_kill(server, db)
    finally:
        server.stop()  # nothing to do once killed; stops it if the load failed first
    assert not load.refused, f"{load.refused[:5]}\nserver stderr:\n{server.tracebacks()[-3000:]}"
    assert load.killed and len(load.acknowledged) >= KILL_AFTER
    assert load.never_sent, "the SIGKILL came after the last request: not mid-load"

    with serving(db.url) as restarted:
        rows = await read_tables(db.url, "orders", "contacts", "events")
        assert_stored_whole(load, rows)
        await assert_served_after_restart(restarted, db, load)
        await replay_unanswered(restarted, db, load, stored={order["external_id"] for order in rows["orders"]})
        final = await read_tables(db.url, "orders", "contacts")
        assert len(final["orders"]) == len(final["contacts"]) == ORDERS


async def assert_served_after_restart(server: LiveServer, db: Prepared, load: Load) -> None:
    """The restarted server reads acknowledged orders back (a sample of 20) as they were sent."""
    sample = list(load.acknowledged.items())[:: max(1, len(load.acknowledged) // 20)]
    async with httpx.AsyncClient(base_url=server.base_url, headers=db.auth, timeout=20) as http:
        for external_id, body in sample:
            order = (await http.get(f"{API}/orders/{external_id}")).json()
            assert (order["contact"]["phone"], order["line_items"]) == (phone_of(body), body["line_items"])
