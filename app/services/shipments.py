"""Shipments: upsert on (store, external_id), linked to an order of the same store."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from app.db.database import Database
from app.db.statements import upsert
from app.db.tables import orders, shipments
from app.domain import errors
from app.domain.commands import ShipmentInput, validate
from app.domain.errors import FieldError, NotFound, ValidationFailed

from .results import Record, Written, known_id, utcnow
from .stores import Store

_REPLACED = ("order_id", "tracking_number", "tracking_url", "carrier", "status", "metadata", "updated_at")


async def upsert_shipment(db: Database, store: Store, data: Any) -> Written:
    command = validate(ShipmentInput, data, store.region)
    return await db.write(_store_shipment, store.id, command, utcnow())


def _store_shipment(conn: Connection, store_id: int, command: ShipmentInput, now: datetime) -> Written:
    order_id = conn.scalar(
        select(orders.c.id).where(orders.c.store_id == store_id, orders.c.external_id == command.order_external_id)
    )
    if order_id is None:
        raise ValidationFailed(
            [FieldError(("order_external_id",), errors.NOT_FOUND, "No order of this store has this external_id.")]
        )
    statement = upsert(conn.dialect.name, shipments, key=("store_id", "external_id"), replace=_REPLACED)
    params = command.model_dump(exclude={"order_external_id"})
    params.update(store_id=store_id, order_id=order_id, created_at=now, updated_at=now)
    row = conn.execute(statement, params).mappings().one()
    return Written({**row, "order_external_id": command.order_external_id}, created=row["revision"] == 1)


async def get_shipment(db: Database, store: Store, external_id: str) -> Record:
    return await db.read(_find_shipment, store.id, known_id(external_id, "Shipment"))


def _find_shipment(conn: Connection, store_id: int, external_id: str) -> Record:
    statement = (
        select(shipments, orders.c.external_id.label("order_external_id"))
        .join(orders, orders.c.id == shipments.c.order_id)
        .where(shipments.c.store_id == store_id, shipments.c.external_id == external_id)
    )
    row = conn.execute(statement).mappings().first()
    if row is None:
        raise NotFound("Shipment")
    return dict(row)
