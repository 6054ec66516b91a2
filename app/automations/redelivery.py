"""Re-driving deliveries (issue 13, README "Outbox lifecycle"): one event again, or every dead
letter of a subscription since a time. A re-driven delivery is pending again with its attempts
back at 0 (a full backoff ladder), due now; the worker sends it like any other, re-checking
then that its webhook is active and its contact not erased. It keeps its `delivered_at`: a
delivery that went out once did, and its message stays `fired` whatever stops it going out
again (`delivery._logged_as_suppressed`)."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Connection, exists, select, update

from app.automations.delivery import not_going_out
from app.automations.dispatch import subscribed
from app.db.tables import deliveries, events, webhooks
from app.domain.automations import MESSAGES, Reason
from app.domain.livemode import is_live, public_store_id
from app.domain.statuses import DeliveryStatus
from app.services import webhooks as subscriptions
from app.services.stores import StoreError

_AGAIN = {"attempts": 0, "locked_until": None, "last_error": None, "last_status": None}


class Subscription(NamedTuple):
    """An active webhook as a redelivery checks it: its store (public id), whether it takes the
    test space's events (`--test-events`), its event patterns and its first event's row id
    (`dispatch.subscribed`)."""

    id: int
    store_id: int
    test_events: bool
    patterns: list[str]
    first_event_id: int


class Event(NamedTuple):
    """An event as a redelivery checks it: its row id, its store's space (internal id), its
    public id, type and time, and whether a backfilled write recorded it (never delivered)."""

    id: int
    store_id: int
    event_id: str
    type: str
    created_at: datetime
    backfill: bool


def redeliver_event(conn: Connection, event_id: str, webhook_id: int | None, now: datetime) -> int:
    """Every delivered or dead delivery of the event (its public id), or only the one to
    `webhook_id`, goes out again, but a removed webhook's and a delivered one whose message may
    no longer go out (`delivery.not_going_out`), which keep their history. Returns how
    many; StoreError if the event is unknown, was recorded by a backfilled write or as a
    suppressed message (delivered to none), if no delivery of it may go out again (saying
    why), or if the webhook is unknown, removed, another store's, or live-only for a test event
    (it could never have had the event: `_never_had`)."""
    columns = (events.c.id, events.c.store_id, events.c.event_id, events.c.type, events.c.created_at, events.c.backfill)
    row = conn.execute(select(*columns, events.c.reason).where(events.c.event_id == event_id)).first()
    if row is None:
        raise StoreError(f"No event {event_id}.")
    event = Event(*row[:5], bool(row.backfill))
    webhook = None if webhook_id is None else _active_webhook(conn, webhook_id)  # an unknown one named first
    if event.backfill:
        raise StoreError(
            f"Event {event_id} was recorded by a backfilled write (Kanal-Backfill, or kanal import without --live): "
            "it is delivered to no webhook."
        )
    if event.type in MESSAGES and row.reason in _SUPPRESSED_AT_WRITE:
        raise StoreError(
            f"Event {event_id} is a message suppressed when it was recorded ({row.reason}): "
            "it is delivered to no webhook."
        )
    found = select(deliveries.c.id).where(
        deliveries.c.event_id == event.id,
        deliveries.c.status.in_([DeliveryStatus.DELIVERED, DeliveryStatus.DEAD]),
    )
    if webhook is not None:
        given = exists().where(deliveries.c.event_id == event.id, deliveries.c.webhook_id == webhook_id)
        refusal = _never_had(webhook, event, conn.execute(select(given)).scalar_one())
        if refusal is not None:
            raise StoreError(refusal)
        found = found.where(deliveries.c.webhook_id == webhook_id)
    ids = list(conn.execute(found).scalars())
    stopped = not_going_out(conn, ids)
    going = [delivery_id for delivery_id in ids if delivery_id not in stopped]
    if ids and not going:
        why = "; ".join(dict.fromkeys(stopped[delivery_id] for delivery_id in ids))
        raise StoreError(f"Event {event_id} would go out to no webhook again: {why}.")
    if not going:
        return 0
    query = update(deliveries).where(deliveries.c.id.in_(going))
    return conn.execute(query.values(status=DeliveryStatus.PENDING, next_attempt_at=now, **_AGAIN)).rowcount


# a message's reasons when it was recorded that gave it no delivery (app.domain.automations)
_SUPPRESSED_AT_WRITE = frozenset({Reason.NO_CONSENT, Reason.ERASED})


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


def _never_had(webhook: Subscription, event: Event, given: bool) -> str | None:
    """Why `webhook` could never have had `event` (in words for the operator), or None; `given`:
    whether it has a delivery of it (a `--since` replay gives one to a webhook added later). An
    event's store is named by its public id: a test key's event is stored in the store's test
    space, whose internal id is negative (app/domain/livemode.py), and only a webhook added
    with `--test-events` receives it (README "Test keys"). A webhook's patterns must match the
    event's type, and a webhook added after the event never had it unless replayed to it
    (README "Outbox lifecycle": a new subscription receives only events after it)."""
    event_space, event_id = event.store_id, event.event_id
    store_id = public_store_id(event_space)
    if webhook.store_id != store_id:
        return f"Webhook {webhook.id} is not a webhook of store {store_id}, where event {event_id} happened."
    if not is_live(event_space) and not webhook.test_events:
        return (
            f"Webhook {webhook.id} takes live events only, and event {event_id} is a test event (livemode "
            "false, caused by a test key): only a webhook added with --test-events receives test events."
        )
    if not subscriptions.matches(webhook.patterns, event.type):
        patterns = ", ".join(webhook.patterns)
        return f"Webhook {webhook.id} takes {patterns} only, and event {event_id} is of type {event.type}."
    if not given and not subscribed(webhook.first_event_id, event.id):
        return (
            f"Webhook {webhook.id} was added after event {event_id} happened, and it was not replayed to it: "
            "a webhook added with --since TIME receives the events since TIME."
        )
    return None


def _active_webhook(conn: Connection, webhook_id: int) -> Subscription:
    """The webhook; StoreError if it is unknown or removed."""
    columns = (
        webhooks.c.store_id,
        webhooks.c.test_events,
        webhooks.c.events,
        webhooks.c.first_event_id,
        webhooks.c.removed_at,
    )
    row = conn.execute(select(*columns).where(webhooks.c.id == webhook_id)).first()
    if row is None or row.removed_at is not None:
        raise StoreError(f"No active webhook {webhook_id}.")
    return Subscription(webhook_id, int(row.store_id), bool(row.test_events), list(row.events), int(row.first_event_id))
