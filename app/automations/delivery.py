"""Webhook delivery: claim due deliveries under a lease, POST them signed, record the outcome.

A delivery is claimed only when no earlier delivery of the same webhook and subject is still
pending, so each receiver sees a subject's events in order. Claims use FOR UPDATE SKIP LOCKED
on PostgreSQL (SQLite has a single writer), and a lease, so that two workers never deliver one
event at the same time. Failures retry with exponential backoff and jitter for about a day,
then the delivery is dead-lettered."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import orjson
from sqlalchemy import Connection, and_, exists, or_, select, update

from app.config import Settings
from app.db.tables import carts, contacts, deliveries, events, webhooks
from app.db.types import json_default
from app.domain.event_types import EventType
from app.domain.statuses import CartStatus, DeliveryStatus

LEASE = timedelta(seconds=60)

_earlier = deliveries.alias("earlier")


@dataclass(frozen=True)
class Claimed:
    delivery_id: int
    url: str
    secret: str
    event_id: str
    event_type: str
    body: bytes


@dataclass(frozen=True)
class Backoff:
    base_seconds: float = 15.0
    max_seconds: float = 6 * 3600.0
    max_attempts: int = 14  # 15 s doubling, capped at 6 h: about a day in all

    def delay(self, attempts: int) -> timedelta:
        seconds = min(self.max_seconds, self.base_seconds * 2 ** (attempts - 1))
        return timedelta(seconds=seconds * random.uniform(0.8, 1.2))

    @classmethod
    def from_settings(cls, settings: Settings) -> Backoff:
        return cls(base_seconds=settings.webhook_backoff_seconds, max_attempts=settings.webhook_max_attempts)


def claim(conn: Connection, now: datetime, limit: int) -> list[Claimed]:
    blocked = exists().where(
        _earlier.c.ordering_key == deliveries.c.ordering_key,
        _earlier.c.status == DeliveryStatus.PENDING,
        _earlier.c.id < deliveries.c.id,
    )
    due = (
        conn.execute(
            select(deliveries.c.id)
            .where(
                deliveries.c.status == DeliveryStatus.PENDING,
                deliveries.c.next_attempt_at <= now,
                or_(deliveries.c.locked_until.is_(None), deliveries.c.locked_until < now),
                ~blocked,
            )
            .order_by(deliveries.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=deliveries)
        )
        .scalars()
        .all()
    )
    if not due:
        return []
    rows = conn.execute(
        select(
            deliveries.c.id,
            webhooks.c.url,
            webhooks.c.secret,
            webhooks.c.removed_at,
            events.c.event_id,
            events.c.type,
            events.c.store_id,
            events.c.subject_id,
            events.c.created_at,
            events.c.data,
            contacts.c.erased_at,
        )
        .join(events, events.c.id == deliveries.c.event_id)
        .join(webhooks, webhooks.c.id == deliveries.c.webhook_id)
        .outerjoin(contacts, contacts.c.id == events.c.contact_id)
        .where(deliveries.c.id.in_(due))
        .order_by(deliveries.c.id)
    ).all()
    claimed, cancelled = [], []
    for row in rows:
        if row.removed_at is not None or row.erased_at is not None or _recovery_settled(conn, row):
            cancelled.append(row.id)
            continue
        claimed.append(Claimed(row.id, row.url, row.secret, row.event_id, row.type, _body(row)))
    if cancelled:
        conn.execute(update(deliveries).where(deliveries.c.id.in_(cancelled)).values(status=DeliveryStatus.CANCELLED))
    if claimed:
        ids = [item.delivery_id for item in claimed]
        conn.execute(update(deliveries).where(deliveries.c.id.in_(ids)).values(locked_until=now + LEASE))
    return claimed


def _recovery_settled(conn: Connection, row: object) -> bool:
    """A recovery message goes out only while the cart is still abandoned (checked again now)."""
    if row.type != EventType.CART_RECOVERY_DUE:  # type: ignore[attr-defined]
        return False
    status = conn.scalar(select(carts.c.status).where(carts.c.id == row.subject_id))  # type: ignore[attr-defined]
    return status != CartStatus.ABANDONED


def _body(row: object) -> bytes:
    payload = {
        "id": row.event_id,  # type: ignore[attr-defined]
        "type": row.type,  # type: ignore[attr-defined]
        "store_id": row.store_id,  # type: ignore[attr-defined]
        "created_at": row.created_at.isoformat(),  # type: ignore[attr-defined]
        "data": row.data,  # type: ignore[attr-defined]
    }
    return orjson.dumps(payload, default=json_default)


def record_outcome(
    conn: Connection, delivery_id: int, now: datetime, status_code: int | None, error: str | None, backoff: Backoff
) -> str:
    current = conn.execute(
        select(deliveries.c.attempts, deliveries.c.status).where(deliveries.c.id == delivery_id).with_for_update()
    ).one()
    if current.status != DeliveryStatus.PENDING:
        return current.status
    attempts = current.attempts + 1
    values: dict[str, object] = {"attempts": attempts, "last_status": status_code, "locked_until": None}
    if error is None:
        values.update(status=DeliveryStatus.DELIVERED, delivered_at=now, last_error=None)
    elif attempts >= backoff.max_attempts:
        values.update(status=DeliveryStatus.DEAD, last_error=error[:1024])
    else:
        values.update(next_attempt_at=now + backoff.delay(attempts), last_error=error[:1024])
    conn.execute(update(deliveries).where(and_(deliveries.c.id == delivery_id)).values(values))
    return str(values.get("status", DeliveryStatus.PENDING))
