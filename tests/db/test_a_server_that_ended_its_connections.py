"""README "PostgreSQL": once the server has ended the connections a process keeps (a restart, a
failover, pg_terminate_backend, an idle timeout), the next request of every kind succeeds, on
new connections: no 500 and no failing request per dead connection left in a pool. A write
run again so is counted on /metrics (`kanal_write_conflicts_total{reason="connection_lost"}`)."""

from __future__ import annotations

import asyncpg
import pytest
from prometheus_client import REGISTRY

from app.automations.worker import Worker
from tests.api.calls import gql
from tests.api.events.outbox import FAST
from tests.conftest import order_body
from tests.receiver import Receiver


async def _end_every_connection(database_url: str) -> int:
    """What a server restart does to the app: ends every connection to its database, from a
    connection of the test's own."""
    conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        return await conn.fetchval(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()) AS ended"
        )
    finally:
        await conn.close()


def _connections_lost() -> float:
    """Writes run again on a new connection, as /metrics counts them in this process."""
    return REGISTRY.get_sample_value("kanal_write_conflicts_total", {"reason": "connection_lost"}) or 0.0


async def _post_order(api):
    response = await api.post("/orders", order_body(external_id="AFTER"))
    return response.status_code


async def _post_batch(api):
    response = await api.post(
        "/orders/batch", {"items": [order_body(external_id="B-1"), order_body(external_id="B-2")]}
    )
    return response.status_code, [result["status"] for result in response.json()["results"]]


async def _patch_order(api):
    response = await api.patch("/orders/ORDER-1001", {"financial_status": "refunded"})
    return response.status_code, response.json()["financial_status"]


async def _get_order(api):
    response = await api.get("/orders/ORDER-1001")
    return response.status_code, response.json()["external_id"]


async def _graphql_read(api):
    body = await gql(api, "{ orders(storeId: 123, first: 5) { edges { node { externalId } } } }")
    return body.get("errors"), [edge["node"]["externalId"] for edge in body["data"]["orders"]["edges"]]


async def _healthz(api):
    response = await api.client.get("/healthz")
    return response.status_code, response.json()["database"]


async def _worker_pass(api):
    with Receiver() as receiver:
        worker = Worker(api.db, FAST)
        tally = await worker.run_once()
        await worker.aclose()
    return tally.delivered, receiver.types


# What the first request after the server ended the connections does -> what it must get
CASES = {
    "order upsert": (_post_order, 201),
    "order batch": (_post_batch, (200, [201, 201])),
    "order patch": (_patch_order, (200, "refunded")),
    "order read": (_get_order, (200, "ORDER-1001")),
    "GraphQL read": (_graphql_read, (None, ["ORDER-1001"])),
    "health probe": (_healthz, (200, True)),
    "worker pass": (_worker_pass, (0, [])),
}


READS = {"order read", "GraphQL read", "health probe"}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
async def test_the_next_request_succeeds_on_new_connections(api, database_url, case):
    if api.db.dialect != "postgresql":
        pytest.skip("SQLite keeps no connection to a server")
    call, expected = CASES[case]
    # Every pool holds connections: a write, reads (REST, GraphQL), a worker's pass, a ping.
    assert (await api.post("/orders", order_body())).status_code == 201
    assert await _get_order(api) == (200, "ORDER-1001")
    assert await _graphql_read(api) == (None, ["ORDER-1001"])
    assert await _worker_pass(api) == (0, [])
    assert await _healthz(api) == (200, True)
    assert await _end_every_connection(database_url) >= 2
    before = _connections_lost()
    assert await call(api) == expected
    # a write (the worker's claim is one) ran again once, on a new connection; a read is not counted
    assert _connections_lost() - before == (0 if case in READS else 1)
    # and the one after it too
    assert await _get_order(api) == (200, "ORDER-1001")
