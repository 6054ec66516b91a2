"""Re-driving deliveries (issue 13, README "Outbox lifecycle"): one event again, or every dead
letter of a subscription since a time. A re-driven delivery is pending again with its attempts
back at 0 (a full backoff ladder), due now; the worker sends it like any other, re-checking
then that its webhook is active and its contact not erased. It keeps its `delivered_at`: a
delivery that went out once did, and its message stays `fired` whatever stops it going out
again (`delivery._logged_as_suppressed`)."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Connection, select, update

from app.db.tables import deliveries, events, webhooks
from app.domain.livemode import is_live, public_store_id
from app.domain.statuses import DeliveryStatus
from app.services.stores import StoreError

_AGAIN = {"attempts": 0, "locked_until": None, "last_error": None, "last_status": None}


class Subscription(NamedTuple):
    """An active webhook as a redelivery checks it: its store (public id), and whether it
    takes the test space's events (`--test-events`)."""

    id: int
    store_id: int
    test_events: bool


def redeliver_event(conn: Connection, event_id: str, webhook_id: int | None, now: datetime) -> int:
    """Every delivered or dead delivery of the event (its public id), or only the one to
    `webhook_id`, goes out again. Returns how many; StoreError if the event is unknown, or the
    webhook unknown, removed, another store's, or live-only for a test event (it could never
    have had the event: `_never_had`)."""
    event = conn.execute(select(events.c.id, events.c.store_id).where(events.c.event_id == event_id)).first()
    if event is None:
        raise StoreError(f"No event {event_id}.")
    query = update(deliveries).where(
        deliveries.c.event_id == event.id,
        deliveries.c.status.in_([DeliveryStatus.DELIVERED, DeliveryStatus.DEAD]),
    )
    if webhook_id is not None:
        refusal = _never_had(_active_webhook(conn, webhook_id), event.store_id, event_id)
        if refusal is not None:
            raise StoreError(refusal)
        query = query.where(deliveries.c.webhook_id == webhook_id)
    return conn.execute(query.values(status=DeliveryStatus.PENDING, next_attempt_at=now, **_AGAIN)).rowcount


def redeliver_dead(conn: Connection, webhook_id: int, since: datetime, now: datetime) -> int:
    """Every dead letter of the webhook whose event was fanned out at or after `since` goes out
    again. Returns how many; StoreError if the webhook is unknown or removed."""
    _active_webhook(conn, webhook_id)
    query = update(deliveries).where(
        deliveries.c.webhook_id == webhook_id,
        deliveries.c.status == DeliveryStatus.DEAD,
        deliveries.c.created_at >= since,
    )
    return conn.execute(query.values(status=DeliveryStatus.PENDING, next_attempt_at=now, **_AGAIN)).rowcount


def _never_had(webhook: Subscription, event_space: int, event_id: str) -> str | None:
    """Why `webhook` could never have had the event (in words for the operator), or None. An
    event's store is named by its public id: a test key's event is stored in the store's test
    space, whose internal id is negative (app/domain/livemode.py), and only a webhook added
    with `--test-events` receives it (README "Test keys")."""
    store_id = public_store_id(event_space)
    if webhook.store_id != store_id:
        return f"Webhook {webhook.id} is not a webhook of store {store_id}, where event {event_id} happened."
    if not is_live(event_space) and not webhook.test_events:
        return (
            f"Webhook {webhook.id} takes live events only, and event {event_id} is a test event (livemode "
            "false, caused by a test key): only a webhook added with --test-events receives test events."
        )
    return None


def _active_webhook(conn: Connection, webhook_id: int) -> Subscription:
    """The webhook; StoreError if it is unknown or removed."""
    columns = (webhooks.c.store_id, webhooks.c.test_events, webhooks.c.removed_at)
    row = conn.execute(select(*columns).where(webhooks.c.id == webhook_id)).first()
    if row is None or row.removed_at is not None:
        raise StoreError(f"No active webhook {webhook_id}.")
    return Subscription(webhook_id, int(row.store_id), bool(row.test_events))
