"""Races through real HTTP against `kanal serve`, with the rows checked afterwards.

Rules under race:
- SPEC §3: every POST is an upsert on (store_id, external_id): 201 the first time the key is
  seen, 200 after; one row per key.
- SPEC §4.1: one contact per (store, E.164 phone).
- SPEC §4.2: `customer.external_id` is stored on the contact when no other contact of the store
  holds it (so no two contacts ever hold one id).
- SPEC §3.1: PATCH `metadata` is a JSON merge patch of the stored object (no lost update).
- SPEC §6: a replay that changes nothing emits nothing (one `*.created` event per record).
- SPEC §7: no input ever yields a 500. SPEC §8: same behaviour on SQLite and PostgreSQL, and
  with any number of web processes on PostgreSQL.

Each test gets a fresh database prepared with the `kanal` CLI and its own server: SQLite, and
PostgreSQL with one and with two worker processes. The server's database connections are opened
first (warm_up); a burst then opens one connection per request and fires them all at once
(asyncio.gather).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import postgres
from tests.conftest import order_body, shipment_body
from tests.realserver import API, LiveServer, Prepared, prepared_database, read_tables, serving

ENGINES = postgres.engines_under_test()
SERVERS = [
    (engine, workers) for engine, workers in (("sqlite", 1), ("postgresql", 1), ("postgresql", 2)) if engine in ENGINES
]


def servers() -> list[Any]:
    """The servers a test runs on."""
    return [pytest.param((engine, workers), id=f"{engine}-{workers}w") for engine, workers in SERVERS]


def on_servers() -> pytest.MarkDecorator:
    return pytest.mark.parametrize("live", servers(), indirect=True)


@dataclass
class Live:
    """A prepared database, the server in front of it, and the calls a racing shop makes."""

    db: Prepared
    server: LiveServer

    async def burst(self, method: str, path: str, bodies: list[Any]) -> list[httpx.Response]:
        """Every body at once, each on its own connection."""
        limits = httpx.Limits(max_connections=len(bodies), max_keepalive_connections=len(bodies))
        async with httpx.AsyncClient(
            base_url=self.server.base_url, headers=self.db.auth, limits=limits, timeout=60
        ) as client:
            return await asyncio.gather(*(client.request(method, API + path, json=body) for body in bodies))

    async def warm_up(self) -> None:
        """Open the server's database connections first (a 404 read per connection), so that a
        burst races in the database rather than queueing behind connection set-up."""
        await self.burst("GET", "/orders/warm-up", [None] * 32)

    async def send(self, method: str, path: str, body: Any = None) -> httpx.Response:
        async with httpx.AsyncClient(base_url=self.server.base_url, headers=self.db.auth, timeout=30) as client:
            return await client.request(method, API + path, json=body)

    async def rows(self, *tables: str) -> dict[str, list[dict[str, Any]]]:
        return await read_tables(self.db.url, *tables)

    def expect_statuses(self, responses: list[httpx.Response], expected: dict[int, int]) -> None:
        """The status counts, or a message with the first unexpected answer and the server's log."""
        got = Counter(response.status_code for response in responses)
        if got != Counter(expected):
            odd = next((r for r in responses if r.status_code not in expected), responses[0])
            pytest.fail(
                f"[{self.db.engine}, {self.server.workers} worker(s)] statuses {dict(got)}, expected {expected}; "
                f"e.g. {odd.request.method} {odd.request.url.path} {odd.request.content[:300]!r} -> "
                f"{odd.status_code} {odd.text[:300]}\nserver stderr:\n{self.server.tracebacks()[-4000:]}"
            )


@pytest.fixture(params=servers())
def live(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Live]:
    engine, workers = request.param
    with prepared_database(engine, tmp_path) as db, serving(db.url, workers=workers) as server:
        live = Live(db, server)
        asyncio.run(live.warm_up())
        yield live


