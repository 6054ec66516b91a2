"""The write contract (Database.write): a job is SQL only and returns its expected failures, so
one request's 404 or 422 found inside a job never rolls back the group commit it shares."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import event

from app.db.database import WriteContractBroken
from app.domain.commands import OrderInput, OrderUpdate, ShipmentInput, validate
from app.domain.errors import NotFound, ValidationFailed
from app.services import order_batches, orders, shipments
from app.services.stores import Store
from tests.conftest import STORE_ID, Api, order_body, shipment_body

STORE = Store(id=STORE_ID, region="FR")


def _order(n: int) -> OrderInput:
    body = order_body(external_id=f"ORDER-{n}")
    body["customer"] = {"phone": f"+3361234567{n}"}
    return validate(OrderInput, body, "FR")


async def test_expected_failures_inside_jobs_leave_their_group_committed_once(api: Api) -> None:
    transactions: dict[str, int] = {"commit": 0, "rollback": 0}
    engine = api.db.engines[0]
    for name in transactions:
        event.listen(engine, name, lambda conn, name=name: transactions.__setitem__(name, transactions[name] + 1))

    outcomes = await asyncio.gather(
        order_batches.upsert_order(api.db, STORE, _order(1)),
        orders.update_order(api.db, STORE, "NO-SUCH-ORDER", validate(OrderUpdate, {"tags": ["x"]})),
        order_batches.upsert_order(api.db, STORE, _order(2)),
        shipments.upsert_shipment(api.db, STORE, validate(ShipmentInput, shipment_body(order_external_id="NOPE"))),
        order_batches.upsert_order(api.db, STORE, _order(3)),
        return_exceptions=True,
    )

    assert [type(outcome).__name__ for outcome in outcomes] == [
        "Written",
        "NotFound",
        "Written",
        "ValidationFailed",
        "Written",
    ]
    assert isinstance(outcomes[1], NotFound) and str(outcomes[1]) == "Order not found"
    assert isinstance(outcomes[3], ValidationFailed)
    assert [(e.dotted, e.code) for e in outcomes[3].errors] == [("order_external_id", "not_found")]
    assert sorted(row["external_id"] for row in await api.rows("orders")) == ["ORDER-1", "ORDER-2", "ORDER-3"]
    assert await api.count("shipments") == 0
    if api.db.dialect == "sqlite":
        # one group, one COMMIT: nothing was rolled back and re-run alone
        assert transactions == {"commit": 1, "rollback": 0}


# the path -> the record its 404 names (a checkout is a cart, named as its path does)
UNKNOWN = {"/orders/NO-SUCH-ORDER": "Order", "/carts/NO-SUCH-CART": "Cart", "/checkouts/NO-SUCH-CART": "Checkout"}


@pytest.mark.parametrize("path", UNKNOWN)
async def test_patch_of_an_unknown_record_is_404_and_writes_nothing(api: Api, path: str) -> None:
    before = await api.snapshot()
    response = await api.patch(path, {"tags": ["x"]})
    assert (response.status_code, response.json()) == (404, {"error": f"{UNKNOWN[path]} not found"})
    assert await api.snapshot() == before


def _raises_inside_the_job(conn: Any) -> None:
    raise NotFound("Order")


async def test_a_job_that_raises_an_expected_failure_breaks_the_contract_loudly(api: Api) -> None:
    """Enforced, not only written: a DomainError raised inside a write job is a bug, reported
    as WriteContractBroken (naming the job), never passed off as the request's own 404."""
    with pytest.raises(WriteContractBroken, match="_raises_inside_the_job raised NotFound"):
        await api.db.write(_raises_inside_the_job)
