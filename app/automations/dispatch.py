"""Fan-out: each new event becomes one delivery per matching webhook of its store.

Dispatchers take one lock row in turn, so the events of one subject (whose transactions the
subject's row lock already serialises) become deliveries in the order they happened.
Backfilled events, messages' triggers whose automation was suppressed when recorded
(`automations.MESSAGES`, reason not `fired`), and those of a contact erased since (SPEC §4.3:
no automation fires for it; their reason becomes `erased`) are marked dispatched without
deliveries. The other events of an erased contact go out, without its data
(`rules.erasure.scrubbed`): `customer.erased` itself, which tells each subscriber to erase its
copy, and the facts about orders and carts. A test space's events go only to its store's
subscriptions that opted in to them.

An event goes to the webhooks that existed when it was committed (README "Outbox lifecycle": a
new subscription receives only events that happen after it), by its outbox id against each
webhook's first event (`subscribed`), not to those added since, however long it waited to be
fanned out (no worker yet, one down or behind): those get earlier events only by a replay
(`--since`, app.automations.replay)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from app.db.tables import contacts, deliveries, dispatch_lock, events, webhooks
from app.domain.automations import MESSAGES, Reason, suppressed
from app.domain.livemode import public_store_id
from app.domain.statuses import DeliveryStatus
from app.services import abandonments
from app.services.webhooks import matches, spaces

BATCH = 500


def subscribed(first_event_id: int, event_id: int) -> bool:
    """Whether a webhook whose first event is `first_event_id` (`webhooks.insert_webhook`: the
    outbox's next id when it was written) takes the event of row id `event_id`: one committed
    after the webhook, whenever it was stamped (a write stamped before the webhook that waited
    for its commit, a clock behind the command's). A disabled webhook keeps its first event
    (README: new events still get theirs), and `replay.replay_since` gives a `--since` the
    events before it."""
    return event_id >= first_event_id


def dispatch_events(conn: Connection, now: datetime, wait: bool = True) -> int:
    """Returns how many deliveries were created. With `wait` false, a worker whose turn finds
    another dispatching leaves it to that one (0) instead of waiting for its transaction."""
    return fan_out(conn, now, wait)[1]


def fan_out(conn: Connection, now: datetime, wait: bool = True) -> tuple[int, int]:
    """Fans out at most `BATCH` events: returns how many were marked dispatched and how many
    deliveries they created (none for backfill, so the first counts a batch's work)."""
    lock = select(dispatch_lock.c.id).where(dispatch_lock.c.id == 1).with_for_update(skip_locked=not wait)
    if conn.execute(lock).first() is None:
        return 0, 0
    pending = conn.execute(
        select(
            events.c.id,
            events.c.store_id,
            events.c.type,
            events.c.backfill,
            events.c.subject_type,
            events.c.subject_id,
            events.c.reason,
            events.c.created_at,
            contacts.c.erased_at,
        )
        .outerjoin(contacts, contacts.c.id == events.c.contact_id)
        .where(events.c.dispatched_at.is_(None))
        .order_by(events.c.id)
        .limit(BATCH)
    ).all()
    if not pending:
        return 0, 0
    store_ids = {public_store_id(event.store_id) for event in pending}
    hooks = conn.execute(
        select(
            webhooks.c.id, webhooks.c.store_id, webhooks.c.test_events, webhooks.c.events, webhooks.c.first_event_id
        ).where(webhooks.c.store_id.in_(store_ids), webhooks.c.removed_at.is_(None))
    ).all()
    deliverable = [event for event in pending if not event.backfill and not suppressed(event.type, event.reason)]
    # A message of a contact erased since it was recorded never goes out, and its event says so:
    # no delivery of it exists yet to have gone out (README "WhatsApp consent, and why an
    # automation fired or not").
    erased = {event.id for event in deliverable if event.erased_at is not None and event.type in MESSAGES}
    rows = [
        {
            "event_id": event.id,
            "webhook_id": hook.id,
            "ordering_key": f"{hook.id}:{event.subject_type}:{event.subject_id}",
            "status": DeliveryStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for event in deliverable
        if event.id not in erased
        for hook in hooks
        if subscribed(hook.first_event_id, event.id)
        and event.store_id in spaces(hook.store_id, hook.test_events)
        and matches(hook.events, event.type)
    ]
    if rows:
        conn.execute(insert(deliveries), rows)
    if erased:
        # nor is it a message sent (recoveryFunnel): its recovery's abandonment is told so
        changed = update(events).where(events.c.id.in_(erased)).values(reason=Reason.ERASED)
        abandonments.decided(conn, conn.execute(changed.returning(*abandonments.DECIDING)))
    ids = [event.id for event in pending]
    conn.execute(update(events).where(events.c.id.in_(ids)).values(dispatched_at=now))
    return len(ids), len(rows)