def phone(index: int) -> str:
    """A distinct valid French mobile number per index."""
    return f"+336123{index:05d}"


def order(external_id: str, phone_number: str, customer_id: str | None = None) -> dict[str, Any]:
    customer: dict[str, Any] = {"phone": phone_number, "first_name": "Marie"}
    if customer_id is not None:
        customer["external_id"] = customer_id
    return order_body(external_id=external_id, customer=customer)


def events_of(rows: list[dict[str, Any]], event_type: str) -> list[dict[str, Any]]:
    return [row for row in rows if row["type"] == event_type]


def assert_no_id_on_two_contacts(contacts: list[dict[str, Any]]) -> None:
    """SPEC §4.2: an id is stored on a contact only when no other contact of the store holds it."""
    held = Counter(contact["external_id"] for contact in contacts if contact["external_id"] is not None)
    assert all(count == 1 for count in held.values()), held


# --- orders -------------------------------------------------------------------------------------


async def test_one_new_order_posted_64_times_at_once(live: Live):
    """SPEC §3 upsert: exactly one 201, 63 × 200, one order, one contact, one order.created.
    (The embedded customer has no id here: test_..._with_customer_id adds one.)"""
    body = order("ORDER-1001", "+33612345678")
    responses = await live.burst("POST", "/orders", [body] * 64)
    live.expect_statuses(responses, {201: 1, 200: 63})
    assert len({response.json()["id"] for response in responses}) == 1

    rows = await live.rows("orders", "contacts", "events")
    assert [o["external_id"] for o in rows["orders"]] == ["ORDER-1001"]
    assert [c["phone"] for c in rows["contacts"]] == ["+33612345678"]
    assert len(events_of(rows["events"], "order.created")) == 1


@on_servers()
async def test_walkthrough_order_with_customer_id_posted_64_times_at_once(live: Live):
    """SPEC §3 upsert + §4.2 + §7: the walkthrough's order (customer CUST-42) 64 times at once:
    one 201, 63 × 200, never a 500; one order, one contact holding CUST-42."""
    responses = await live.burst("POST", "/orders", [order_body()] * 64)
    live.expect_statuses(responses, {201: 1, 200: 63})

    rows = await live.rows("orders", "contacts", "events")
    assert [o["external_id"] for o in rows["orders"]] == ["ORDER-1001"]
    assert [(c["phone"], c["external_id"]) for c in rows["contacts"]] == [("+33612345678", "CUST-42")]
    assert len(events_of(rows["events"], "order.created")) == 1


async def test_64_distinct_orders_sharing_one_new_phone(live: Live):
    """SPEC §4.1: one contact per phone, however many orders race to create it."""
    bodies = [order(f"O-{i}", "+33612345678") for i in range(64)]
    responses = await live.burst("POST", "/orders", bodies)
    live.expect_statuses(responses, {201: 64})

    rows = await live.rows("orders", "contacts")
    assert len(rows["contacts"]) == 1
    contact_id = rows["contacts"][0]["id"]
    assert sorted(o["external_id"] for o in rows["orders"]) == sorted(f"O-{i}" for i in range(64))
    assert {o["contact_id"] for o in rows["orders"]} == {contact_id}


# --- shipments ----------------------------------------------------------------------------------


async def _one_order(live: Live) -> int:
    response = await live.send("POST", "/orders", order_body())
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def test_one_new_shipment_posted_32_times_at_once(live: Live):
    """SPEC §3 upsert, §6 one shipment.created: one 201, 31 × 200, one shipment row."""
    order_id = await _one_order(live)
    responses = await live.burst("POST", "/shipments", [shipment_body()] * 32)
    live.expect_statuses(responses, {201: 1, 200: 31})

    rows = await live.rows("shipments", "events")
    assert [(s["external_id"], s["order_id"]) for s in rows["shipments"]] == [("SHIP-9001", order_id)]
    assert len(events_of(rows["events"], "shipment.created")) == 1


