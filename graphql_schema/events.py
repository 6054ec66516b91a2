"""Events (the outbox) and their webhook deliveries, for dashboards and debugging automations."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from app.domain import records
from app.policies.ids import parse_id
from app.read.lists import Listing, event_listing
from app.services.stores import Store

from .arguments import After, First, StoreId
from .context import Context
from .derived import record_type
from .relay import Connection, paged


@strawberry.type(description="One delivery of an event to one webhook subscription (SPEC §6).")
class Delivery(record_type(records.Delivery)):  # type: ignore[misc]
    """One delivery of an event to one webhook subscription."""


@strawberry.type(description="A recorded change (SPEC §6): the outbox row webhooks deliver and automations fire from.")
class Event(record_type(records.Event, exclude=("row_id",))):  # type: ignore[misc]
    @strawberry.field(description="Its deliveries, one per webhook subscription it went to")
    async def deliveries(self, info: Info[Context, None]) -> list[Delivery]:
        rows = await info.context.loaders.deliveries_of_event.load(self.record.row_id)
        return [Delivery.of(row) for row in rows]


async def events_of_subject(info: Info[Context, None], subject_type: str, subject_id: int) -> list[Event]:
    return [Event.of(row) for row in await info.context.loaders.events_of_subject.load((subject_type, subject_id))]


@strawberry.input(description="Events matching every filter given; a blank one is no filter.")
class EventFilter:
    type: str | None = strawberry.field(default=None, description="e.g. order.created or order.*")
    subject_type: str | None = strawberry.field(default=None, description="order, shipment, cart or contact")
    subject_id: strawberry.ID | None = strawberry.field(default=None, description="Kanal's id of the subject")


@strawberry.type
class EventQueries:
    @strawberry.field(description="Newest first; keyset pagination, first <= 100.")
    async def events(
        self,
        info: Info[Context, None],
        store_id: StoreId,
        filter: Annotated[
            EventFilter | None, strawberry.argument(description="Only the events matching every filter given")
        ] = None,
        first: First = 20,
        after: After = None,
    ) -> Connection[Event]:
        where = filter or EventFilter()

        def listing_of(store: Store) -> Listing:
            subject_id = None if where.subject_id is None else parse_id(where.subject_id, ("filter", "subjectId"))
            return event_listing(store.id, where.type, where.subject_type, subject_id)

        return await paged(info, store_id, listing_of, Event.of, first, after)
