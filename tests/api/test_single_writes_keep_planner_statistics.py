"""`app.db.statistics.noted`: on PostgreSQL, single upserts count the records they create as
batches do, and once a table's count reaches its threshold ANALYZE runs beside the requests
(none of them waits for it): on a new database a prepared statement kept the plan made from the
empty tables until autovacuum's first pass, and each write read more of the store as the
tables grew. Seen in `pg_class.reltuples`, which ANALYZE sets to the rows counted. The
threshold here is lowered to `THRESHOLD` records; SQLite runs nothing.

One case per single write path, REST and GraphQL: every resource a shop sends one at a time."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import text

from app.db import statistics
from tests.conftest import Api, cart_body, order_body, shipment_body

THRESHOLD = 6


def _phone(n: int) -> str:
    return f"+336{n:08d}"


async def _graphql(api: Api, mutation: str) -> None:
    response = await api.client.post("/graphql", json={"query": f"mutation {{ {mutation} }}"}, headers=api.auth())
    assert response.status_code == 200, response.text
    (payload,) = response.json()["data"].values()
    assert payload == {"created": True, "userErrors": []}, response.text


def _rest(path: str, body: Callable[[int], dict[str, Any]]) -> Callable[[Api, int], Awaitable[None]]:
    async def write(api: Api, n: int) -> None:
        response = await api.post(path, body(n))
        assert response.status_code == 201, response.text

    return write


def _gql(mutation: Callable[[int], str]) -> Callable[[Api, int], Awaitable[None]]:
    async def write(api: Api, n: int) -> None:
        await _graphql(api, mutation(n))

    return write


_ORDER_INPUT = 'externalId: "G-{n}", placedAt: "2026-05-18T10:00:00Z", totalPrice: 1, currency: "EUR", customer: {{phone: "{phone}"}}'

# path -> (the table it creates records in, a write of record n)
PATHS: dict[str, tuple[str, Callable[[Api, int], Awaitable[None]]]] = {
    "POST /orders": ("orders", _rest("/orders", lambda n: order_body(external_id=f"O-{n}", customer={"phone": _phone(n)}))),
    "POST /carts": ("carts", _rest("/carts", lambda n: cart_body(external_id=f"C-{n}", customer={"phone": _phone(n)}))),
    "POST /checkouts": ("carts", _rest("/checkouts", lambda n: cart_body(external_id=f"K-{n}", customer={"phone": _phone(n)}))),
    "POST /customers": ("customers", _rest("/customers", lambda n: {"external_id": f"CU-{n}", "phone": _phone(n)})),
    "POST /shipments": ("shipments", _rest("/shipments", lambda n: shipment_body(external_id=f"S-{n}", order_external_id="O-0"))),
    "upsertOrder": ("orders", _gql(lambda n: "upsertOrder(storeId: 123, input: {"
        + _ORDER_INPUT.format(n=n, phone=_phone(n)) + "}) { created userErrors { code } }")),
    "upsertCart": ("carts", _gql(lambda n: f'upsertCart(storeId: 123, input: {{externalId: "GC-{n}", '
        f'abandonedAt: "2026-05-18T11:00:00Z", totalPrice: 1, customer: {{phone: "{_phone(n)}"}}}}) '
        "{ created userErrors { code } }")),
    "upsertCustomer": ("customers", _gql(lambda n: f'upsertCustomer(storeId: 123, input: {{externalId: "GU-{n}", '
        f'phone: "{_phone(n)}"}}) {{ created userErrors {{ code }} }}')),
    "createShipment": ("shipments", _gql(lambda n: f'createShipment(storeId: 123, input: {{externalId: "GS-{n}", '
        'orderExternalId: "O-0", status: "in_transit"}) { created userErrors { code } }')),
}  # fmt: skip


async def _rows_counted(api: Api, table: str) -> float:
    query = text("SELECT reltuples FROM pg_class WHERE oid = to_regclass(:t)")
    return await api.db.read(lambda conn: float(conn.execute(query, {"t": table}).scalar()))


@pytest.mark.parametrize("path", PATHS)
async def test_single_writes_are_analysed_once_they_reach_the_threshold(
    api: Api, database_url: str, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    table, write = PATHS[path]
    monkeypatch.setattr(statistics, "MIN_ROWS", THRESHOLD)
    response = await api.post("/orders", order_body(external_id="O-0", customer={"phone": _phone(0)}))
    assert response.status_code == 201  # the order the shipments name, counted in `orders`
    already = 1 if table == "orders" else 0
    postgres = database_url.startswith("postgresql")
    if postgres:
        await api.db.beside_done()
        await api.db.write(lambda conn: conn.exec_driver_sql(f"ANALYZE {table}"))
        assert await _rows_counted(api, table) == already

    for n in range(1, THRESHOLD - already):
        await write(api, n)
    await api.db.beside_done()
    assert await api.count(table) == THRESHOLD - 1
    if postgres:
        assert await _rows_counted(api, table) == already  # one under the threshold: not yet

    await write(api, THRESHOLD)
    await api.db.beside_done()
    assert await api.count(table) == THRESHOLD
    if postgres:
        assert await _rows_counted(api, table) == THRESHOLD  # analysed at the threshold