async def test_32_distinct_shipments_of_one_order(live: Live):
    """SPEC §3.2: every shipment is stored and linked to its order."""
    order_id = await _one_order(live)
    bodies = [shipment_body(external_id=f"SHIP-{i}", tracking_number=f"T-{i}") for i in range(32)]
    responses = await live.burst("POST", "/shipments", bodies)
    live.expect_statuses(responses, {201: 32})

    shipments = (await live.rows("shipments"))["shipments"]
    assert sorted(s["external_id"] for s in shipments) == sorted(f"SHIP-{i}" for i in range(32))
    assert {s["order_id"] for s in shipments} == {order_id}
    assert all(s["tracking_number"] == "T-" + s["external_id"].removeprefix("SHIP-") for s in shipments)


# --- customers and the customer id on contacts ------------------------------------------------


async def test_32_customers_of_one_new_phone(live: Live):
    """SPEC §3.4 / §4.1: 32 customer records (all new: 201), one contact for their phone."""
    bodies = [{"external_id": f"C-{i}", "phone": "+33612345678", "first_name": f"N{i}"} for i in range(32)]
    responses = await live.burst("POST", "/customers", bodies)
    live.expect_statuses(responses, {201: 32})

    rows = await live.rows("customers", "contacts")
    assert len(rows["contacts"]) == 1
    contact = rows["contacts"][0]
    assert sorted(c["external_id"] for c in rows["customers"]) == sorted(f"C-{i}" for i in range(32))
    assert {c["contact_id"] for c in rows["customers"]} == {contact["id"]}
    assert contact["external_id"] in {f"C-{i}" for i in range(32)}


@on_servers()
@pytest.mark.parametrize("stored_first", [False, True], ids=["new", "stored"])
async def test_one_customer_id_posted_with_32_phones_at_once(live: Live, stored_first: bool):
    """SPEC §3.4 upsert + §7, README "A customer id names one contact": one customer id sent
    with 32 different phones at once, new or already stored with another phone: never a 500
    (the id moving between contacts once failed past its retries on PostgreSQL); one customer
    row, on a contact that holds the id, no id on two contacts."""
    if stored_first:
        first = await live.send("POST", "/customers", {"external_id": "CUST-42", "phone": phone(99)})
        assert first.status_code == 201, first.text
    bodies = [{"external_id": "CUST-42", "phone": phone(i)} for i in range(32)]
    responses = await live.burst("POST", "/customers", bodies)
    live.expect_statuses(responses, {200: 32} if stored_first else {201: 1, 200: 31})

    rows = await live.rows("customers", "contacts")
    assert len(rows["contacts"]) == (33 if stored_first else 32)
    [customer] = rows["customers"]
    holder = next(c for c in rows["contacts"] if c["id"] == customer["contact_id"])
    assert holder["external_id"] == "CUST-42"
    assert_no_id_on_two_contacts(rows["contacts"])
    read = (await live.send("GET", "/customers/CUST-42")).json()
    assert read["contact"] == {"id": holder["id"], "phone": holder["phone"]}


@on_servers()
async def test_erasures_racing_writes_of_the_customer(live: Live):
    """SPEC §4.3 + §7: DELETE of a customer 16 times interleaved with 16 writes of its record
    and 16 of its orders, at once: never a 500 (a customer write and an erasure took the
    customer record and the contact in opposite orders, and deadlocked past their retries);
    204 for every DELETE; no phone on two contacts, no id on two contacts."""
    first = await live.send("POST", "/orders", order("O-0", phone(1), customer_id="CUST-42"))
    assert first.status_code == 201, first.text
    customer = {"external_id": "CUST-42", "phone": phone(1), "first_name": "Marie"}
    requests = [
        request
        for i in range(1, 17)
        for request in (
            ("DELETE", "/customers/CUST-42", None),
            ("POST", "/customers", customer),
            ("POST", "/orders", order(f"O-{i}", phone(1), customer_id="CUST-42")),
        )
    ]
    limits = httpx.Limits(max_connections=len(requests), max_keepalive_connections=len(requests))
    async with httpx.AsyncClient(
        base_url=live.server.base_url, headers=live.db.auth, limits=limits, timeout=60
    ) as client:
        responses = await asyncio.gather(*(client.request(m, API + path, json=body) for m, path, body in requests))
    live.expect_statuses([r for r in responses if r.request.method == "DELETE"], {204: 16})
    assert not [r for r in responses if r.status_code >= 500], live.server.tracebacks()[-4000:]

    contacts = (await live.rows("contacts"))["contacts"]
    phones = Counter(c["phone"] for c in contacts if c["phone"] is not None)
    assert all(count == 1 for count in phones.values()), phones
    assert_no_id_on_two_contacts(contacts)


