"""Orders: upsert on (store, external_id), PATCH of statuses, tags and metadata, read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from app.db.database import Database
from app.db.statements import IDENTITY, upsert
from app.db.tables import contacts, orders
from app.domain.commands import OrderInput, OrderUpdate, validate
from app.domain.errors import NotFound

from .contacts import attach_contact, phone_of
from .patching import patch_row
from .results import Record, Written, known_id, utcnow
from .stores import Store

_REPLACED = (
    "contact_id",
    "customer_external_id",
    "placed_at",
    "total_price",
    "currency",
    "financial_status",
    "fulfillment_status",
    "line_items",
    "tags",
    "metadata",
    "updated_at",
)


async def upsert_order(db: Database, store: Store, data: Any) -> Written:
    command = validate(OrderInput, data, store.region)
    return await db.write(_store_order, store.id, command, utcnow())


def _store_order(conn: Connection, store_id: int, command: OrderInput, now: datetime) -> Written:
    contact = attach_contact(conn, store_id, command.customer, now)
    statement = upsert(
        conn.dialect.name, orders, key=("store_id", "external_id"), replace=_REPLACED, returning=IDENTITY
    )
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
    stored = conn.execute(statement, values).mappings().one()
    return Written({**values, **stored, "contact_phone": contact["phone"]}, created=stored["revision"] == 1)


async def update_order(db: Database, store: Store, external_id: str, data: Any) -> Written:
    command = validate(OrderUpdate, data, store.region)
    return await db.write(_change_order, store.id, known_id(external_id, "Order"), command, utcnow())


def _change_order(conn: Connection, store_id: int, external_id: str, command: OrderUpdate, now: datetime) -> Written:
    row = patch_row(conn, orders, store_id, external_id, command, "Order", now)
    return Written({**row, "contact_phone": phone_of(conn, row["contact_id"])}, created=False)


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
