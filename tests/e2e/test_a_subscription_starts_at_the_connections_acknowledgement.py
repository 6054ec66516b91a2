"""storeEvents starts where its websocket was acknowledged (README, "Live updates"): a client
that shows "live" on connection_ack (the dashboard does) gets every event committed after it,
though its subscribe reaches the server later, and nothing committed before it, whatever the
process's feed was already doing. A later subscription on the same socket starts when it is
made. Each event comes once."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import ClientConnection

from app.read import feed
from tests import postgres
from tests.conftest import order_body
from tests.e2e.test_store_events_subscription import _next, _open
from tests.realserver import API, Prepared, prepared_database, serving
from tests.server import kanal

SUBSCRIBE = "subscription($store: ID!) { storeEvents(storeId: $store) { type data } }"


@pytest.fixture(params=postgres.engines_under_test())
def prepared(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Prepared]:
    with prepared_database(request.param, tmp_path) as database:
        yield database


async def _subscribe(socket: ClientConnection, store: int, id: str = "1") -> None:
    message = {"id": id, "type": "subscribe", "payload": {"query": SUBSCRIBE, "variables": {"store": str(store)}}}
    await socket.send(json.dumps(message))


async def _heard(socket: ClientConnection, within: float = 1.5) -> list[tuple[str, str, str]]:
    """(subscription id, event type, order id) of every message until none comes `within` s."""
    heard = []
    while True:
        try:
            message = await _next(socket, within)
        except TimeoutError:
            return heard
        event = message["payload"]["data"]["storeEvents"]
        heard.append((message["id"], event["type"], event["data"]["subject"]["external_id"]))


async def _order(client: httpx.AsyncClient, external_id: str, key: str) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    response = await client.post(f"{API}/orders", json=order_body(external_id=external_id), headers=headers)
    assert response.status_code == 201, response.text


# What the process's feed does before the socket connects: nothing; tail store 123 for
# another socket; tail store 124 only (whose reads never looked at 123's events)
ALREADY: dict[str, int | None] = {"no other subscriber": None, "one on this store": 123, "one on another store": 124}


@pytest.mark.parametrize("already", ALREADY.values(), ids=ALREADY.keys())
async def test_an_event_committed_between_the_ack_and_the_subscribe_is_heard_once(
    prepared: Prepared, already: int | None
) -> None:
    kanal(prepared.url, "stores", "create", "--id", "124", "--name", "Other", "--region", "FR")
    other_key = kanal(prepared.url, "keys", "create", "--store", "124").stdout.strip().splitlines()[-1]
    keys = {123: prepared.key, 124: other_key}
    with serving(prepared.url) as server:
        async with httpx.AsyncClient(base_url=server.base_url) as client:
            await _order(client, "BEFORE-1", prepared.key)  # committed before any socket
            watcher = None
            if already is not None:
                watcher = await _open(server, {"Authorization": f"Bearer {keys[already]}"})
                await _subscribe(watcher, already)
                await asyncio.sleep(1.0)  # the feed tails `already`
            await _order(client, "BEFORE-2", prepared.key)  # committed before the socket below connects
            socket = await _open(server, {"Authorization": f"Bearer {prepared.key}"})
            await _order(client, "BETWEEN", prepared.key)  # committed once "live", before the subscribe
            await _subscribe(socket, 123)
            await _order(client, "AFTER", prepared.key)
            assert await _heard(socket) == [("1", "order.created", "BETWEEN"), ("1", "order.created", "AFTER")]
            if watcher is not None:
                expected = [] if already == 124 else ["BEFORE-2", "BETWEEN", "AFTER"]
                assert [order for _, _, order in await _heard(watcher, 0.5)] == expected
                await watcher.close()
        await socket.close()


async def test_a_later_subscription_on_the_socket_starts_when_it_is_made(prepared: Prepared) -> None:
    with serving(prepared.url) as server:
        async with httpx.AsyncClient(base_url=server.base_url) as client:
            socket = await _open(server, {"Authorization": f"Bearer {prepared.key}"})
            await _subscribe(socket, 123, "first")
            await _order(client, "ONE", prepared.key)
            assert await _heard(socket) == [("first", "order.created", "ONE")]
            await _order(client, "TWO", prepared.key)  # committed before the second subscribe
            await _subscribe(socket, 123, "second")
            await asyncio.sleep(1.0)  # the second one is made
            await _order(client, "THREE", prepared.key)
            heard = await _heard(socket)
        assert sorted(heard) == [
            ("first", "order.created", "THREE"),
            ("first", "order.created", "TWO"),
            ("second", "order.created", "THREE"),
        ]
        await socket.close()


# seconds since the connection's start was read -> whether its first subscription starts there
AGES: list[tuple[float, bool]] = [(0.0, True), (feed.FRESH - 1, True), (feed.FRESH + 1, False)]


@pytest.mark.parametrize(("age", "kept"), AGES)
def test_a_connections_start_is_taken_once_while_fresh(age: float, kept: bool) -> None:
    start = feed.Start(cursor=10, committed={9, 10}, made=time.monotonic() - age)
    assert (start.take() is start) is kept
    assert start.take() is None  # a second subscription starts when it is made
