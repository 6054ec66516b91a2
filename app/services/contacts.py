"""Contacts: one WhatsApp identity per (store, E.164 phone); customers merge into them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, exists, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db.statements import upsert
from app.db.tables import contacts
from app.domain.commands import CustomerInput

# Present, non-null fields overwrite; omitted or null ones keep the contact's value.
MERGED_FIELDS = ("first_name", "last_name", "email", "locale", "tags", "lifetime_value", "orders_count")

_others = contacts.alias("others")


async def attach_contact(conn: AsyncConnection, store_id: int, customer: CustomerInput, now: datetime) -> RowMapping:
    """Find or create the contact of this phone and merge the customer into it."""
    statement = upsert(
        conn.dialect.name, contacts, key=("store_id", "phone"), replace=("phone_type", "updated_at"), merge=MERGED_FIELDS
    )
    params = {name: getattr(customer, name) for name in MERGED_FIELDS}
    params.update(
        store_id=store_id, phone=customer.phone.e164, phone_type=customer.phone.type, created_at=now, updated_at=now
    )
    contact = (await conn.execute(statement, params)).mappings().one()
    if customer.external_id is not None and contact["external_id"] != customer.external_id:
        await _claim_external_id(conn, contact["id"], store_id, customer.external_id)
    return contact


async def _claim_external_id(conn: AsyncConnection, contact_id: int, store_id: int, external_id: str) -> None:
    """The customer's external id goes on the contact when no other contact holds it."""
    held_elsewhere = exists().where(
        and_(_others.c.store_id == store_id, _others.c.external_id == external_id, _others.c.id != contact_id)
    )
    await conn.execute(
        update(contacts).where(contacts.c.id == contact_id, ~held_elsewhere).values(external_id=external_id)
    )


async def phone_of(conn: AsyncConnection, contact_id: int) -> str | None:
    return await conn.scalar(select(contacts.c.phone).where(contacts.c.id == contact_id))
