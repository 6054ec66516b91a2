"""Orders: upsert on (store, external_id), PATCH of statuses, tags and metadata, read."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.db.database import Database
from app.db.statements import upsert
from app.db.tables import contacts, orders
from app.domain.commands import OrderInput, OrderUpdate, validate
from app.domain.errors import NotFound

from .contacts import attach_contact, phone_of
from .patching import patch_row
from .results import Record, Written, utcnow
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
    now = utcnow()
    async with db.transaction() as conn:
        contact = await attach_contact(conn, store.id, command.customer, now)
        statement = upsert(conn.dialect.name, orders, key=("store_id", "external_id"), replace=_REPLACED)
        row = (
            await conn.execute(
                statement,
                {
                    "store_id": store.id,
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
                },
            )
        ).mappings().one()
    return Written({**row, "contact_phone": contact["phone"]}, created=row["revision"] == 1)


async def update_order(db: Database, store: Store, external_id: str, data: Any) -> Written:
    command = validate(OrderUpdate, data, store.region)
    async with db.transaction() as conn:
        row = await patch_row(conn, orders, store.id, external_id, command, "Order", utcnow())
        phone = await phone_of(conn, row["contact_id"])
    return Written({**row, "contact_phone": phone}, created=False)


async def get_order(db: Database, store: Store, external_id: str) -> Record:
    statement = (
        select(orders, contacts.c.phone.label("contact_phone"))
        .join(contacts, contacts.c.id == orders.c.contact_id)
        .where(orders.c.store_id == store.id, orders.c.external_id == external_id)
    )
    async with db.read() as conn:
        row = (await conn.execute(statement)).mappings().first()
    if row is None:
        raise NotFound("Order")
    return dict(row)
