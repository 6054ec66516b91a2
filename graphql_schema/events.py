"""Events (the outbox) and their webhook deliveries, for dashboards and debugging automations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.types import Info

from app.policies.ids import parse_id
from app.read.lists import Listing, event_listing
from app.services.stores import Store

from .context import Context
from .nodes import from_row
from .relay import Connection, paged
from .scalars import JSON


@strawberry.type
class Delivery:
    webhook_id: strawberry.ID
    url: str
    status: str = strawberry.field(description="pending, delivered, dead (retries exhausted) or cancelled")
    attempts: int
    last_status: int | None
    last_error: str | None
    next_attempt_at: datetime
    delivered_at: datetime | None

    @classmethod
    def of(cls, row: dict[str, Any]) -> Delivery:
        return from_row(cls, row)


@strawberry.type
class Event:
    event_id: strawberry.ID = strawberry.field(name="id", description="Stable id, as in webhook deliveries")
    type: str
    subject_type: str
    subject_id: strawberry.ID
    contact_id: strawberry.ID | None
    data: JSON = strawberry.field(description="subject, contact, before and after")
    backfill: bool
    created_at: datetime
    row_id: strawberry.Private[int]

    @classmethod
    def of(cls, row: dict[str, Any]) -> Event:
        return from_row(cls, {**row, "row_id": row["id"]})

    @strawberry.field
    async def deliveries(self, info: Info[Context, None]) -> list[Delivery]:
        return [Delivery.of(row) for row in await info.context.loaders.deliveries_of_event.load(self.row_id)]


async def events_of_subject(info: Info[Context, None], subject_type: str, subject_id: int) -> list[Event]:
    return [Event.of(row) for row in await info.context.loaders.events_of_subject.load((subject_type, subject_id))]


@strawberry.input
class EventFilter:
    type: str | None = strawberry.field(default=None, description="e.g. order.created or order.*")
    subject_type: str | None = strawberry.field(default=None, description="order, shipment, cart or contact")
    subject_id: strawberry.ID | None = None


@strawberry.type
class EventQueries:
    @strawberry.field(description="Newest first; keyset pagination, first <= 100.")
    async def events(
        self,
        info: Info[Context, None],
        store_id: strawberry.ID,
        filter: EventFilter | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Event]:
        where = filter or EventFilter()

        def listing_of(store: Store) -> Listing:
            subject_id = None if where.subject_id is None else parse_id(where.subject_id, ("filter", "subjectId"))
            return event_listing(store.id, where.type, where.subject_type, subject_id)

        return await paged(info, store_id, listing_of, Event.of, first, after)
