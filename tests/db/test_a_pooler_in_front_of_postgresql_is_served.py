"""PgBouncer, in session pooling, in front of PostgreSQL (README "PostgreSQL"): every command
and request is served through it. Before, every read connection asked for `statement_timeout`
as a startup parameter, which PgBouncer refuses ("unsupported startup parameter"): each request
reading the database answered 503 "database unavailable" while /healthz, whose connection asks
for none, said the database was up. The read budget now comes with a `SET` once a connection is
made, and still stops a read past it through the pooler."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from app.db.database import Database
from app.db.read_budget import ReadTimedOut
from tests import postgres
from tests.api.slow_reads import ENDLESS, budget_settings
from tests.pgbouncer import pooled
from tests.realserver import Prepared, prepare
from tests.server import Server, kanal

pytestmark = pytest.mark.skipif(
    "postgresql" not in postgres.engines_under_test(), reason="a PostgreSQL connection pooler"
)

ORDER = {
    "external_id": "ORDER-1",
    "placed_at": "2026-05-18T10:00:00Z",
    "total_price": "52.00",
    "currency": "EUR",
    "financial_status": "paid",
    "customer": {"external_id": "CUST-1", "phone": "+33612345678", "first_name": "Marie"},
}
STATS = '{ storeStats(storeId: 123, from: "2026-05-01T00:00:00Z", to: "2026-06-01T00:00:00Z") { orderCount } }'

# request -> (method, path, JSON body, the status and a part of the body it is answered)
REQUESTS: dict[str, tuple[str, str, Any, int, Any]] = {
    "an order written": ("POST", "/api/v1/stores/123/orders", ORDER, 201, {"external_id": "ORDER-1"}),
    "an order read": ("GET", "/api/v1/stores/123/orders/ORDER-1", None, 200, {"total_price": "52.00"}),
    "a customer read": ("GET", "/api/v1/stores/123/customers/CUST-1", None, 200, {"first_name": "Marie"}),
    "a batch written": (
        "POST",
        "/api/v1/stores/123/orders/batch",
        {"items": [{**ORDER, "external_id": "ORDER-2"}]},
        200,
        {"results": [{"index": 0, "external_id": "ORDER-2", "status": 201, "automations": []}]},
    ),
    "a GraphQL read": ("POST", "/graphql", {"query": STATS}, 200, {"data": {"storeStats": {"orderCount": 2}}}),
    "the health probe": ("GET", "/healthz", None, 200, {"status": "ok", "database": True}),
}


@pytest.fixture(scope="module")
def through_the_pooler() -> Iterator[tuple[Prepared, str]]:
    """A database prepared by the CLI through the pooler, and `kanal serve` on it through the
    pooler; the requests of the table run in order on it."""
    with postgres.scratch_database() as direct, pooled(direct) as url:
        prepared = prepare(url, "postgresql")
        server = Server(url)
        try:
            yield prepared, server.base_url
        finally:
            server.stop()
            assert "Traceback" not in server.output, server.output


@pytest.mark.parametrize("request_name", REQUESTS)
def test_a_request_through_the_pooler_is_served(through_the_pooler: tuple[Prepared, str], request_name: str) -> None:
    prepared, base_url = through_the_pooler
    method, path, body, status, expected = REQUESTS[request_name]
    answer = httpx.request(method, base_url + path, json=body, headers=prepared.auth, timeout=30)
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert {name: body.get(name) for name in expected} == expected


def test_the_commands_run_through_the_pooler(through_the_pooler: tuple[Prepared, str]) -> None:
    prepared, _ = through_the_pooler
    assert "123" in kanal(prepared.url, "stores", "list").stdout
    assert kanal(prepared.url, "worker", "--once").returncode == 0


def test_a_read_past_its_budget_is_stopped_through_the_pooler() -> None:
    async def read(url: str) -> None:
        db = Database(budget_settings(url, seconds=0.5))
        try:
            shown = await db.read(lambda conn: conn.exec_driver_sql("SHOW statement_timeout").scalar())
            assert shown == "500ms"
            with pytest.raises(ReadTimedOut):
                await db.read(lambda conn: conn.exec_driver_sql(ENDLESS["postgresql"]).scalar())
        finally:
            await db.dispose()

    with postgres.scratch_database() as direct, pooled(direct) as url:
        asyncio.run(read(url))
