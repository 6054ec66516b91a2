"""`app.db.statistics`: on PostgreSQL, once a process's batches have created `MIN_ROWS` records
of a table that had none at its last count (or a fifth of what it had), they run ANALYZE, as
PostgreSQL's documentation asks after a bulk load: with the statistics of an empty table, a
batch's lookup of 200 stored ids read every order of the store, and importing 100,000 orders
slowed to a third of its rate as the table grew. Seen in `pg_class.reltuples`, which ANALYZE
sets to the rows counted (-1: never counted). On SQLite nothing is run."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from app.db.statistics import MIN_ROWS
from tests.conftest import Api, cart_body, order_body, shipment_body

FIRST = MIN_ROWS * 6 // 10  # under MIN_ROWS
SECOND = MIN_ROWS - FIRST  # the two batches together reach it


def _orders(start: int, count: int) -> list[dict[str, Any]]:
    return [order_body(external_id=f"O-{n}", customer={"phone": f"+336{n:08d}"}) for n in range(start, start + count)]


# resource -> (its table, `count` items from `start`)
RESOURCES = {
    "orders": ("orders", _orders),
    "carts": ("carts", lambda start, count: [
        cart_body(external_id=f"C-{n}", customer={"phone": f"+336{n:08d}"}) for n in range(start, start + count)
    ]),
    "customers": ("customers", lambda start, count: [
        {"external_id": f"CU-{n}", "phone": f"+336{n:08d}"} for n in range(start, start + count)
    ]),
    "shipments": ("shipments", lambda start, count: [
        shipment_body(external_id=f"S-{n}", order_external_id=f"O-{n}") for n in range(start, start + count)
    ]),
}  # fmt: skip


async def _batch(api: Api, resource: str, items: list[dict[str, Any]]) -> None:
    for start in range(0, len(items), 1000):
        response = await api.post(f"/{resource}/batch", {"items": items[start : start + 1000]})
        assert response.status_code == 200, response.text[:300]
        assert {result["status"] for result in response.json()["results"]} == {201}


async def _rows_counted(api: Api, table: str) -> float:
    query = text("SELECT reltuples FROM pg_class WHERE oid = to_regclass(:t)")
    return await api.db.read(lambda conn: float(conn.execute(query, {"t": table}).scalar()))


@pytest.mark.parametrize("resource", RESOURCES)
async def test_a_bulk_load_is_analysed_once_it_reaches_its_share(api: Api, database_url: str, resource: str) -> None:
    table, items = RESOURCES[resource]
    if resource == "shipments":  # their orders first: a process counts per table
        await _batch(api, "orders", _orders(0, MIN_ROWS + MIN_ROWS // 10))
    if not database_url.startswith("postgresql"):
        await _batch(api, resource, items(0, MIN_ROWS))
        return  # nothing to see, nothing run: SQLite keeps no reltuples
    await api.db.write(lambda conn: conn.exec_driver_sql(f"ANALYZE {table}"))  # counted empty: 0 rows
    assert await _rows_counted(api, table) == 0

    await _batch(api, resource, items(0, FIRST))
    assert await _rows_counted(api, table) == 0  # FIRST records: under the share
    await _batch(api, resource, items(FIRST, SECOND))
    assert await _rows_counted(api, table) == MIN_ROWS  # analysed at MIN_ROWS
    await _batch(api, resource, items(MIN_ROWS, MIN_ROWS // 10))
    assert await _rows_counted(api, table) == MIN_ROWS  # a tenth more: under the share again
