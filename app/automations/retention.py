"""Outbox retention: settled events older than a cutoff are deleted, with their deliveries.

Only delivered and backfilled events go (issue 13, README "Outbox lifecycle"): a backfilled
event is never delivered; any other must have been fanned out with none of its deliveries
still pending or dead-lettered (a dead letter is kept so that it can be re-driven, while its
webhook is not removed). An event
not yet fanned out is pending and is never pruned."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, delete, exists, or_, select

from app.config import MAX_AGE
from app.db.database import Database
from app.db.tables import deliveries, events, webhooks
from app.domain.statuses import DeliveryStatus

BATCH = 1000  # events per transaction: a long prune never holds the writer for long
_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
_AGE = re.compile(r"^\s*([+-]?)\s*(\d+)\s*([dhms])\s*$", re.ASCII)  # digits 0-9 alone


def is_an_age(text: str) -> bool:
    """Whether `text` has an age's form (a whole number and a unit, a sign before it or not:
    `0s`, `36501d`, `-1d`), whatever its value: `parse_age` then says what is wrong with it."""
    return _AGE.match(text) is not None


def parse_age(text: str) -> timedelta:
    """`30d`, `12h`, `90m`, `45s` -> a positive timedelta of at most `MAX_AGE`; ValueError
    otherwise: a signed one (`-1d`: an age counts back from now), one of nothing, or a larger one
    (it goes back past any date)."""
    match = _AGE.match(text)
    if match is not None and match.group(1) and int(match.group(2)) > 0:
        unsigned = f"{int(match.group(2))}{match.group(3)}"
        raise ValueError(f"{text!r} has a sign: an age counts back from now and takes none, such as {unsigned}")
    if match is None or int(match.group(2)) == 0:
        raise ValueError(f"{text!r} is not an age such as 30d, 12h, 90m or 45s (a positive whole number and a unit)")
    try:
        age = timedelta(**{_UNITS[match.group(3)]: int(match.group(2))})
    except OverflowError:  # past timedelta's own range
        age = None
    if age is None or age > MAX_AGE:
        raise ValueError(f"{text!r} is older than any event: an age is at most {MAX_AGE.days:,}d")
    return age


def prune_batch(conn: Connection, before: datetime, limit: int = BATCH) -> int:
    """Delete up to `limit` settled events created before `before`, and their deliveries.
    Returns how many events went."""
    # A dead letter is kept to be re-driven: its webhook's removal ends that (redelivery refuses it).
    removed = exists().where(webhooks.c.id == deliveries.c.webhook_id, webhooks.c.removed_at.is_not(None))
    unsettled = exists().where(
        deliveries.c.event_id == events.c.id,
        or_(deliveries.c.status == DeliveryStatus.PENDING, and_(deliveries.c.status == DeliveryStatus.DEAD, ~removed)),
    )
    ids = (
        conn.execute(
            select(events.c.id)
            .where(
                events.c.created_at < before,
                or_(events.c.backfill.is_(True), and_(events.c.dispatched_at.is_not(None), ~unsettled)),
            )
            .order_by(events.c.id)
            .limit(limit)
        )
        .scalars()
        .all()
    )
    if ids:
        conn.execute(delete(deliveries).where(deliveries.c.event_id.in_(ids)))
        conn.execute(delete(events).where(events.c.id.in_(ids)))
    return len(ids)


async def prune(db: Database, before: datetime) -> int:
    """Every settled event created before `before`, in batches; how many went."""
    pruned = 0
    while batch := await db.write(prune_batch, before):
        pruned += batch
        if batch < BATCH:
            break
    return pruned
