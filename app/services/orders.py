"""Orders: upsert on (store, external_id), PATCH of statuses, tags and metadata, read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from app.db.database import Database
from app.db.tables import contacts, orders
from app.domain.commands import OrderInput, OrderUpdate, validate
from app.domain.errors import NotFound
from app.domain.event_types import EventType, SubjectType

from . import events
from .carts import abandoned_cart_flag, recover_carts
from .contacts import attach_contact, contact_by_id
from .patching import patch_row
from .results import Record, Written, known_id, utcnow
from .stores import Store
from .tracking import Change, write_tracked

PATCHABLE = ("financial_status", "fulfillment_status", "tags", "metadata")
_STATUS_EVENTS = {
    "financial_status": EventType.ORDER_FINANCIAL_STATUS_CHANGED,
    "fulfillment_status": EventType.ORDER_FULFILLMENT_STATUS_CHANGED,
}


async def upsert_order(db: Database, store: Store, data: Any, backfill: bool = False) -> Written:
    command = validate(OrderInput, data, store.region)
    return await db.write(_store_order, store.id, command, utcnow(), backfill)


def _store_order(conn: Connection, store_id: int, command: OrderInput, now: datetime, backfill: bool) -> Written:
    contact = attach_contact(conn, store_id, command.customer, now, also=abandoned_cart_flag(conn.dialect.name))
    values = {
        "store_id": store_id,
        "external_id": command.external_id,
        "contact_id": contact["id"],
        "customer_external_id": command.customer.external_id,
        "placed_at": command.placed_at,
        "total_price": command.total_price,
        "currency": command.currency,
        "financial_status": command.financial_status,
        "fulfillment_status": command.fulfillment_status,
        "line_items": [item.as_json() for item in command.line_items],
        "tags": command.tags,
        "metadata": command.metadata,
        "created_at": now,
        "updated_at": now,
    }
    change = write_tracked(conn, orders, ("store_id", "external_id"), values, patchable=PATCHABLE)
    outbox = events.Outbox(conn, store_id, now, backfill)
    _record_events(outbox, change, contact)
    # An order placed after a cart was abandoned recovers that cart, whichever came first.
    recover_carts(outbox, contact, command.placed_at)
    return Written({**change.after, "contact_phone": contact["phone"]}, created=change.created)


def _record_events(outbox: events.Outbox, change: Change, contact: Any) -> None:
    order = change.after
    subject = (SubjectType.ORDER, order["id"], order["external_id"])
    if change.created:
        outbox.emit(EventType.ORDER_CREATED, subject, contact, after=order_view(order))
        return
    for column, event_type in _STATUS_EVENTS.items():
        if change.changed(column):
            outbox.emit(event_type, subject, contact, {column: change.previous(column)}, {column: order[column]})


def order_view(order: Any) -> dict[str, Any]:
    return {
        name: order[name]
        for name in ("external_id", "placed_at", "total_price", "currency", "financial_status", "fulfillment_status")
    }


async def update_order(db: Database, store: Store, external_id: str, data: Any, backfill: bool = False) -> Written:
    command = validate(OrderUpdate, data, store.region)
    return await db.write(_change_order, store.id, known_id(external_id, "Order"), command, utcnow(), backfill)


def _change_order(
    conn: Connection, store_id: int, external_id: str, command: OrderUpdate, now: datetime, backfill: bool
) -> Written:
    change = patch_row(conn, orders, store_id, external_id, command, "Order", now)
    contact = contact_by_id(conn, change.after["contact_id"])
    _record_events(events.Outbox(conn, store_id, now, backfill), change, contact)
    return Written({**change.after, "contact_phone": contact["phone"]}, created=False)


_ORDER_WITH_PHONE = select(orders, contacts.c.phone.label("contact_phone")).join(
    contacts, contacts.c.id == orders.c.contact_id
)


async def get_order(db: Database, store: Store, external_id: str) -> Record:
    return await db.read(_find_order, store.id, known_id(external_id, "Order"))


def _find_order(conn: Connection, store_id: int, external_id: str) -> Record:
    statement = _ORDER_WITH_PHONE.where(orders.c.store_id == store_id, orders.c.external_id == external_id)
    row = conn.execute(statement).mappings().first()
    if row is None:
        raise NotFound("Order")
    return dict(row)
