"""Shipments: upsert on (store, external_id), linked to an order of the same store.
A new shipment, a status change or a tracking change (number, URL, carrier) each records a
shipping notification, listed in the write's `automations`; a write changing only the order,
the metadata, the source time or the spelling of the tracking number or carrier
(`rules.same_tracking`) records none and lists none (README, "Why it fired or not")."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from app.db import key_locks, statistics
from app.db.compiled import Row
from app.db.database import Database
from app.db.tables import contacts, orders, shipment_statuses, shipments
from app.domain import records
from app.domain.automations import Automation, Decision, Reason
from app.domain.commands import ShipmentInput
from app.domain.errors import DomainError, ErrorCode, FieldError, NotFound, ValidationFailed
from app.domain.event_types import EventType, SubjectType
from app.domain.rules.same_tracking import TRACKING, carrier_key, same_tracking
from app.domain.rules.shipment_status_never_goes_back import goes_back
from app.domain.rules.stale_writes import Arrival

from . import batches, events, record_keys
from .results import Written, known_id, settled, utcnow
from .stores import Store
from .tracking import write_tracked


async def upsert_shipment(
    db: Database, store: Store, command: ShipmentInput, backfill: bool = False
) -> Written[records.Shipment]:
    """Create or replace a shipment of an order of `store` (SPEC §3.2). Raises ValidationFailed
    (`not_found` on order_external_id) when the store has no such order."""
    written = settled(await db.write(_store_shipment, store.id, command, utcnow(), backfill))
    statistics.noted(db, shipments.name, written.created)
    return written


# `order_external_id` names no order of the store (GraphQL says it as its input spells the field)
NO_SUCH_ORDER = "No order of this store has this external_id."


def _store_shipment(
    conn: Connection, store_id: int, command: ShipmentInput, now: datetime, backfill: bool
) -> Written[records.Shipment] | DomainError:
    order_and_contact = conn.execute(
        select(orders.c.id.label("order_id"), contacts)
        .join(contacts, contacts.c.id == orders.c.contact_id)
        .where(orders.c.store_id == store_id, orders.c.external_id == command.order_external_id)
    ).mappings()
    found = order_and_contact.first()
    if found is None:
        return ValidationFailed([FieldError(("order_external_id",), ErrorCode.NOT_FOUND, NO_SUCH_ORDER)])
    values = command.model_dump(exclude={"order_external_id", "updated_at"})
    values.update(
        store_id=store_id,
        order_id=found["order_id"],
        # stored beside the spelling: carrierPerformance groups by it (README, "Carrier performance")
        carrier_key=carrier_key(command.carrier),
        source_updated_at=command.updated_at,
        created_at=now,
        updated_at=now,
    )
    change = write_tracked(conn, shipments, ("store_id", "external_id"), values, keep=_final_status_stays)
    shipment = {**change.after, "order_external_id": _order_external_id(conn, change.after, found, command)}
    record = records.of_row(records.Shipment, shipment)
    went_back = command.status is not None and shipment["status"] != command.status
    if change.stale or change.unchanged or (not change.created and went_back):
        # stale, or out of order (a final status stayed, whether or not another field changed:
        # README's `stale`), or a replay: it fires nothing
        reason = Reason.STALE if change.stale or went_back else Reason.UNCHANGED
        decision = Decision(Automation.SHIPPING_NOTIFICATION, reason, SubjectType.SHIPMENT, shipment["external_id"])
        return Written(record, created=False, stale=change.stale, unchanged=change.unchanged, automations=(decision,))
    if shipment["status"] is not None and (change.created or change.changed("status")):
        at = command.updated_at or now
        conn.execute(
            insert(shipment_statuses).values(
                store_id=store_id, shipment_id=shipment["id"], status=shipment["status"], at=at
            )
        )
    outbox = events.Outbox(conn, store_id, now, backfill)
    subject = (SubjectType.SHIPMENT, shipment["id"], shipment["external_id"])
    if change.created:
        outbox.emit(EventType.SHIPMENT_CREATED, subject, found, after=notification(shipment))
    else:
        if change.changed("status"):
            before = {"status": change.previous("status")}
            outbox.emit(EventType.SHIPMENT_STATUS_CHANGED, subject, found, before, notification(shipment))
        # a respelled tracking number or carrier is stored, but names the same parcel: no news
        if change.before is not None and not same_tracking(change.before, change.after):
            before = {column: change.previous(column) for column in TRACKING}
            outbox.emit(EventType.SHIPMENT_TRACKING_UPDATED, subject, found, before, notification(shipment))
    return Written(record, created=change.created, automations=tuple(outbox.decisions))


def _order_external_id(conn: Connection, stored: Row, found: Row, command: ShipmentInput) -> str:
    """The external id of the order the stored shipment `stored` belongs to: the one the write
    named (`found`), unless the write was stale and named another order. A stale write is
    answered with the stored shipment (README, "Stale and out-of-order writes"), so its order
    is read back: the one the write named is not the shipment's."""
    if stored["order_id"] == found["order_id"]:
        return command.order_external_id
    external_id: str = conn.execute(select(orders.c.external_id).where(orders.c.id == stored["order_id"])).scalar_one()
    return external_id


def _final_status_stays(stored: Row, values: Mapping[str, Any], came: Arrival) -> dict[str, Any]:
    """The stored status, when the write has none (a tracking update relayed without the
    status: README, "Shipment status") or would leave a final status for an earlier one
    (`rules.shipment_status_never_goes_back`)."""
    sent = values["status"]
    return {"status": stored["status"]} if sent is None or goes_back(stored["status"], sent, came) else {}


def notification(shipment: Any) -> dict[str, Any]:
    """What a shipping notification carries (beside the contact's phone, name and locale)."""
    names = ("external_id", "order_external_id", "status", "carrier", "tracking_number", "tracking_url")
    return {name: shipment[name] for name in names}


async def get_shipment(db: Database, store: Store, external_id: str) -> records.Shipment:
    """The shipment `external_id` of `store`; raises NotFound."""
    return await db.read(_find_shipment, store.id, known_id(external_id, "Shipment"))


def _find_shipment(conn: Connection, store_id: int, external_id: str) -> records.Shipment:
    statement = (
        select(shipments, orders.c.external_id.label("order_external_id"))
        .join(orders, orders.c.id == shipments.c.order_id)
        .where(shipments.c.store_id == store_id, shipments.c.external_id == external_id)
    )
    row = conn.execute(statement).mappings().first()
    if row is None:
        raise NotFound("Shipment")
    return records.of_row(records.Shipment, row)


# Batches of shipments (`app.services.batches`) write each as `upsert_shipment` does.
BATCH = batches.Kind(ShipmentInput, _store_shipment, "shipments", record_keys.shipment)


# The keys a PostgreSQL group takes before its writes run (key_locks, postgres.GroupedWrites).
key_locks.declare(_store_shipment, record_keys.of_write(record_keys.shipment))
