"""Customers: the shop's customer records, each attached to a contact; GDPR erasure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Connection,
    bindparam,
    case,
    delete,
    exists,
    func,
    literal,
    or_,
    select,
    union,
    update,
)

from app.db import key_locks, statistics
from app.db.compiled import Row
from app.db.database import Database
from app.db.postgres import RunAgain
from app.db.statements import insert_for
from app.db.tables import carts, consent_changes, contacts, customer_contacts, customers, detached_records, orders
from app.db.tables import events as event_rows
from app.domain import records
from app.domain.commands import CustomerInput, PhoneErasure, PhoneLookup
from app.domain.consent import CONSENT_COLUMNS
from app.domain.errors import NotFound
from app.domain.event_types import EventType, SubjectType
from app.domain.phone import Phone
from app.domain.rules.erased_records_stay_detached import DETACHED_AT, DETACHED_COLUMNS, RESOURCES
from app.domain.rules.erasure import erased_contact, scrubbed
from app.domain.rules.stale_writes import Arrival, arrival
from app.domain.text import is_safe

from . import batches, events, record_keys
from .chunk_locks import customers_then_contacts
from .contacts import MERGED_FIELDS, apply_consent, attach_contact, contact_by_id
from .customer_notes import note_contact_left
from .results import Written, known_id, utcnow
from .stores import Store
from .tracking import write_tracked

_CUSTOMER_FIELDS = ("external_id", *MERGED_FIELDS)

_holders = contacts.alias("holders")
_records = customers.alias("records")


def contacts_of_customers(store_id: int, matches: Callable[[Any], ColumnElement[bool]]) -> CompoundSelect[Any]:
    """The ids of the contacts of `store_id` that are the customers whose external id `matches`
    (a condition on an id column: equal to one, starting with a prefix): a customer record's
    contact, else the contact an order's or a cart's customer gave the id (README, "Customers
    and contacts"). One contact per id: a contact's own id counts only when no customer record
    of it names another contact. REST's `GET /customers/{id}` and GraphQL's `contact(externalId:)`
    and `contacts(search:)` all read customers by this rule."""
    named = select(customers.c.contact_id).where(customers.c.store_id == store_id, matches(customers.c.external_id))
    named_elsewhere = exists().where(
        _records.c.store_id == _holders.c.store_id,
        _records.c.external_id == _holders.c.external_id,
        _records.c.contact_id != _holders.c.id,
    )
    held = select(_holders.c.id).where(
        _holders.c.store_id == store_id, matches(_holders.c.external_id), ~named_elsewhere
    )
    return union(named, held)


async def upsert_customer(
    db: Database, store: Store, command: CustomerInput, backfill: bool = False
) -> Written[records.Customer]:
    """Upsert a customer (SPEC §3.4): keyed by external_id; without one, the phone's contact is
    the customer. Records no event of its own; its `whatsapp_consent` may record a
    `contact.consent_changed`, which a `backfill` records as backfill (never delivered, README
    "Backfill"), as an order's or a cart's does."""
    written = await db.write(_store_customer, store.id, command, utcnow(), backfill)
    statistics.noted(db, customers.name, written.created)
    return written


def _store_customer(
    conn: Connection, store_id: int, command: CustomerInput, now: datetime, backfill: bool = False
) -> Written[records.Customer]:
    if command.external_id is not None:
        stored = _locked_record(conn, store_id, command.external_id)
        if stored is not None and arrival(stored["source_updated_at"], command.updated_at) is Arrival.STALE:
            return Written(_with_phone_type(conn, stored), created=False, stale=True)
    before = _locked_contact(conn, store_id, command.phone)
    contact = attach_contact(conn, store_id, command, now, returning=None, phone=command.phone)
    created = contact["revision"] == 1
    if command.external_id is not None and contact["external_id"] != command.external_id:
        contact = _take_external_id(conn, store_id, contact["id"], command.external_id, now)
    outbox = events.Outbox(conn, store_id, now, backfill)
    contact = apply_consent(outbox, contact, command, "customer", command.external_id, command.updated_at)
    contact_unchanged = before is not None and _same_contact(before, contact)
    if command.external_id is None:
        return Written(_from_contact(contact), created=created, unchanged=not created and contact_unchanged)
    values = {name: getattr(command, name) for name in _CUSTOMER_FIELDS}
    values.update(
        store_id=store_id,
        contact_id=contact["id"],
        source_updated_at=command.updated_at,
        created_at=now,
        updated_at=now,
    )
    values["tags"] = values["tags"] or []
    change = write_tracked(conn, customers, ("store_id", "external_id"), values)
    if change.stale:  # a newer write came in between the look and the lock
        return Written(_with_phone_type(conn, change.after), created=False, stale=True)
    if change.changed("contact_id"):
        note_contact_left(conn, store_id, command.external_id, change.previous("contact_id"))
    # A replay leaves the record and its contact (its fields, phone's source, id, consent) as
    # they were: either one changed is an update (README, "Metrics": `unchanged`).
    unchanged = change.unchanged and contact_unchanged
    return Written(_with_contact(change.after, contact), created=change.created, unchanged=unchanged)


def _locked_contact(conn: Connection, store_id: int, phone: Phone) -> Row | None:
    """The contact of `phone` as stored before the write (every column), or None, locked until
    the write commits (FOR UPDATE on PostgreSQL; after the customer record, as the write takes
    them): what tells a replay, which leaves it as it was, from a change. The contact upsert
    cannot say: it answers the row after, and the time it keeps on a replay may be this very
    write's (an earlier item of the same batch wrote the contact at the same `now`)."""
    where = (contacts.c.store_id == store_id, contacts.c.phone == phone.e164)
    row: Row | None = conn.execute(select(contacts).where(*where).with_for_update()).mappings().first()
    return row


def _same_contact(before: Row, after: Row) -> bool:
    """Whether the contact row `after` holds what `before` held, our bookkeeping aside."""
    return all(before[name] == after[name] for name in before.keys() if name not in ("revision", "updated_at"))


def _locked_record(conn: Connection, store_id: int, external_id: str) -> Row | None:
    """The stored customer record `external_id` (every column), or None, locked until the
    write commits (FOR UPDATE on PostgreSQL; SQLite runs one write at a time anyway).

    Why first, before the contact: writes of one customer id may move the id between contacts
    (`_take_external_id`). Racing, each took it from the contact it saw holding it and gave it
    to its own, so two claimed it at once, and 30 such writes at once outran the retries of a
    unique violation (a 500). Taking turns on the record, each sees the one before. The first
    writes of a new id have no record to lock: the one that stores it first wins, the others'
    unique violation runs them again (`app.db.postgres`), now in turn."""
    where = (customers.c.store_id == store_id, customers.c.external_id == external_id)
    row: Row | None = conn.execute(select(customers).where(*where).with_for_update()).mappings().first()
    return row


def _take_external_id(conn: Connection, store_id: int, contact_id: int, external_id: str, now: datetime) -> Row:
    """The customer record `external_id` names the contact `contact_id`, which therefore holds
    the id: it takes it from the contact that held it (an order's or a cart's customer gave it
    there, or the customer had that contact's phone before), so that two contacts never claim
    one id. Returns every column of the contact as it is now.

    The contact it takes the id from is noted (`customer_notes.note_contact_left`) as a customer
    record's old contact is: with no record of the id, that contact is the only place the id
    was, its names and email written under it, and the erasure of the id reaches it through
    the note alone (README "Erasure"). That contact then holds the id of the customer record
    last written among those still on it (`_still_on_it`), or none."""
    left = conn.execute(
        update(contacts)
        .where(contacts.c.store_id == store_id, contacts.c.external_id == external_id)
        .values(external_id=_still_on_it(store_id, external_id), revision=contacts.c.revision + 1, updated_at=now)
        .returning(contacts.c.id)
    ).scalar()
    if left is not None:  # one at most: two contacts never hold one id
        note_contact_left(conn, store_id, external_id, left)
    return (
        conn.execute(
            update(contacts)
            .where(contacts.c.id == contact_id)
            .values(external_id=external_id, revision=contacts.c.revision + 1, updated_at=now)
            .returning(*contacts.c)
        )
        .mappings()
        .one()
    )


def _still_on_it(store_id: int, leaving: str) -> ColumnElement[Any]:
    """The id a contact the customer id `leaving` moves off holds after it, as an UPDATE of
    that contact sets it: of the other customer records still on the contact (ids sharing its
    phone), the one written last, whose id no other contact holds; else none (README "A customer
    id names one contact": the contact a record points at holds its id). Before, the contact
    kept none while another id's record still pointed at it."""
    other, holder = customers.alias("other_record"), contacts.alias("holder")
    held_elsewhere = exists().where(holder.c.store_id == store_id, holder.c.external_id == other.c.external_id)
    return (
        select(other.c.external_id)
        .where(
            other.c.store_id == store_id,
            other.c.contact_id == contacts.c.id,
            other.c.external_id != leaving,
            ~held_elsewhere,
        )
        .order_by(other.c.updated_at.desc(), other.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _with_contact(customer: Any, contact: Any) -> records.Customer:
    """The customer row with its contact's phone, phone type and phone source, as orders and
    carts give theirs, and its WhatsApp consent."""
    return records.of_row(
        records.Customer,
        {
            **customer,
            "contact_phone": contact["phone"],
            "phone_type": contact["phone_type"],
            "phone_source": contact["phone_source"],
            **{column: contact[column] for column in CONSENT_COLUMNS},
        },
    )


def _with_phone_type(conn: Connection, customer: Any) -> records.Customer:
    return _with_contact(customer, contact_by_id(conn, customer["contact_id"]))


def _from_contact(contact: Any) -> records.Customer:
    """A contact without a customer record, as the customer the shop sees."""
    return _with_contact({**contact, "contact_id": contact["id"], "source_updated_at": None}, contact)


async def get_customer(db: Database, store: Store, external_id: str) -> records.Customer:
    """The customer record `external_id` of `store`, or else the contact that an order's customer
    gave this id; raises NotFound."""
    return await db.read(_find_customer, store.id, known_id(external_id, "Customer"))


def _find_customer(conn: Connection, store_id: int, external_id: str) -> records.Customer:
    """The customer record with its contact, or else the contact that an order's customer gave
    this id (`contacts_of_customers`)."""
    found = contacts_of_customers(store_id, lambda column: column == external_id)
    contact = conn.execute(select(contacts).where(contacts.c.id.in_(found))).mappings().first()
    if contact is None:
        raise NotFound("Customer")
    record = (
        conn.execute(select(customers).where(customers.c.store_id == store_id, customers.c.external_id == external_id))
        .mappings()
        .first()
    )
    return _from_contact(contact) if record is None else _with_contact(record, contact)


async def get_customer_by_phone(db: Database, store: Store, command: PhoneLookup) -> records.Customer:
    """The customer of `command.phone` in `store`: its contact's customer record whose id the
    contact holds (the record last written to it, a replay included: as GraphQL's
    `contact(phone:)` names it), else the one updated last, else the contact itself, as a guest buyer's, written
    without a customer id, is shown (README "Endpoints"). Raises NotFound when no contact has
    the phone (none written with it, or erased since)."""
    return await db.read(_find_by_phone, store.id, command.phone.e164)


def _find_by_phone(conn: Connection, store_id: int, e164: str) -> records.Customer:
    of_phone = select(contacts).where(contacts.c.store_id == store_id, contacts.c.phone == e164)
    contact = conn.execute(of_phone).mappings().first()
    if contact is None:
        raise NotFound("Customer")
    # the record whose id the contact holds (the one last written, a replay included, as
    # GraphQL's contact(phone:) shows it), else the one updated last
    own = case((customers.c.external_id == contact["external_id"], 0), else_=1)
    latest = (
        select(customers)
        .where(customers.c.store_id == store_id, customers.c.contact_id == contact["id"])
        .order_by(own, customers.c.updated_at.desc(), customers.c.id.desc())
        .limit(1)
    )
    record = conn.execute(latest).mappings().first()
    return _from_contact(contact) if record is None else _with_contact(record, contact)


async def erase_customer(db: Database, store: Store, external_id: str, backfill: bool = False) -> int:
    """Erase the personal data of every contact this customer id reaches, the contacts noted
    as given data under it that nothing links to it any more included (`customer_notes`: its
    customer record's old phones, a contact an order's or a cart's customer gave its names
    to). Orders and carts stay, detached from personal data; no automation fires for an
    erased contact afterwards.
    Idempotent; returns how many contacts were erased by this call."""
    if not is_safe(external_id):
        return 0
    return await db.write(_erase, store.id, external_id, utcnow(), backfill)


def _erase(conn: Connection, store_id: int, external_id: str, now: datetime, backfill: bool) -> int:
    # the contacts given data under the id that nothing else links to it (`customer_notes`)
    left = (customer_contacts.c.store_id == store_id, customer_contacts.c.external_id == external_id)
    contact_ids = union(
        select(customers.c.contact_id).where(customers.c.store_id == store_id, customers.c.external_id == external_id),
        select(contacts.c.id).where(contacts.c.store_id == store_id, contacts.c.external_id == external_id),
        select(orders.c.contact_id).where(orders.c.store_id == store_id, orders.c.customer_external_id == external_id),
        select(carts.c.contact_id).where(carts.c.store_id == store_id, carts.c.customer_external_id == external_id),
        # the person's earlier phones, whoever uses them since (README "Erasure")
        select(customer_contacts.c.contact_id).where(*left),
    )
    ids = list(conn.execute(contact_ids).scalars())
    if not ids:
        return 0
    erased = _erase_contacts(conn, store_id, external_id, ids, now, backfill)
    conn.execute(delete(customer_contacts).where(*left))  # the id is gone: nothing to note it by
    _scrub_events(conn, ids)
    if conn.dialect.name == "postgresql":  # SQLite runs one write transaction at a time
        _nothing_moved_in(conn, contact_ids, ids, external_id)
    return erased


async def erase_phone(db: Database, store: Store, command: PhoneErasure, backfill: bool = False) -> int:
    """Erase the personal data of the contact of `command.phone` in `store` (SPEC §4.3), as an
    erasure of a customer id erases its contact: a guest buyer's, written without a customer
    id (SPEC §3 keys it by its phone), or any contact the phone has now, its customer records
    deleted. Orders and carts stay, detached. Idempotent; returns how many contacts this
    erased (0 or 1)."""
    return await db.write(_erase_phone, store.id, command.phone.e164, utcnow(), backfill)


def _erase_phone(conn: Connection, store_id: int, e164: str, now: datetime, backfill: bool) -> int:
    of_phone = select(contacts.c.id).where(contacts.c.store_id == store_id, contacts.c.phone == e164)
    ids = list(conn.execute(of_phone).scalars())
    if not ids:
        return 0
    erased = _erase_contacts(conn, store_id, None, ids, now, backfill)
    _scrub_events(conn, ids)
    return erased


def _nothing_moved_in(conn: Connection, contact_ids: CompoundSelect[Any], ids: list[int], external_id: str) -> None:
    """Raises RunAgain (the erasure rolled back and run again from the start, `app.db.postgres`)
    when the customer id reaches a contact now that it did not reach when the erasure read
    `ids`: a write that moved the customer to a new phone (its record, the id and the note of
    the old contact onto the new phone's) committed in between, while the erasure waited for a
    row it held (the customer record, or the contact holding the id). The erasure then deleted
    the record and erased the old phone's contact alone, and the new phone's kept the person's
    names, email and id (README "Erasure"). PostgreSQL reads each
    statement as committed when it starts (READ COMMITTED): this one, after every row the
    erasure changed is locked, sees such a write; a later one waits for the erasure's locks
    (the record, the contacts holding the id), so comes after it, as a write sent after it."""
    moved_in = set(conn.execute(contact_ids).scalars()) - set(ids)
    if moved_in:
        raise RunAgain(f"a write moved customer {external_id!r} to another contact while the erasure read it")


def _erase_contacts(
    conn: Connection, store_id: int, external_id: str | None, ids: list[int], now: datetime, backfill: bool
) -> int:
    """Erases the contacts `ids` the customer id `external_id` reaches (None: a phone's,
    `_erase_phone`) and deletes the customer records of them and of the id; detaches their
    orders and carts. Returns how many contacts this erased (not erased before)."""
    # the customer record of the id, and every other one of the contacts it reaches
    of_contacts = customers.c.contact_id.in_(ids)
    its_records = (
        customers.c.store_id == store_id,
        of_contacts if external_id is None else or_(of_contacts, customers.c.external_id == external_id),
    )
    # The customer records first, then the contacts: the order a customer write takes them in
    # (`_locked_record`), so that an erasure racing one waits for it instead of deadlocking.
    conn.execute(select(customers.c.id).where(*its_records).order_by(customers.c.id).with_for_update())
    erased = (
        conn.execute(
            update(contacts)
            .where(contacts.c.id.in_(ids), contacts.c.erased_at.is_(None))
            .values(**erased_contact(now), revision=contacts.c.revision + 1)
            .returning(*contacts.c)
        )
        .mappings()
        .all()
    )
    outbox = events.Outbox(conn, store_id, now, backfill)
    for contact in erased:
        outbox.emit(EventType.CUSTOMER_ERASED, (SubjectType.CONTACT, contact["id"], None), contact)
    conn.execute(delete(customers).where(*its_records))
    for table in (orders, carts):
        of_them = (table.c.store_id == store_id, table.c.contact_id.in_(ids))
        detaching = {**dict.fromkeys(DETACHED_COLUMNS), DETACHED_AT: func.coalesce(table.c.detached_at, now)}
        conn.execute(update(table).where(*of_them).values(detaching))
        # noted by key, so that a write of one keeps it detached (`rules.erased_records_stay_detached`)
        noted = select(table.c.store_id, literal(RESOURCES[table.name]), table.c.external_id).where(*of_them)
        conn.execute(
            insert_for(conn.dialect.name, detached_records)
            .from_select(["store_id", "resource", "external_id"], noted)
            .on_conflict_do_nothing()
        )
    conn.execute(delete(consent_changes).where(consent_changes.c.contact_id.in_(ids)))
    return len(erased)


def _scrub_events(conn: Connection, contact_ids: list[int]) -> None:
    """The recorded events about the erased contacts keep no copy of their personal data
    (`erasure.scrubbed`); an event not yet delivered is delivered without it."""
    found = conn.execute(
        select(event_rows.c.id, event_rows.c.data).where(event_rows.c.contact_id.in_(contact_ids))
    ).all()
    changed = [{"row": row_id, "scrubbed": scrubbed(data)} for row_id, data in found if scrubbed(data) != data]
    if changed:
        statement = update(event_rows).where(event_rows.c.id == bindparam("row")).values(data=bindparam("scrubbed"))
        conn.execute(statement, changed)


# Batches of customers (`app.services.batches`) write each as `upsert_customer` does, with the
# batch's backfill flag (for the consent changes they record).
BATCH = batches.Kind(CustomerInput, _store_customer, "customers", record_keys.customer, lock=customers_then_contacts)


# The keys a PostgreSQL group takes before its writes run (key_locks, postgres.GroupedWrites).
key_locks.declare(_store_customer, record_keys.of_write(record_keys.customer))
key_locks.declare(_erase, record_keys.of_write(record_keys.erasure))
key_locks.declare(_erase_phone, record_keys.of_write(record_keys.phone_erasure))
