"""A subject's events (GraphQL `Order.events`, `Cart.events`, …) are found through the events'
(subject_type, subject_id) index, never by scanning the table: EXPLAIN on each engine says so."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, event

from app.read.batches import events_by_subject
from tests.conftest import cart_body, order_body, shipment_body

INDEX = "ix_events_subject_type_subject_id"


def _plan_of_events_by_subject(conn: Connection, keys: list[tuple[str, int]]) -> tuple[list[Any], str]:
    """Runs events_by_subject, then EXPLAINs the very statement and parameters it sent."""
    sent: list[tuple[str, Any]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _executemany):
        sent.append((statement, parameters))

    event.listen(conn, "before_cursor_execute", capture)
    try:
        found = events_by_subject(conn, keys)
    finally:
        event.remove(conn, "before_cursor_execute", capture)
    [(statement, parameters)] = sent
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        return found, "\n".join(row[-1] for row in rows)
    conn.exec_driver_sql("SET enable_seqscan = off")  # a few rows: let the plan show what it can use
    try:
        return found, "\n".join(row[0] for row in conn.exec_driver_sql("EXPLAIN " + statement, parameters))
    finally:
        conn.exec_driver_sql("RESET enable_seqscan")


async def test_events_of_subjects_are_searched_through_the_subject_index(api):
    for path, body in (("/orders", order_body()), ("/shipments", shipment_body()), ("/carts", cart_body())):
        assert (await api.post(path, body)).status_code == 201
    rows = await api.rows("events")
    subjects = {row["subject_type"]: row["subject_id"] for row in rows}
    keys = [("order", subjects["order"]), ("cart", subjects["cart"]), ("shipment", 999)]

    found, plan = await api.db.read(_plan_of_events_by_subject, keys)

    assert [[event.type for event in events] for events in found] == [["order.created"], ["cart.recovered"], []]
    if api.db.dialect == "sqlite":
        lines = plan.splitlines()
        assert all("SCAN events" not in line for line in lines), plan
        searches = [line for line in lines if line.startswith("SEARCH events")]
        assert searches and all(f"USING INDEX {INDEX} (subject_type=? AND subject_id=?)" in s for s in searches)
    else:
        assert "Seq Scan" not in plan and INDEX in plan, plan
        assert "subject_type" in plan.split("Index Cond:", 1)[1], plan
