"""Shipments: type, input, the createShipment mutation and the shipments query."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from app.domain import commands, records
from app.domain.event_types import SubjectType
from app.read.lists import shipment_listing
from app.services import shipments
from app.services.results import Written

from .automations import AUTOMATIONS, AutomationDecision, decisions
from .context import Context
from .derived import command_input, record_type
from .errors import UserError
from .inputs import Backfill, run_batch, run_command
from .relay import Connection, paged

if TYPE_CHECKING:
    from .events import Event
    from .orders import Order

OrderRef = Annotated["Order", strawberry.lazy("graphql_schema.orders")]
EventRef = Annotated["Event", strawberry.lazy("graphql_schema.events")]


@strawberry.type
class Shipment(record_type(records.Shipment)):  # type: ignore[misc]
    @strawberry.field(description="Its events, oldest first")
    async def events(self, info: Info[Context, None]) -> list[EventRef]:
        from .events import events_of_subject

        return await events_of_subject(info, SubjectType.SHIPMENT, int(self.id))

    @strawberry.field
    async def order(self, info: Info[Context, None]) -> OrderRef | None:
        from .orders import Order

        row = await info.context.loaders.order.load(self.record.order_id)
        return Order.of(row) if row else None


ShipmentInput = command_input(commands.ShipmentInput, "ShipmentInput")


@strawberry.type
class ShipmentPayload:
    shipment: Shipment | None
    created: bool | None
    stale: bool | None = strawberry.field(
        description="True when the write was older than the stored record: nothing written, the stored record back"
    )
    automations: list[AutomationDecision] = AUTOMATIONS
    user_errors: list[UserError]


@strawberry.type
class ShipmentsPayload:
    results: list[ShipmentPayload] = strawberry.field(description="One per input, in order")


def _payload(result: Written[Any] | list[UserError]) -> ShipmentPayload:
    if isinstance(result, list):
        return ShipmentPayload(shipment=None, created=None, stale=None, automations=[], user_errors=result)
    return ShipmentPayload(
        shipment=Shipment.of(result.record),
        created=result.created,
        stale=result.stale,
        automations=decisions(result),
        user_errors=[],
    )


@strawberry.type
class ShipmentMutations:
    @strawberry.mutation(description="Create or replace a shipment (same rules as POST /shipments).")
    async def create_shipment(
        self, info: Info[Context, None], store_id: strawberry.ID, input: ShipmentInput, backfill: Backfill = False
    ) -> ShipmentPayload:
        result = await run_command(
            info, store_id, commands.ShipmentInput, input, shipments.upsert_shipment, backfill=backfill
        )
        return _payload(result)

    @strawberry.mutation(description="Create or replace many shipments (same rules as POST /shipments/batch).")
    async def create_shipments(
        self,
        info: Info[Context, None],
        store_id: strawberry.ID,
        inputs: list[ShipmentInput],
        backfill: Backfill = False,
    ) -> ShipmentsPayload:
        results = await run_batch(info, store_id, shipments.BATCH, inputs, backfill)
        return ShipmentsPayload(results=[_payload(r) for r in results])


@strawberry.type
class ShipmentQueries:
    @strawberry.field(description="Newest first; keyset pagination, first <= 100.")
    async def shipments(
        self,
        info: Info[Context, None],
        store_id: strawberry.ID,
        status: str | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Shipment]:
        return await paged(
            info, store_id, lambda store: shipment_listing(store.id, status=status), Shipment.of, first, after
        )
