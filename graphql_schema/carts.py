"""Carts (checkouts): type, inputs, upsertCart / updateCart and the carts query."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from app.domain import commands, records
from app.domain.event_types import SubjectType
from app.domain.statuses import CartStatus
from app.read.lists import cart_listing
from app.services import carts

from .arguments import After, First, StoreId, status_filter
from .automations import AUTOMATIONS, AutomationDecision, decisions
from .context import Context
from .derived import command_input, record_type
from .errors import UserError
from .inputs import (
    INPUT,
    INPUTS,
    Backfill,
    WrittenExternalId,
    created_field,
    run_batch,
    run_command,
    stale_field,
    user_errors_field,
)
from .orders import CONTACT, NESTED_INPUTS, PATCH_DESCRIPTION, LineItem, contact_of
from .relay import Connection, paged

CART_STATUS = status_filter(CartStatus, "Carts")

if TYPE_CHECKING:
    from .contacts import Contact
    from .events import Event

ContactRef = Annotated["Contact", strawberry.lazy("graphql_schema.contacts")]
EventRef = Annotated["Event", strawberry.lazy("graphql_schema.events")]


@strawberry.type(description="An abandoned cart, also served as a checkout (SPEC §3.3): amounts exact, times in UTC.")
class Cart(record_type(records.Cart, exclude=("contact", "line_items"))):  # type: ignore[misc]
    @strawberry.field(description="Its events, oldest first")
    async def events(self, info: Info[Context, None]) -> list[EventRef]:
        from .events import events_of_subject

        return await events_of_subject(info, SubjectType.CART, int(self.id))

    @strawberry.field(description="Its line items, in the order sent")
    def line_items(self) -> list[LineItem]:
        return [LineItem.of(item, self.record.currency) for item in self.record.line_items]

    @strawberry.field(description=CONTACT)
    async def contact(self, info: Info[Context, None]) -> ContactRef | None:
        return await contact_of(info, self.record.contact.id)


CartInput = command_input(
    commands.CartInput,
    "CartInput",
    "An abandoned cart or checkout, as POST /carts takes it (SPEC §3.3); a new one is abandoned.",
    nested=NESTED_INPUTS,
)
CartUpdateInput = command_input(commands.CartUpdate, "CartUpdateInput", PATCH_DESCRIPTION)


@strawberry.type(description="What a cart write did: the cart, or the userErrors that refused it.")
class CartPayload:
    cart: Cart | None = strawberry.field(description="The cart as stored; null when refused")
    created: bool | None = created_field()
    stale: bool | None = stale_field()
    automations: list[AutomationDecision] = AUTOMATIONS
    user_errors: list[UserError] = user_errors_field()


@strawberry.type(description="What a batch of cart writes did, input by input.")
class CartsPayload:
    results: list[CartPayload] = strawberry.field(description="One per input, in order")


def _payload(result: Any) -> CartPayload:
    if isinstance(result, list):
        return CartPayload(cart=None, created=None, stale=None, automations=[], user_errors=result)
    return CartPayload(
        cart=Cart.of(result.record),
        created=result.created,
        stale=result.stale,
        automations=decisions(result),
        user_errors=[],
    )


@strawberry.type
class CartMutations:
    @strawberry.mutation(description="Create or replace an abandoned cart (same rules as POST /carts).")
    async def upsert_cart(
        self,
        info: Info[Context, None],
        store_id: StoreId,
        input: Annotated[CartInput, INPUT],
        backfill: Backfill = False,
    ) -> CartPayload | None:
        result = await run_command(info, store_id, commands.CartInput, input, carts.upsert_cart, backfill=backfill)
        return _payload(result)

    @strawberry.mutation(description="Create or replace many abandoned carts (same rules as POST /carts/batch).")
    async def upsert_carts(
        self,
        info: Info[Context, None],
        store_id: StoreId,
        inputs: Annotated[list[CartInput], INPUTS],
        backfill: Backfill = False,
    ) -> CartsPayload | None:
        return CartsPayload(
            results=[_payload(r) for r in await run_batch(info, store_id, carts.BATCH, inputs, backfill)]
        )

    @strawberry.mutation(description="Change status, recovery URL, tags, metadata (same rules as PATCH /carts/{id}).")
    async def update_cart(
        self,
        info: Info[Context, None],
        store_id: StoreId,
        external_id: WrittenExternalId,
        input: Annotated[CartUpdateInput, INPUT],
        backfill: Backfill = False,
    ) -> CartPayload | None:
        result = await run_command(
            info, store_id, commands.CartUpdate, input, carts.update_cart, external_id, backfill=backfill
        )
        return _payload(result)


@strawberry.type
class CartQueries:
    @strawberry.field(description="Newest abandoned first; keyset pagination, first <= 100.")
    async def carts(
        self,
        info: Info[Context, None],
        store_id: StoreId,
        status: Annotated[str | None, CART_STATUS] = None,
        first: First = 20,
        after: After = None,
    ) -> Connection[Cart]:
        return await paged(info, store_id, lambda store: cart_listing(store.id, status=status), Cart.of, first, after)
