"""Customers: the shop's customer records, each attached to a contact; GDPR erasure."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, or_, select, union, update

from app.db.database import Database
from app.db.statements import upsert
from app.db.tables import carts, contacts, customers, orders
from app.domain.commands import CustomerInput, validate
from app.domain.errors import NotFound

from .contacts import MERGED_FIELDS, attach_contact
from .results import Record, Written, utcnow
from .stores import Store

_CUSTOMER_FIELDS = ("external_id", *MERGED_FIELDS)


async def upsert_customer(db: Database, store: Store, data: Any) -> Written:
    """Keyed by external_id; without one, the phone's contact is the customer."""
    command = validate(CustomerInput, data, store.region)
    now = utcnow()
    async with db.transaction() as conn:
        contact = await attach_contact(conn, store.id, command, now)
        if command.external_id is None:
            return Written(_from_contact(contact), created=contact["revision"] == 1)
        statement = upsert(
            conn.dialect.name,
            customers,
            key=("store_id", "external_id"),
            replace=("contact_id", *MERGED_FIELDS, "updated_at"),
        )
        params = {name: getattr(command, name) for name in _CUSTOMER_FIELDS}
        params.update(store_id=store.id, contact_id=contact["id"], created_at=now, updated_at=now)
        params["tags"] = params["tags"] or []
        row = (await conn.execute(statement, params)).mappings().one()
    return Written({**row, "phone_type": contact["phone_type"]}, created=row["revision"] == 1)


def _from_contact(contact: Any) -> Record:
    record = {name: contact[name] for name in (*_CUSTOMER_FIELDS, "store_id", "created_at", "updated_at")}
    record.update(contact_id=contact["id"], phone_type=contact["phone_type"])
    return record


async def get_customer(db: Database, store: Store, external_id: str) -> Record:
    """The customer record, or else the contact that an order's customer gave this id."""
    async with db.read() as conn:
        row = (
            await conn.execute(
                select(customers, contacts.c.phone_type)
                .join(contacts, contacts.c.id == customers.c.contact_id)
                .where(customers.c.store_id == store.id, customers.c.external_id == external_id)
            )
        ).mappings().first()
        if row is not None:
            return dict(row)
        contact = (
            await conn.execute(
                select(contacts).where(contacts.c.store_id == store.id, contacts.c.external_id == external_id)
            )
        ).mappings().first()
    if contact is None:
        raise NotFound("Customer")
    return _from_contact(contact)


async def erase_customer(db: Database, store: Store, external_id: str) -> int:
    """Erase the personal data of every contact this customer id reaches. Orders and carts
    stay, detached from personal data. Idempotent; returns how many contacts were erased."""
    now = utcnow()
    contact_ids = union(
        select(customers.c.contact_id).where(customers.c.store_id == store.id, customers.c.external_id == external_id),
        select(contacts.c.id).where(contacts.c.store_id == store.id, contacts.c.external_id == external_id),
        select(orders.c.contact_id).where(orders.c.store_id == store.id, orders.c.customer_external_id == external_id),
        select(carts.c.contact_id).where(carts.c.store_id == store.id, carts.c.customer_external_id == external_id),
    )
    async with db.transaction() as conn:
        ids = list((await conn.execute(contact_ids)).scalars())
        if not ids:
            return 0
        personal = {name: None for name in ("phone", "phone_type", "external_id", *MERGED_FIELDS)}
        await conn.execute(
            update(contacts)
            .where(contacts.c.id.in_(ids))
            .values(**personal, erased_at=now, updated_at=now, revision=contacts.c.revision + 1)
        )
        await conn.execute(
            delete(customers).where(
                customers.c.store_id == store.id,
                or_(customers.c.contact_id.in_(ids), customers.c.external_id == external_id),
            )
        )
        for table in (orders, carts):
            await conn.execute(
                update(table)
                .where(table.c.store_id == store.id, table.c.contact_id.in_(ids))
                .values(customer_external_id=None)
            )
    return len(ids)
