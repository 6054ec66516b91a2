"""Contacts: one WhatsApp identity per (store, E.164 phone); customers merge into them."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from sqlalchemy import Connection, and_, case, exists, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.sql.dml import Insert

from app.db.statements import build_upsert, param
from app.db.tables import contacts
from app.domain.commands import CustomerInput

# Present, non-null fields overwrite; omitted or null ones keep the contact's value.
MERGED_FIELDS = ("first_name", "last_name", "email", "locale", "tags", "lifetime_value", "orders_count")

_others = contacts.alias("others")


@cache
def _attach_statement(dialect: str) -> Insert:
    """One statement: upsert on (store, phone), merge the customer, and take the customer's
    external id only when no other contact of the store holds it."""
    external_id = param(contacts, "external_id")
    held_by_any = exists().where(
        and_(_others.c.store_id == param(contacts, "store_id"), _others.c.external_id == external_id)
    )
    held_by_another = exists().where(
        and_(
            _others.c.store_id == contacts.c.store_id,
            _others.c.external_id == external_id,
            _others.c.id != contacts.c.id,
        )
    )
    return build_upsert(
        dialect,
        contacts,
        key=("store_id", "phone"),
        replace=("phone_type", "updated_at"),
        merge=MERGED_FIELDS,
        computed={
            "external_id": (
                case((held_by_any, None), else_=external_id),
                lambda new: case((external_id.is_(None) | held_by_another, contacts.c.external_id), else_=external_id),
            )
        },
    )


def attach_contact(conn: Connection, store_id: int, customer: CustomerInput, now: datetime) -> RowMapping:
    """Find or create the contact of this phone and merge the customer into it."""
    params = {name: getattr(customer, name) for name in MERGED_FIELDS}
    params.update(
        store_id=store_id,
        phone=customer.phone.e164,
        phone_type=customer.phone.type,
        external_id=customer.external_id,
        created_at=now,
        updated_at=now,
    )
    return conn.execute(_attach_statement(conn.dialect.name), params).mappings().one()


def contact_by_id(conn: Connection, contact_id: int) -> RowMapping:
    return conn.execute(select(contacts).where(contacts.c.id == contact_id)).mappings().one()
