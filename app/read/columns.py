"""Rows to records (app.domain.records): which record a table's row becomes, and what it needs
beyond its own table: an order's
or a cart's contact phone, a shipment's order external id. Scalar subqueries: computed for the
rows a page returns, and dropped by both engines from a count over the same query."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Table, select

from app.db.tables import carts, contacts, deliveries, events, orders, shipments
from app.domain import records

# The record a row of each table becomes.
RECORDS: dict[str, type[Any]] = {
    orders.name: records.Order,
    shipments.name: records.Shipment,
    carts.name: records.Cart,
    contacts.name: records.Contact,
    events.name: records.Event,
    deliveries.name: records.Delivery,
}


def joined(table: Table) -> tuple[ColumnElement[Any], ...]:
    """The extra labelled columns a row of `table` needs to become its record."""
    if table is orders or table is carts:
        phone = select(contacts.c.phone).where(contacts.c.id == table.c.contact_id).scalar_subquery()
        return (phone.label("contact_phone"),)
    if table is shipments:
        order = select(orders.c.external_id).where(orders.c.id == shipments.c.order_id).scalar_subquery()
        return (order.label("order_external_id"),)
    return ()
