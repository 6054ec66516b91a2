"""`orders(filter: {phone})` finds the contact's orders through the orders' contact index, with
every other filter beside it: SQLite, without statistics, walked every order of the store in
`placed_at` order (ix_orders_store_id_placed_at) looking for them, 0.1 s a page at 40,000 orders
and growing with the store. EXPLAIN on SQLite says which index; on both engines the page holds
exactly the contact's orders that pass the other filters, newest first."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection, event

from app.read.lists import OrderFilter, order_listing
from tests.conftest import STORE_ID, order_body

PHONE = "+33612345678"
OTHER = "+33687654321"
INDEX = "ix_orders_contact_id"

# filter beside the phone -> the external ids of the page
FILTERS: dict[str, tuple[dict[str, Any], list[str]]] = {
    "phone alone": ({}, ["M-4", "M-3", "M-2", "M-1"]),
    "and a financial status": ({"financial_status": "paid"}, ["M-4", "M-3", "M-1"]),
    "and a fulfillment status": ({"fulfillment_status": "fulfilled"}, ["M-3"]),
    "and placed after": ({"placed_after": "2026-05-03T00:00:00Z"}, ["M-4", "M-3"]),
    "and placed before": ({"placed_before": "2026-05-03T00:00:00Z"}, ["M-2", "M-1"]),
    "and a tag": ({"tag": "vip"}, ["M-4"]),
    "and a search": ({"search": "M-1"}, ["M-1"]),
}


def _page_and_plan(conn: Connection, where: OrderFilter) -> tuple[list[str], str]:
    """The page of the listing, and the plan of the statement it sent (SQLite; else "")."""
    sent: list[tuple[str, Any]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _executemany):
        sent.append((statement, parameters))

    listing = order_listing(STORE_ID, "FR", conn.dialect.name, where)
    event.listen(conn, "before_cursor_execute", capture)
    try:
        page = listing.page(conn, 20, None, "123")
    finally:
        event.remove(conn, "before_cursor_execute", capture)
    plan = ""
    if conn.dialect.name == "sqlite":
        statement, parameters = sent[0]
        plan = "\n".join(row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
    return [order.external_id for order in page.records], plan


@pytest.mark.parametrize(("beside", "expected"), FILTERS.values(), ids=FILTERS)
async def test_a_phone_filter_reads_the_contacts_orders(api, beside: dict[str, Any], expected: list[str]) -> None:
    mine = [
        ("paid", "unfulfilled", []),
        ("pending", "unfulfilled", []),
        ("paid", "fulfilled", []),
        ("paid", "unfulfilled", ["vip"]),
    ]
    statuses = [("pending", "fulfilled", ["x"]), ("paid", "unfulfilled", ["vip"])]
    for day, (financial, fulfillment, tags) in enumerate(mine, start=1):
        body = order_body(
            external_id=f"M-{day}", placed_at=f"2026-05-0{day}T12:00:00Z", financial_status=financial,
            fulfillment_status=fulfillment, tags=tags,
        )  # fmt: skip
        assert (await api.post("/orders", body)).status_code == 201
    for n, (financial, fulfillment, tags) in enumerate(statuses * 20):  # a store of other customers' orders
        body = order_body(
            external_id=f"O-{n}", placed_at=f"2026-05-0{1 + n % 5}T13:00:00Z", financial_status=financial,
            fulfillment_status=fulfillment, tags=tags, customer={"external_id": "CUST-9", "phone": OTHER},
        )  # fmt: skip
        assert (await api.post("/orders", body)).status_code == 201

    found, plan = await api.db.read(_page_and_plan, OrderFilter(phone=PHONE, **beside))

    assert found == expected
    if api.db.dialect == "sqlite":
        searches = [line for line in plan.splitlines() if line.startswith(("SEARCH orders", "SCAN orders"))]
        assert searches == [f"SEARCH orders USING INDEX {INDEX} (contact_id=?)"], plan