async def test_orders_of_one_new_phone_with_32_customer_ids(live: Live):
    """SPEC §4.2: each order keeps its customer id; the one contact takes one of them."""
    bodies = [order(f"O-{i}", "+33612345678", customer_id=f"C-{i}") for i in range(32)]
    responses = await live.burst("POST", "/orders", bodies)
    live.expect_statuses(responses, {201: 32})

    rows = await live.rows("orders", "contacts")
    assert len(rows["contacts"]) == 1
    assert rows["contacts"][0]["external_id"] in {f"C-{i}" for i in range(32)}
    assert {o["external_id"]: o["customer_external_id"] for o in rows["orders"]} == {
        f"O-{i}": f"C-{i}" for i in range(32)
    }


@on_servers()
async def test_orders_of_64_new_phones_with_one_customer_id(live: Live):
    """SPEC §4.2 + §7: 64 new contacts race for one customer id: never a 500; exactly one
    contact (the first) holds it, every order keeps it."""
    bodies = [order(f"O-{i}", phone(i), customer_id="CUST-SHARED") for i in range(64)]
    responses = await live.burst("POST", "/orders", bodies)
    live.expect_statuses(responses, {201: 64})

    rows = await live.rows("orders", "contacts")
    assert len(rows["contacts"]) == 64
    assert [c["external_id"] for c in rows["contacts"]].count("CUST-SHARED") == 1
    assert {o["customer_external_id"] for o in rows["orders"]} == {"CUST-SHARED"}


@on_servers()
async def test_orders_crossing_8_phones_and_8_customer_ids(live: Live):
    """SPEC §4.2 + §7: 64 orders, every pairing of 8 new phones and 8 customer ids, at once:
    never a 500, 8 contacts, and no customer id held by two contacts."""
    bodies = [order(f"O-{p}-{c}", phone(p), customer_id=f"C-{c}") for p in range(8) for c in range(8)]
    responses = await live.burst("POST", "/orders", bodies)
    live.expect_statuses(responses, {201: 64})

    rows = await live.rows("orders", "contacts")
    assert sorted(c["phone"] for c in rows["contacts"]) == sorted(phone(p) for p in range(8))
    assert_no_id_on_two_contacts(rows["contacts"])
    assert len(rows["orders"]) == 64


# --- PATCH ----------------------------------------------------------------------------------------


async def test_32_concurrent_metadata_patches_lose_no_key(live: Live):
    """SPEC §3.1: PATCH metadata is a merge patch of the stored object; 32 racing patches,
    each adding its own key, all land."""
    await _one_order(live)
    bodies = [{"metadata": {f"k{i}": i}} for i in range(32)]
    responses = await live.burst("PATCH", "/orders/ORDER-1001", bodies)
    live.expect_statuses(responses, {200: 32})

    expected = {"source": "custom-checkout", **{f"k{i}": i for i in range(32)}}
    assert (await live.rows("orders"))["orders"][0]["metadata"] == expected
    assert (await live.send("GET", "/orders/ORDER-1001")).json()["metadata"] == expected
