"""A write whose parent row a concurrent transaction deleted between the write's read and its
INSERT (`kanal stores reset-test-data` clearing the test space while a test key writes) is run
again, reading the row as gone: the answer is what the write would give after the deletion
(`422 not_found` for a shipment of an order that is no more), never a 500."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest
from sqlalchemy import event
from sqlalchemy.util import await_only

from tests.conftest import Api, order_body, shipment_body

NOT_FOUND = {
    "message": "No order of this store has this external_id.",
    "errors": {"order_external_id": ["No order of this store has this external_id."]},
    "codes": {"order_external_id": ["not_found"]},
}
CASES = {
    # the order a shipment names goes before the shipment's INSERT
    "shipment of a deleted order": ("INSERT INTO shipments", 422, NOT_FOUND),
}


async def _delete_in_another_transaction(database_url: str) -> None:
    """The order deleted and committed on a connection of its own, as a reset does it."""
    conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute("DELETE FROM orders")
    finally:
        await conn.close()


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
async def test_the_write_is_run_again_after_the_deletion(api: Api, database_url: str, case: str) -> None:
    if api.db.dialect != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time: no deletion can come between")
    statement, status, body = CASES[case]
    assert (await api.post("/orders", order_body())).status_code == 201
    engine = api.db.engines[0]
    deleted: list[bool] = []

    def delete_the_order_first(conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        if sql.startswith(statement) and not deleted:
            deleted.append(True)
            await_only(_delete_in_another_transaction(database_url))

    event.listen(engine, "before_cursor_execute", delete_the_order_first)
    try:
        response = await api.post("/shipments", shipment_body())
    finally:
        event.remove(engine, "before_cursor_execute", delete_the_order_first)
    assert (response.status_code, response.json()) == (status, body)
    assert deleted == [True]
    assert (await api.get("/shipments/SHIP-9001")).status_code == 404  # nothing written
