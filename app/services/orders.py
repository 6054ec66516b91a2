"""Orders: upsert on (store, external_id), PATCH of statuses, tags and metadata, read."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from app.db import key_locks, summaries
from app.db.database import Database
from app.db.postgres import RunAgain
from app.db.tables import contacts, orders
from app.domain import records
from app.domain.commands import OrderInput, OrderUpdate
from app.domain.errors import DomainError, NotFound, ValidationFailed
from app.domain.event_types import EventType, SubjectType
from app.domain.money import money_text
from app.domain.rules.erased_records_stay_detached import detached, erased_meanwhile

from . import events, record_keys
from .carts import CART_TO_RECOVER, abandoned_cart_flag, recover_carts, unrecover_carts
from .contacts import apply_consent, contact_by_id, contact_of_the_write
from .customer_notes import given_under, note_links_dropped
from .patching import patch_row
from .results import Written, known_id, settled, utcnow
from .stores import Store
from .tracking import Change, stale_row, write_tracked

PATCHABLE = ("financial_status", "fulfillment_status", "tags", "metadata")
# The command's fields that are order columns as they are (the customer becomes the contact).
_COLUMNS = tuple(
    name for name in OrderInput.model_fields if name in orders.c and name not in ("line_items", "updated_at")
)
_STATUS_EVENTS = {
    "financial_status": EventType.ORDER_FINANCIAL_STATUS_CHANGED,
    "fulfillment_status": EventType.ORDER_FULFILLMENT_STATUS_CHANGED,
}


def _store_order(
    conn: Connection, store_id: int, command: OrderInput, now: datetime, backfill: bool
) -> Written[records.Order]:
    if (stored := stale_row(conn, orders, store_id, command.external_id, command.updated_at)) is not None:
        return stale_order(conn, stored)
    outbox = events.Outbox(conn, store_id, now, backfill)
    contact, detached_from = contact_of_the_write(
        conn,
        orders,
        store_id,
        command.external_id,
        command.customer,
        now,
        with_abandoned_cart_flag=abandoned_cart_flag(conn.dialect.name),  # else the order insert asks
        phone=command.phone,
        phone_source=command.phone_source,
    )
    values = order_values(store_id, command, contact["id"], now)
    if detached_from is None:
        contact = apply_consent(outbox, contact, command.customer, "order", command.external_id, command.placed_at)
    else:  # merged into no contact, records no consent
        values = detached(values, detached_from)
    flag_in_upsert = abandoned_cart_flag(conn.dialect.name)
    change = write_tracked(
        conn,
        orders,
        ("store_id", "external_id"),
        values,
        patchable=PATCHABLE,
        created_also=() if flag_in_upsert else (CART_TO_RECOVER,),
    )
    if erased_meanwhile(change.before, detached_from):  # before any answer: its contact is written
        raise RunAgain(f"an erasure detached order {command.external_id!r} after this write looked")
    note_links_dropped(conn, store_id, change, given_under(command.customer, detached_from), contact["id"])
    if change.stale:  # a newer write came in between the look and the lock
        return stale_order(conn, change.after)
    return written_order(outbox, change, contact, command)


def stale_order(conn: Connection, stored: Mapping[str, Any]) -> Written[records.Order]:
    """A stale write's answer (`rules.stale_writes`): the stored order row `stored` with its
    contact as stored; nothing written."""
    return Written(_record(stored, contact_by_id(conn, stored["contact_id"])), created=False, stale=True)


def order_values(store_id: int, command: OrderInput, contact_id: int, now: datetime) -> dict[str, Any]:
    """The order row `command` writes (its columns by name; `posted` is write_tracked's), the
    contact `contact_id` attached, at `now`."""
    values = {name: getattr(command, name) for name in _COLUMNS}
    values.update(
        store_id=store_id,
        contact_id=contact_id,
        customer_external_id=command.customer.external_id if command.customer else None,
        shipping_address=command.shipping_address.as_json() if command.shipping_address else None,
        billing_address=command.billing_address.as_json() if command.billing_address else None,
        phone_source=command.phone_source,
        line_items=[item.as_json() for item in command.line_items],
        source_updated_at=command.updated_at,
        created_at=now,
        updated_at=now,
    )
    return values


def written_order(outbox: events.Outbox, change: Change, contact: Any, command: OrderInput) -> Written[records.Order]:
    """What follows an order row written (not stale): its share of the order summaries,
    `order_announced`, then the answer."""
    summaries.order_changed(outbox.conn, change.before, change.after)
    order_announced(outbox, change, contact, command)
    return Written(
        _record(change.after, contact),
        created=change.created,
        unchanged=change.unchanged,
        automations=tuple(outbox.decisions),
    )


def order_announced(outbox: events.Outbox, change: Change, contact: Any, command: OrderInput) -> None:
    """An order row written (not stale): its events, the carts it recovers, and, corrected (another
    contact, an earlier `placed_at`), those it recovered and no longer does
    (rules/recovery_follows_the_orders). `change.created_also` may say whether the contact has a
    cart to recover (else the contact row's `has_abandoned_cart`, else a look)."""
    _record_events(outbox, change, contact)
    # An order placed after a cart was abandoned recovers that cart, whichever came first.
    flagged = None if change.created_also is None else change.created_also.get("has_cart_to_recover")
    recover_carts(outbox, contact, command.placed_at, flagged)
    if change.before is not None and not change.unchanged:
        unrecover_carts(outbox, change.before, change.after)


def _record(order: Mapping[str, Any], contact: Mapping[str, Any]) -> records.Order:
    return records.of_row(records.Order, {**order, "contact_phone": contact["phone"]})


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
    """The order as events carry it; the total as REST renders it (an exact money string)."""
    view = {
        name: order[name] for name in ("external_id", "placed_at", "currency", "financial_status", "fulfillment_status")
    }
    view["total_price"] = money_text(order["total_price"], order["currency"])
    return view


async def update_order(
    db: Database, store: Store, external_id: str, command: OrderUpdate, backfill: bool = False
) -> Written[records.Order]:
    """PATCH the order (SPEC §3.1): present fields change, tags replace, metadata is a JSON merge
    patch (RFC 7386), held to what a single POST can carry (rules.patched_metadata_fits_a_post:
    ValidationFailed). Raises NotFound when the store has no such order."""
    limit = db.settings.max_body_bytes
    job = await db.write(_change_order, store.id, known_id(external_id, "Order"), command, utcnow(), backfill, limit)
    return settled(job)


def _change_order(
    conn: Connection,
    store_id: int,
    external_id: str,
    command: OrderUpdate,
    now: datetime,
    backfill: bool,
    max_body_bytes: int,
) -> Written[records.Order] | DomainError:
    change = patch_row(conn, orders, store_id, external_id, command, now, max_body_bytes)
    if isinstance(change, ValidationFailed):
        return change
    if change is None:
        return NotFound("Order")
    summaries.order_changed(conn, change.before, change.after)  # statuses: storeStats counts them per hour
    contact = contact_by_id(conn, change.after["contact_id"])
    _record_events(events.Outbox(conn, store_id, now, backfill), change, contact)
    return Written(_record(change.after, contact), created=False, stale=change.stale, unchanged=change.unchanged)


_ORDER_WITH_PHONE = select(orders, contacts.c.phone.label("contact_phone")).join(
    contacts, contacts.c.id == orders.c.contact_id
)


async def get_order(db: Database, store: Store, external_id: str) -> records.Order:
    """The order `external_id` of `store`; raises NotFound."""
    return await db.read(_find_order, store.id, known_id(external_id, "Order"))


def _find_order(conn: Connection, store_id: int, external_id: str) -> records.Order:
    statement = _ORDER_WITH_PHONE.where(orders.c.store_id == store_id, orders.c.external_id == external_id)
    row = conn.execute(statement).mappings().first()
    if row is None:
        raise NotFound("Order")
    return records.of_row(records.Order, row)


# The keys a PostgreSQL group takes before its writes run (key_locks, postgres.GroupedWrites).
key_locks.declare(_change_order, record_keys.of_write(record_keys.order_id))
