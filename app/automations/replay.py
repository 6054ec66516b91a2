"""Replay to a new subscription (issue 13, README "Outbox lifecycle"): `kanal webhooks add
--since TIME` gives the new webhook a delivery of every earlier event of its store that it
matches, in event order, as if it had been subscribed then: events created at or after TIME,
not backfilled, and no message whose automation was suppressed when recorded
(`automations.suppressed`) or whose contact is erased since; as the dispatcher gives them, an
erased contact's other events go, without its data. The dispatcher gives an event only to the
webhooks that existed when it was committed (`dispatch.subscribed`: its id from the webhook's
first event on), so an event committed before the webhook gets its delivery here, fanned out
yet or not, and one committed since gets it from the dispatcher; the dispatch lock keeps the
two from giving one event twice. A message its
fan-out gave no delivery went out as it fell due: a replayed copy cancelled at its claim (its
cart bought since) leaves its reason `fired` (`delivery._logged_as_suppressed`).

The webhook and its replay are written in one transaction (`add_replaying`): a worker never sees
the webhook without its replayed deliveries, which would let it send a subject's later event
before the replayed earlier one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, exists, insert, or_, select

from app.db.database import Database
from app.db.tables import contacts, deliveries, dispatch_lock, events, webhooks
from app.domain.automations import MESSAGES, suppressed
from app.domain.statuses import DeliveryStatus
from app.services.results import Record
from app.services.stores import StoreError
from app.services.webhooks import insert_webhook, matches, spaces, webhook_record

BATCH = 1000


async def add_replaying(
    db: Database,
    store_id: int,
    url: str,
    patterns: list[str] | None,
    *,
    test_events: bool,
    since: datetime,
    now: datetime,
) -> tuple[Record, int]:
    """`webhooks.add_webhook` and `replay_since` of the new webhook, in one transaction: the
    webhook as written (with its id) and the deliveries replayed. Raises StoreError."""
    record = webhook_record(store_id, url, patterns, test_events=test_events)

    def work(conn: Connection) -> tuple[int, int]:
        # The dispatch lock before the outbox's (`insert_webhook`), as a dispatcher takes them.
        _dispatch_lock(conn)
        webhook_id = insert_webhook(conn, record)
        return webhook_id, replay_since(conn, webhook_id, since, now)

    webhook_id, replayed = await db.write(work)
    return {**record, "id": webhook_id}, replayed


def replay_since(conn: Connection, webhook_id: int, since: datetime, now: datetime) -> int:
    """Create the webhook's deliveries of earlier events; returns how many. StoreError if the
    webhook is unknown or removed."""
    _dispatch_lock(conn)
    hook = conn.execute(select(webhooks).where(webhooks.c.id == webhook_id, webhooks.c.removed_at.is_(None))).first()
    if hook is None:
        raise StoreError(f"No active webhook {webhook_id}.")
    has_one = exists().where(deliveries.c.event_id == events.c.id, deliveries.c.webhook_id == webhook_id)
    rows = conn.execute(
        select(events.c.id, events.c.type, events.c.subject_type, events.c.subject_id, events.c.reason)
        .outerjoin(contacts, contacts.c.id == events.c.contact_id)
        .where(
            events.c.store_id.in_(spaces(hook.store_id, hook.test_events)),
            events.c.created_at >= since,
            # committed before the webhook: the dispatcher never gives it one
            events.c.id < hook.first_event_id,
            events.c.backfill.is_(False),
            or_(contacts.c.erased_at.is_(None), events.c.type.not_in(list(MESSAGES))),
            ~has_one,
        )
        .order_by(events.c.id)
    ).all()
    new = [
        {
            "event_id": row.id,
            "webhook_id": webhook_id,
            "ordering_key": f"{webhook_id}:{row.subject_type}:{row.subject_id}",
            "status": DeliveryStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for row in rows
        if matches(hook.events, row.type) and not suppressed(row.type, row.reason)
    ]
    for start in range(0, len(new), BATCH):
        conn.execute(insert(deliveries), new[start : start + BATCH])
    return len(new)


def _dispatch_lock(conn: Connection) -> None:
    conn.execute(select(dispatch_lock.c.id).where(dispatch_lock.c.id == 1).with_for_update())
