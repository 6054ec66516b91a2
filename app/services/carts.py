"""Abandoned carts (also served as checkouts): upsert, PATCH, read."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.db.database import Database
from app.db.statements import upsert
from app.db.tables import carts, contacts
from app.domain.commands import CartInput, CartUpdate, validate
from app.domain.errors import NotFound

from .contacts import attach_contact, phone_of
from .patching import patch_row
from .results import Record, Written, utcnow
from .stores import Store

ABANDONED = "abandoned"
_REPLACED = (
    "contact_id",
    "customer_external_id",
    "abandoned_at",
    "total_price",
    "currency",
    "recovery_url",
    "line_items",
    "tags",
    "metadata",
    "updated_at",
)


async def upsert_cart(db: Database, store: Store, data: Any) -> Written:
    """A new cart is `abandoned`; a replayed or updated one keeps the status it has."""
    command = validate(CartInput, data, store.region)
    now = utcnow()
    async with db.transaction() as conn:
        contact = await attach_contact(conn, store.id, command.customer, now)
        statement = upsert(
            conn.dialect.name, carts, key=("store_id", "external_id"), replace=_REPLACED, insert_only=("status",)
        )
        params = command.model_dump(exclude={"customer", "line_items"})
        params.update(
            store_id=store.id,
            contact_id=contact["id"],
            customer_external_id=command.customer.external_id,
            status=ABANDONED,
            line_items=[item.as_json() for item in command.line_items],
            created_at=now,
            updated_at=now,
        )
        row = (await conn.execute(statement, params)).mappings().one()
    return Written({**row, "contact_phone": contact["phone"]}, created=row["revision"] == 1)


async def update_cart(db: Database, store: Store, external_id: str, data: Any) -> Written:
    command = validate(CartUpdate, data, store.region)
    async with db.transaction() as conn:
        row = await patch_row(conn, carts, store.id, external_id, command, "Cart", utcnow())
        phone = await phone_of(conn, row["contact_id"])
    return Written({**row, "contact_phone": phone}, created=False)


async def get_cart(db: Database, store: Store, external_id: str) -> Record:
    statement = (
        select(carts, contacts.c.phone.label("contact_phone"))
        .join(contacts, contacts.c.id == carts.c.contact_id)
        .where(carts.c.store_id == store.id, carts.c.external_id == external_id)
    )
    async with db.read() as conn:
        row = (await conn.execute(statement)).mappings().first()
    if row is None:
        raise NotFound("Cart")
    return dict(row)
