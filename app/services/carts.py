"""Abandoned carts (also served as checkouts): upsert, PATCH, read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from app.db.database import Database
from app.db.statements import IDENTITY, upsert
from app.db.tables import carts, contacts
from app.domain.commands import CartInput, CartUpdate, validate
from app.domain.errors import NotFound

from .contacts import attach_contact, phone_of
from .patching import patch_row
from .results import Record, Written, known_id, utcnow
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
    return await db.write(_store_cart, store.id, command, utcnow())


def _store_cart(conn: Connection, store_id: int, command: CartInput, now: datetime) -> Written:
    contact = attach_contact(conn, store_id, command.customer, now)
    statement = upsert(
        conn.dialect.name,
        carts,
        key=("store_id", "external_id"),
        replace=_REPLACED,
        insert_only=("status",),
        returning=(*IDENTITY, "status"),
    )
    params = command.model_dump(exclude={"customer", "line_items"})
    params.update(
        store_id=store_id,
        contact_id=contact["id"],
        customer_external_id=command.customer.external_id,
        status=ABANDONED,
        line_items=[item.as_json() for item in command.line_items],
        created_at=now,
        updated_at=now,
    )
    stored = conn.execute(statement, params).mappings().one()
    return Written({**params, **stored, "contact_phone": contact["phone"]}, created=stored["revision"] == 1)


async def update_cart(db: Database, store: Store, external_id: str, data: Any) -> Written:
    command = validate(CartUpdate, data, store.region)
    return await db.write(_change_cart, store.id, known_id(external_id, "Cart"), command, utcnow())


def _change_cart(conn: Connection, store_id: int, external_id: str, command: CartUpdate, now: datetime) -> Written:
    row = patch_row(conn, carts, store_id, external_id, command, "Cart", now)
    return Written({**row, "contact_phone": phone_of(conn, row["contact_id"])}, created=False)


async def get_cart(db: Database, store: Store, external_id: str) -> Record:
    return await db.read(_find_cart, store.id, known_id(external_id, "Cart"))


def _find_cart(conn: Connection, store_id: int, external_id: str) -> Record:
    statement = (
        select(carts, contacts.c.phone.label("contact_phone"))
        .join(contacts, contacts.c.id == carts.c.contact_id)
        .where(carts.c.store_id == store_id, carts.c.external_id == external_id)
    )
    row = conn.execute(statement).mappings().first()
    if row is None:
        raise NotFound("Cart")
    return dict(row)
