"""Shipments: type, input, the createShipment mutation and the shipments query."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from app.domain import commands, records
from app.domain.event_types import SubjectType
from app.domain.statuses import ShipmentStatus
from app.read.lists import shipment_listing
from app.services import shipments
from app.services.results import Written

from .arguments import After, First, StoreId, status_filter
from .automations import AUTOMATIONS, AutomationDecision, decisions
from .context import Context
from .derived import command_input, record_type
from .errors import UserError
from .inputs import (
    INPUT,
    INPUTS,
    Backfill,
    created_field,
    run_batch,
    run_command,
    stale_field,
    user_errors_field,
)
from .relay import Connection, paged

SHIPMENT_STATUS = status_filter(ShipmentStatus, "Shipments")

if TYPE_CHECKING:
    from .events import Event
    from .orders import Order

OrderRef = Annotated["Order", strawberry.lazy("graphql_schema.orders")]
EventRef = Annotated["Event", strawberry.lazy("graphql_schema.events")]


@strawberry.type(description="A shipment of an order of the same store (SPEC §3.2).")
class Shipment(record_type(records.Shipment)):  # type: ignore[misc]
    @strawberry.field(description="Its events, oldest first")
    async def events(self, info: Info[Context, None]) -> list[EventRef]:
        from .events import events_of_subject

        return await events_of_subject(info, SubjectType.SHIPMENT, int(self.id))

    @strawberry.field(description="Its order")
    async def order(self, info: Info[Context, None]) -> OrderRef | None:
        from .orders import Order

        row = await info.context.loaders.order.load(self.record.order_id)
        return Order.of(row) if row else None


ShipmentInput = command_input(
    commands.ShipmentInput, "ShipmentInput", "A shipment, as POST /shipments takes it (SPEC §3.2)."
)


@strawberry.type(description="What a shipment write did: the shipment, or the userErrors that refused it.")
class ShipmentPayload:
    shipment: Shipment | None = strawberry.field(description="The shipment as stored; null when refused")
    created: bool | None = created_field()
    stale: bool | None = stale_field()
    automations: list[AutomationDecision] = AUTOMATIONS
    user_errors: list[UserError] = user_errors_field()


@strawberry.type(description="What a batch of shipment writes did, input by input.")
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
        self,
        info: Info[Context, None],
        store_id: StoreId,
        input: Annotated[ShipmentInput, INPUT],
        backfill: Backfill = False,
    ) -> ShipmentPayload | None:
        result = await run_command(
            info, store_id, commands.ShipmentInput, input, shipments.upsert_shipment, backfill=backfill
        )
        return _payload(result)

    @strawberry.mutation(description="Create or replace many shipments (same rules as POST /shipments/batch).")
    async def create_shipments(
        self,
        info: Info[Context, None],
        store_id: StoreId,
        inputs: Annotated[list[ShipmentInput], INPUTS],
        backfill: Backfill = False,
    ) -> ShipmentsPayload | None:
        results = await run_batch(info, store_id, shipments.BATCH, inputs, backfill)
        return ShipmentsPayload(results=[_payload(r) for r in results])


@strawberry.type
class ShipmentQueries:
    @strawberry.field(description="Newest first; keyset pagination, first <= 100.")
    async def shipments(
        self,
        info: Info[Context, None],
        store_id: StoreId,
        status: Annotated[str | None, SHIPMENT_STATUS] = None,
        first: First = 20,
        after: After = None,
    ) -> Connection[Shipment]:
        return await paged(
            info, store_id, lambda store: shipment_listing(store.id, status=status), Shipment.of, first, after
        )
