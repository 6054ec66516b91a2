"""Contacts: one WhatsApp identity per (store, E.164 phone); customers merge into them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from functools import cache
from types import MappingProxyType
from typing import Any

from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Connection,
    Table,
    Text,
    and_,
    bindparam,
    case,
    cast,
    exists,
    insert,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.sql.dml import Insert

from app.db.compiled import PrecompiledStatement, Row
from app.db.statements import DIALECTS, build_upsert, param
from app.db.tables import carts, consent_changes, contacts, customers, detached_records
from app.domain.commands import CustomerInput, EmbeddedCustomer
from app.domain.consent import CONSENT_COLUMNS, Purpose, PurposeConsent, columns, stored
from app.domain.event_types import EventType, SubjectType
from app.domain.phone import Phone
from app.domain.rules.consent_merge import changes_state, merged
from app.domain.rules.erased_records_stay_detached import RESOURCES
from app.domain.rules.phone_of_the_order import PhoneSource
from app.domain.statuses import CartStatus

from . import events
from .tracking import stored_row

# Present, non-null fields overwrite; omitted or null ones keep the contact's value.
MERGED_FIELDS = ("first_name", "last_name", "email", "locale", "tags", "lifetime_value", "orders_count")

_others = contacts.alias("others")


# What an order or a cart needs of its contact: who to message (events.contact_view), and
# whether it may be (its consent, app.domain.rules.consent_policy).
MESSAGING_COLUMNS = ("id", "phone", "phone_type", "first_name", "last_name", "locale", "erased_at", *CONSENT_COLUMNS)


# The contact row an upsert writes, for expressions in its RETURNING or DO UPDATE clauses.
THIS_CONTACT_ID: ColumnClause[Any] = literal_column("contacts.id")


# Asked of the contact upsert along with the contact, when `with_abandoned_cart_flag`:
# whether the contact has an abandoned cart at all.
_HAS_ABANDONED_CART = exists().where(carts.c.contact_id == THIS_CONTACT_ID, carts.c.status == CartStatus.ABANDONED)


def _attach_statement(
    dialect: str,
    returning: tuple[str, ...] | None,
    with_abandoned_cart_flag: bool,
    unless_detached: Table | None = None,
) -> PrecompiledStatement:
    """One statement: upsert on (store, phone), merge the customer, and take the customer's
    external id only when no other contact of the store holds it and no customer record of it
    names another contact (that record's contact is the customer: README, "Customers and
    contacts"). With `unless_detached` (orders or carts), none of it when that table's record
    `record_external_id` of the store is on an erased contact (`_detached`)."""
    external_id = param(contacts, "external_id")
    held_by_any = _claimed(param(contacts, "store_id"), external_id)
    # Textual references to the row being updated: SQLAlchemy does not correlate a subquery
    # inside ON CONFLICT … DO UPDATE SET, and would otherwise add `contacts` to its FROM.
    this_store: ColumnClause[Any] = literal_column("contacts.store_id")
    held_by_another = _claimed(this_store, external_id, other_than=THIS_CONTACT_ID)
    external_id_after = case((external_id.is_(None) | held_by_another, contacts.c.external_id), else_=external_id)
    upsert = contact_upsert(
        dialect,
        case((held_by_any, None), else_=external_id),
        lambda new: (external_id, external_id_after),
        returning,
        with_abandoned_cart_flag,
        only_if=None if unless_detached is None else ~_detached(unless_detached),
    )
    return PrecompiledStatement(upsert)


def _detached(table: Table) -> ColumnElement[bool]:
    """Whether an erasure detached the record `record_external_id` of `table` (orders or carts)
    in the store (`rules.erased_records_stay_detached`): a look-up by `detached_records`' key."""
    return exists(
        select(detached_records.c.store_id).where(
            detached_records.c.store_id == param(contacts, "store_id"),
            detached_records.c.resource == RESOURCES[table.name],
            detached_records.c.external_id == bindparam(RECORD_EXTERNAL_ID, type_=detached_records.c.external_id.type),
        )
    )


# The parameter naming the order or cart an attach is for (`contact_of_the_write`).
RECORD_EXTERNAL_ID = "record_external_id"


def _claimed(
    store_id: ColumnElement[Any], external_id: ColumnElement[Any], other_than: ColumnElement[Any] | None = None
) -> ColumnElement[bool]:
    """Whether `external_id` is claimed in the store: a contact holds it, or a customer record
    of it names a contact; with `other_than`, a contact other than that one."""
    held = [_others.c.store_id == store_id, _others.c.external_id == external_id]
    named = [customers.c.store_id == store_id, customers.c.external_id == external_id]
    if other_than is not None:
        held.append(_others.c.id != other_than)
        named.append(customers.c.contact_id != other_than)
    return or_(exists(select(_others.c.id).where(*held)), exists(select(customers.c.id).where(*named)))


def contact_upsert(
    dialect: str,
    external_id_on_insert: ColumnElement[Any],
    external_id_on_update: Callable[[Any], tuple[ColumnElement[Any], ColumnElement[Any]]],
    returning: tuple[str, ...] | None,
    with_abandoned_cart_flag: bool,
    only_if: ColumnElement[bool] | None = None,
) -> Insert:
    """The contact upsert on (store, phone) merging the customer: a new contact's external id
    is `external_id_on_insert`; on conflict `external_id_on_update(excluded)` gives the id sent
    and the id the contact ends with. RETURNING `returning` (and `has_abandoned_cart`). With
    `only_if`, nothing at all (no row returned) where it is false (`build_upsert`)."""
    upsert = build_upsert(
        dialect,
        contacts,
        key=("store_id", "phone"),
        replace=("phone_type", "phone_source"),
        merge=MERGED_FIELDS,
        computed={
            "external_id": (external_id_on_insert, lambda new: external_id_on_update(new)[1]),
            "updated_at": (
                param(contacts, "updated_at"),
                lambda new: _updated_at_if_changed(new, *external_id_on_update(new)),
            ),
        },
        returning=returning,
        only_if=only_if,
    )
    if with_abandoned_cart_flag:
        upsert = upsert.returning(_HAS_ABANDONED_CART.label("has_abandoned_cart"))
    return upsert


def _updated_at_if_changed(
    new: Any, external_id: ColumnElement[Any], external_id_after: ColumnElement[Any]
) -> ColumnElement[Any]:
    """The contact's updated_at on conflict: the write's time when the merge changes a value,
    else the stored one (a replayed customer changes nothing, so its contact keeps its time).
    JSON values are compared as their text, which the same serialiser wrote."""

    def differs(column: str) -> ColumnElement[bool]:
        stored: ColumnElement[Any] = contacts.c[column]
        sent: ColumnElement[Any] = new[column]
        if column == "tags":
            stored, sent = cast(stored, Text), cast(sent, Text)
        return and_(sent.is_not(None), sent.is_distinct_from(stored))

    changed = or_(
        new.phone_type.is_distinct_from(contacts.c.phone_type),
        new.phone_source.is_distinct_from(contacts.c.phone_source),
        # The id sent differs and is taken: cheap tests first, the subquery only then.
        and_(
            external_id.is_not(None),
            external_id.is_distinct_from(contacts.c.external_id),
            external_id_after.is_distinct_from(contacts.c.external_id),
        ),
        *(differs(column) for column in MERGED_FIELDS),
    )
    return case((changed, new.updated_at), else_=contacts.c.updated_at)


# Every statement attach_contact runs, built once at import, by (dialect, returning,
# with_abandoned_cart_flag): plain values, so any caller asking the same gets the same one.
_ATTACH_STATEMENTS: Mapping[tuple[str, tuple[str, ...] | None, bool], PrecompiledStatement] = MappingProxyType(
    {
        (dialect, returning, flag): _attach_statement(dialect, returning, flag)
        for dialect in DIALECTS
        for returning in (MESSAGING_COLUMNS, None)
        for flag in (False, True)
    }
)


def attach_contact(
    conn: Connection,
    store_id: int,
    customer: CustomerInput | EmbeddedCustomer | None,
    now: datetime,
    returning: tuple[str, ...] | None = MESSAGING_COLUMNS,
    with_abandoned_cart_flag: bool = False,
    *,
    phone: Phone,
    phone_source: PhoneSource = PhoneSource.CUSTOMER,
) -> Row:
    """Find or create the contact of `phone` and merge the customer (if any) into it; the
    contact keeps `phone_source`, where the phone was last taken from. Returns the
    `returning` columns of the contact (MESSAGING_COLUMNS, or None: all of them) and, with
    `with_abandoned_cart_flag`, `has_abandoned_cart`: whether the contact has an abandoned
    cart (see carts.abandoned_cart_flag for when that answer holds). Raises ValueError for
    any other `returning`."""
    statement = _ATTACH_STATEMENTS.get((conn.dialect.name, returning, with_abandoned_cart_flag))
    if statement is None:
        raise ValueError(f"attach_contact returns MESSAGING_COLUMNS or every column (None), not {returning!r}")
    params = contact_params(store_id, customer, now, phone, phone_source)
    # On PostgreSQL another transaction may be giving the same customer id to another contact
    # right now: the unique index then refuses ours (or PostgreSQL breaks the deadlock two such
    # claims make), and Database.write runs the whole transaction again, which then sees the id
    # held and leaves the contact without it.
    return statement.one(conn, params)


@cache
def _attach_unless_detached(
    dialect: str, returning: tuple[str, ...] | None, with_abandoned_cart_flag: bool, table: Table
) -> PrecompiledStatement:
    return _attach_statement(dialect, returning, with_abandoned_cart_flag, table)


def contact_of_the_write(
    conn: Connection,
    table: Table,
    store_id: int,
    external_id: str,
    customer: CustomerInput | EmbeddedCustomer | None,
    now: datetime,
    with_abandoned_cart_flag: bool = False,
    *,
    phone: Phone,
    phone_source: PhoneSource,
) -> tuple[Row, Row | None]:
    """(contact, detached_from) for a write of the order or cart `external_id` of `table`: the
    contact of `phone` attached as `attach_contact` does, in its one statement, and None; or,
    when an erasure detached the stored record, its erased contact (every column) and the
    stored row, no contact made or changed (`rules.erased_records_stay_detached`). Raises
    LookupError should the detached record have been deleted since (test data cleared)."""
    statement = _attach_unless_detached(conn.dialect.name, MESSAGING_COLUMNS, with_abandoned_cart_flag, table)
    params = contact_params(store_id, customer, now, phone, phone_source)
    params[RECORD_EXTERNAL_ID] = external_id
    contact = statement.first(conn, params)
    if contact is not None:
        return contact, None
    stored = stored_row(conn, table, store_id, external_id)
    if stored is None:
        raise LookupError(f"{table.name}: the detached record was deleted while written")
    return contact_by_id(conn, stored["contact_id"]), stored


def contact_params(
    store_id: int, customer: CustomerInput | EmbeddedCustomer | None, now: datetime, phone: Phone, phone_source: str
) -> dict[str, Any]:
    """The parameters of the contact upsert (`attach_contact`) for `phone` and the customer:
    the contact's columns by name, `external_id` the customer's as sent."""
    params = {name: getattr(customer, name, None) for name in MERGED_FIELDS}
    params.update(
        store_id=store_id,
        phone=phone.e164,
        phone_type=phone.type,
        phone_source=phone_source,
        external_id=customer.external_id if customer else None,
        created_at=now,
        updated_at=now,
    )
    return params


def contact_by_id(conn: Connection, contact_id: int, locked: bool = False) -> Row:
    """The contact `contact_id` (every column); `locked`: until the write commits (FOR UPDATE
    on PostgreSQL; SQLite has one writer at a time and ignores it)."""
    statement = select(contacts).where(contacts.c.id == contact_id)
    return conn.execute(statement.with_for_update() if locked else statement).mappings().one()


def apply_consent(
    outbox: events.Outbox,
    contact: Row,
    customer: CustomerInput | EmbeddedCustomer | None,
    written_by: str,
    written_by_id: str | None,
    record_time: datetime | None,
) -> Row:
    """Merge the customer's `whatsapp_consent` into the contact (`rules.consent_merge`, per
    purpose; given without `consented_at`, it is dated `record_time`, the time of the record
    carrying it, else its arrival); record each change of state in
    `consent_changes` (by whom: `written_by` customer, order or cart, and its external id) and
    emit one `contact.consent_changed` for them. Returns the contact row as it is now: every
    column when the consent was written, else `contact` itself. A repeat of the stored states
    writes nothing (README, "WhatsApp consent")."""
    consent = customer.whatsapp_consent if customer is not None else None
    if consent is None:  # most writes: no statement at all
        return contact
    written: dict[Purpose, tuple[PurposeConsent, PurposeConsent]] = {}
    for purpose in Purpose:
        before = stored(contact, purpose)
        after = merged(before, consent.given(purpose), outbox.now, record_time)
        if after is not None:
            written[purpose] = (before, after)
    if not written:
        return contact
    values: dict[str, Any] = {}
    for purpose, (_, after) in written.items():
        state, at, source = columns(purpose)
        values.update({state: after.state, at: after.consented_at, source: after.source})
    conn = outbox.conn
    updated = (
        conn.execute(
            update(contacts)
            .where(contacts.c.id == contact["id"])
            .values(**values, updated_at=outbox.now, revision=contacts.c.revision + 1)
            .returning(*contacts.c)
        )
        .mappings()
        .one()
    )
    # a newer time for the same state is stored, and is no change of consent
    changes = {purpose: pair for purpose, pair in written.items() if changes_state(*pair)}
    if changes:
        _record_changes(outbox, updated, changes, written_by, written_by_id)
    return updated


def consent_state_changed(before: Row, after: Row) -> bool:
    """Whether `apply_consent` changed a purpose's state of the contact (`before` and `after`:
    its row as the write found it and as `apply_consent` returned it): a newer time for the
    same state is no change (README "WhatsApp consent")."""
    return after is not before and any(before[columns(purpose)[0]] != after[columns(purpose)[0]] for purpose in Purpose)


def _record_changes(
    outbox: events.Outbox,
    contact: Row,
    changes: Mapping[Purpose, tuple[PurposeConsent, PurposeConsent]],
    written_by: str,
    written_by_id: str | None,
) -> None:
    """One `consent_changes` row per purpose whose state changed, and their event."""
    outbox.conn.execute(
        insert(consent_changes),
        [
            {
                "store_id": outbox.store_id,
                "contact_id": contact["id"],
                "purpose": purpose,
                "state": after.state,
                "previous_state": before.state,
                "consented_at": after.consented_at,
                "source": after.source,
                "written_by": written_by,
                "written_by_id": written_by_id,
                "recorded_at": outbox.now,
            }
            for purpose, (before, after) in changes.items()
        ],
    )
    outbox.emit(
        EventType.CONTACT_CONSENT_CHANGED,
        (SubjectType.CONTACT, contact["id"], contact["external_id"]),
        contact,
        {purpose.value: consent_view(before) for purpose, (before, _) in changes.items()},
        {purpose.value: consent_view(after) for purpose, (_, after) in changes.items()},
    )


def consent_view(consent: PurposeConsent) -> dict[str, Any]:
    """One purpose's consent as events and REST answers carry it."""
    return {"state": consent.state, "consented_at": consent.consented_at, "source": consent.source}
