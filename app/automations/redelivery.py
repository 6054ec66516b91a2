"""Re-driving deliveries (issue 13, README "Outbox lifecycle"): one event again, or every dead
letter of a subscription since a time. A re-driven delivery is pending again with its attempts
back at 0 (a full backoff ladder), due now; the worker sends it like any other, re-checking
then that its webhook is active and its contact not erased. It keeps its `delivered_at`: a
delivery that went out once did, and its message stays `fired` whatever stops it going out
again (`delivery._logged_as_suppressed`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select, update

from app.db.tables import deliveries, events, webhooks
from app.domain.statuses import DeliveryStatus
from app.services.stores import StoreError

_AGAIN = {"attempts": 0, "locked_until": None, "last_error": None, "last_status": None}


def redeliver_event(conn: Connection, event_id: str, webhook_id: int | None, now: datetime) -> int:
    """Every delivered or dead delivery of the event (its public id), or only the one to
    `webhook_id`, goes out again. Returns how many; StoreError if the event is unknown, or the
    webhook unknown, removed or another store's (it could never have had the event)."""
    event = conn.execute(select(events.c.id, events.c.store_id).where(events.c.event_id == event_id)).first()
    if event is None:
        raise StoreError(f"No event {event_id}.")
    query = update(deliveries).where(
        deliveries.c.event_id == event.id,
        deliveries.c.status.in_([DeliveryStatus.DELIVERED, DeliveryStatus.DEAD]),
    )
    if webhook_id is not None:
        if _check_webhook(conn, webhook_id) != event.store_id:
            raise StoreError(
                f"Webhook {webhook_id} is not a webhook of store {event.store_id}, where event {event_id} happened."
            )
        query = query.where(deliveries.c.webhook_id == webhook_id)
    return conn.execute(query.values(status=DeliveryStatus.PENDING, next_attempt_at=now, **_AGAIN)).rowcount


def redeliver_dead(conn: Connection, webhook_id: int, since: datetime, now: datetime) -> int:
    """Every dead letter of the webhook whose event was fanned out at or after `since` goes out
    again. Returns how many; StoreError if the webhook is unknown or removed."""
    _check_webhook(conn, webhook_id)
    query = update(deliveries).where(
        deliveries.c.webhook_id == webhook_id,
        deliveries.c.status == DeliveryStatus.DEAD,
        deliveries.c.created_at >= since,
    )
    return conn.execute(query.values(status=DeliveryStatus.PENDING, next_attempt_at=now, **_AGAIN)).rowcount


def _check_webhook(conn: Connection, webhook_id: int) -> int:
    """The store id of the webhook; StoreError if it is unknown or removed."""
    row = conn.execute(select(webhooks.c.store_id, webhooks.c.removed_at).where(webhooks.c.id == webhook_id)).first()
    if row is None or row.removed_at is not None:
        raise StoreError(f"No active webhook {webhook_id}.")
    return int(row.store_id)
