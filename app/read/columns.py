"""What a row needs beyond its own table to become its record (app.domain.records): an order's
or a cart's contact phone, a shipment's order external id. Scalar subqueries: computed for the
rows a page returns, and dropped by both engines from a count over the same query."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Table, select

from app.db.tables import carts, contacts, orders, shipments


def joined(table: Table) -> tuple[ColumnElement[Any], ...]:
    """The extra labelled columns a row of `table` needs to become its record."""
    if table is orders or table is carts:
        phone = select(contacts.c.phone).where(contacts.c.id == table.c.contact_id).scalar_subquery()
        return (phone.label("contact_phone"),)
    if table is shipments:
        order = select(orders.c.external_id).where(orders.c.id == shipments.c.order_id).scalar_subquery()
        return (order.label("order_external_id"),)
    return ()
