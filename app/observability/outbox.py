"""The outbox as an operator watches it, read from the database when /metrics is scraped.

Counted with the indexes the worker uses (`events(dispatched_at, id)`, `deliveries(status,
next_attempt_at)`), so a scrape stays cheap while the tables grow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, select

from app.db.tables import deliveries, events
from app.domain.statuses import DeliveryStatus


@dataclass(frozen=True)
class OutboxFigures:
    """Counts, and ages in seconds (0 when nothing is pending)."""

    events_pending: int
    oldest_event_age_seconds: float
    deliveries_pending: int
    oldest_delivery_age_seconds: float
    dead_letters: int


def read_figures(conn: Connection, now: datetime) -> OutboxFigures:
    """A read work function (`Database.read`); `now` is aware UTC."""
    pending_events, oldest_event = conn.execute(
        select(func.count(), func.min(events.c.created_at)).where(events.c.dispatched_at.is_(None))
    ).one()
    pending, oldest_delivery = conn.execute(
        select(func.count(), func.min(deliveries.c.created_at)).where(deliveries.c.status == DeliveryStatus.PENDING)
    ).one()
    dead = conn.scalar(select(func.count()).where(deliveries.c.status == DeliveryStatus.DEAD)) or 0
    return OutboxFigures(
        events_pending=pending_events,
        oldest_event_age_seconds=_age(now, oldest_event),
        deliveries_pending=pending,
        oldest_delivery_age_seconds=_age(now, oldest_delivery),
        dead_letters=dead,
    )


def _age(now: datetime, then: datetime | None) -> float:
    return max(0.0, (now - then).total_seconds()) if then is not None else 0.0
